import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where things are on this machine: light enough for `npm start` to read before anything else loads.
 */

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** The built pages `npm start` serves. */
export const WEB_DIST_DIR = join(PROJECT_ROOT, 'web', 'dist');
/**
 * The build cache (synthesized state machines, the demo database template): it depends on the sources,
 * never on the data, is shared by every data directory and is warmed by `npm install` (scripts/prepare.ts).
 */
export const BUILD_CACHE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'peerpath');
