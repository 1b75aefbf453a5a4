import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, WEB_DIST_DIR } from './paths.ts';

/** The pages `npm start` serves: rebuilt into web/dist when older than their sources. */

function newestMtime(dir: string): number {
  let newest = 0;
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (entry.name === 'dist' || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    newest = Math.max(
      newest,
      entry.isDirectory() ? newestMtime(path) : (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0),
    );
  }
  return newest;
}

/** Builds the pages into web/dist when they are missing or older than their sources. */
export async function buildPagesIfStale(): Promise<'fresh' | 'built' | string> {
  const builder = join(PROJECT_ROOT, 'scripts', 'build-web.ts');
  if (!existsSync(builder)) return existsSync(WEB_DIST_DIR) ? 'fresh' : 'there is no page builder yet';
  const built = statSync(join(WEB_DIST_DIR, 'index.html'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  // What the pages import: their own sources, the domain schemas, the route table and the API's views.
  const sources = Math.max(
    ...['web', 'shared/domain', 'shared/http'].map((dir) => newestMtime(join(PROJECT_ROOT, dir))),
    ...['shared/api/routes.ts', 'shared/api/schemas.ts'].map(
      (file) => statSync(join(PROJECT_ROOT, file), { throwIfNoEntry: false })?.mtimeMs ?? 0,
    ),
  );
  if (built > 0 && built >= sources) return 'fresh';
  try {
    const { buildWeb } = (await import(builder)) as {
      buildWeb: (options?: { outDir?: string }) => Promise<unknown>;
    };
    await buildWeb({ outDir: WEB_DIST_DIR });
    return 'built';
  } catch (error) {
    return `the build failed (${(error as Error).message.split('\n')[0]}); see \`npm run build:web\``;
  }
}
