import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { PROJECT_ROOT } from './paths.ts';

/**
 * The import closure of some project files, for build caches that must be redone when a source changes
 * (the synthesized state machines, the seeded demo database): every project file reached through static and
 * dynamic imports (relative and `#` aliases) with the sha256 of its content, and the installed version of
 * every package imported on the way.
 */

const IMPORT_PATTERN =
  /\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\bimport\s+['"]([^'"]+)['"]/g;

export interface SourceClosure {
  /** Project files (relative path → sha256 of the content). */
  files: Record<string, string>;
  /** Packages the closure imports (name → installed version). */
  packages: Record<string, string>;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/**
 * Follows the static and dynamic imports from `entries` (absolute paths) through the project at `root`
 * (default this one; tests pass a copy).
 */
export async function sourceClosure(
  entries: readonly string[],
  root: string = PROJECT_ROOT,
): Promise<SourceClosure> {
  const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
    imports?: Record<string, string>;
  };
  const aliases = Object.entries(manifest.imports ?? {}).map(([from, to]) => ({
    prefix: from.replace(/\*$/, ''),
    target: join(root, to.replace(/\*$/, '')),
  }));
  const files: Record<string, string> = {};
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = async (file: string): Promise<void> => {
    if (seen.has(file)) return;
    seen.add(file);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // resolved by the runtime, not a file
      throw error;
    }
    files[relative(root, file)] = createHash('sha256').update(text).digest('hex');
    const next: string[] = [];
    for (const match of text.matchAll(IMPORT_PATTERN)) {
      const specifier = match[1] ?? match[2] ?? match[3];
      if (!specifier || specifier.startsWith('node:')) continue;
      if (specifier.startsWith('.')) next.push(resolve(dirname(file), specifier));
      else if (specifier.startsWith('#')) {
        const alias = aliases.find((a) => specifier.startsWith(a.prefix));
        if (alias) next.push(join(alias.target, specifier.slice(alias.prefix.length)));
      } else packages.add(packageName(specifier));
    }
    await Promise.all(next.map(visit));
  };
  await Promise.all(entries.map(visit));
  const versions: Record<string, string> = {};
  for (const name of [...packages].sort()) {
    try {
      const pkg = JSON.parse(await readFile(join(root, 'node_modules', name, 'package.json'), 'utf8'));
      versions[name] = String((pkg as { version?: unknown }).version);
    } catch {
      versions[name] = 'builtin-or-missing';
    }
  }
  const sortedFiles = Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
  return { files: sortedFiles, packages: versions };
}
