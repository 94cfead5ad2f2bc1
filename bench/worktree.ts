/**
 * BENCH_BASELINE_REF: that commit checked out in a temporary worktree under /tmp (detached, with
 * this checkout's node_modules symlinked in), removed by the cleanup.
 */
import { execFileSync } from 'node:child_process';
import { realpathSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { onCleanup } from './cleanup';
import { log } from './settings';

export function refWorktree(root: string, ref: string, tag: string): string {
  const dir = `/tmp/idp-bench-ref-${tag}`;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] }).toString().trim();
  const commit = git('rev-parse', '--verify', `${ref}^{commit}`);
  git('worktree', 'add', '--detach', dir, commit);
  onCleanup(`remove worktree ${dir}`, async () => {
    git('worktree', 'remove', '--force', dir);
    log(`removed worktree ${dir}`);
  });
  symlinkSync(realpathSync(path.join(root, 'node_modules')), path.join(dir, 'node_modules'));
  log(`${ref} is ${commit.slice(0, 12)}, checked out in ${dir}`);
  return dir;
}
