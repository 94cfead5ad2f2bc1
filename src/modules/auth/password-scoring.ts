/**
 * Where the local password rules run: in one worker thread, off the event loop. zxcvbn spends
 * 10-25 ms of CPU per check; on the main thread every other request (token checks included)
 * would wait behind each registration or password change. argon2 stays the one slow thing on
 * the request path, and it runs in libuv's pool, not here.
 *
 * The worker is started on first use and shared by the process (the dictionaries it loads are
 * large and immutable); it does not keep the process alive. If it cannot start or dies, checks
 * run in-process instead (logged once), so a password check never fails for that reason.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface LocalRuleInput {
  minLength: number;
  minScore: number;
  owner?: { email?: string | null; displayName?: string | null };
}

type Pending = { resolve: (problems: string[]) => void; reject: (error: Error) => void };

let worker: Worker | undefined;
let broken = false;
let nextId = 0;
const pending = new Map<number, Pending>();

/**
 * The worker's own V8 heap. zxcvbn's dictionaries are 27 MiB live, but each check allocates
 * megabytes of short-lived matches, and with V8's defaults (16 MiB semi-spaces, an old space let
 * grow to 4x the live set before a full collection) the worker reached 170 MiB of RSS after 120
 * checks. With these limits it stays near 70 MiB for the same CPU per check (measured, see the
 * README's Memory section); the live set has 3.5x headroom under the cap (a check scores at most
 * SCORED_LENGTH characters), and a worker that ever ran out would fall back as any dead one.
 */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 96 };

function start(): Worker | undefined {
  if (worker || broken) return worker;
  try {
    const w = newWorker();
    w.unref();
    w.on('message', (m: { id: number; problems?: string[]; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.problems) p.resolve(m.problems);
      else p.reject(new Error(m.error ?? 'password worker failed'));
    });
    const fail = (error: Error) => {
      // A worker that fails emits 'error' and then a non-zero 'exit': say it once.
      if (broken) return;
      broken = true;
      worker = undefined;
      console.warn(`password worker unavailable, scoring in-process: ${error.message}`);
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(error);
      }
    };
    w.on('error', fail);
    w.on('exit', (code) => code !== 0 && fail(new Error(`exited with code ${code}`)));
    worker = w;
  } catch (error) {
    broken = true;
    console.warn(`password worker unavailable, scoring in-process: ${(error as Error).message}`);
  }
  return worker;
}

/**
 * Built (dist/), the worker is the bundle beside this one. Under tsx (dev, tests, scripts) it is
 * the TypeScript file, imported through tsx's ESM API: Node 20 workers do not inherit its loader.
 */
function newWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./password-worker.js', import.meta.url), { resourceLimits: RESOURCE_LIMITS });
  const tsxRoot = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = pathToFileURL(path.join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const target = new URL('./password-worker.ts', import.meta.url).href;
  const source = `import(${JSON.stringify(tsx)}).then((m) => m.tsImport(${JSON.stringify(target)}, ${JSON.stringify(target)}))`;
  return new Worker(source, { eval: true, resourceLimits: RESOURCE_LIMITS });
}

/** The local rules' problems for `password`, computed in the worker (or in-process as a fallback). */
export async function scoreInWorker(password: string, rules: LocalRuleInput, inProcess: () => Promise<string[]>): Promise<string[]> {
  const w = start();
  if (!w) return inProcess();
  const id = nextId++;
  try {
    return await new Promise<string[]>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      // While a check is outstanding the worker keeps the process alive; idle, it does not.
      w.ref();
      w.postMessage({ id, password, rules });
    }).finally(() => pending.size === 0 && w.unref());
  } catch {
    return inProcess();
  }
}

/** Starts the worker and loads its dictionaries now, so the first registration does not wait for them. */
export function warmPasswordScoring(): void {
  void scoreInWorker('warm-up', { minLength: 1, minScore: 0 }, async () => []).catch(() => undefined);
}
