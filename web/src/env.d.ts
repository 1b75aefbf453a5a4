/** The stylesheet is bundled by scripts/build-web.ts (esbuild), not by TypeScript. */
declare module '*.css';
