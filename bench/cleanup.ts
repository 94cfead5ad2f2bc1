/**
 * Everything the bench creates (databases, Redis keys, child processes, a temporary worktree)
 * registers how to remove it; the removals run once, newest first, at the end, on an error or on
 * Ctrl-C.
 */
import { log } from './settings';

const cleanups: { name: string; fn: () => Promise<unknown> }[] = [];
let cleaning: Promise<void> | undefined;
let signals = 0;

export function onCleanup(name: string, fn: () => Promise<unknown>): void {
  cleanups.push({ name, fn });
}

export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const { name, fn } of cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (error) {
        console.error(`[bench] cleanup "${name}" failed:`, error);
      }
    }
  })();
  return cleaning;
}

export const interrupted = () => signals > 0;

// Ctrl-C can reach us twice (from the terminal and relayed by npm): the first starts the
// cleanup, repeats are ignored, a third one gives up on cleaning.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    signals++;
    if (signals === 1) {
      log(`${signal}: cleaning up`);
      void cleanup().finally(() => process.exit(130));
    } else if (signals >= 3) {
      process.exit(130);
    }
  });
}
