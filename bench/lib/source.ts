import { execFileSync } from 'node:child_process';

/**
 * What a bench run measured: the commit (`git rev-parse HEAD`) and whether the work tree differed from it.
 * Results from a dirty tree do not say which code they describe, so `npm run bench` refuses to write them
 * unless `--allow-dirty`, and then the results say dirty. The bench's own results directory is left out of
 * the check: it is what a run writes.
 */

export interface BenchSource {
  commit: string;
  dirty: boolean;
  /** `git status --porcelain` lines of what differs (at most 20), when dirty. */
  changes?: string[];
}

/** git's output without its final newline (a status line's leading space is part of it). */
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trimEnd();

export function benchSource(projectRoot: string): BenchSource {
  const commit = git(projectRoot, 'rev-parse', 'HEAD');
  const changes = git(projectRoot, 'status', '--porcelain', '--', '.', ':(exclude)bench/results')
    .split('\n')
    .filter((line) => line.trim() !== '');
  return changes.length > 0
    ? { commit, dirty: true, changes: changes.slice(0, 20) }
    : { commit, dirty: false };
}
