/**
 * Servers under test run as child processes, each `node` itself (not a shell or npm), so that its
 * pid is the server's and /proc/<pid>/status has its peak RSS. Ours and the baselines run the
 * same way: built JavaScript when the checkout has `npm run build` (as `npm start` does), else
 * TypeScript through tsx.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { onCleanup } from './cleanup';
import { buildEntry } from './peer/build';
import { log, sleep } from './settings';

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

export type RunMode = 'dist' | 'tsx';

export interface ServerCommand {
  mode: RunMode;
  /** Arguments of `node`, run from the checkout's root. */
  args: string[];
}

/**
 * How a checkout runs its server in production: `node dist/main.js` after `npm run build` when
 * its package.json has a build script, else `node --import tsx src/main.ts`.
 */
export function serverCommand(root: string): ServerCommand {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  if (!pkg.scripts?.build) return { mode: 'tsx', args: ['--import', 'tsx', 'src/main.ts'] };
  log(`npm run build in ${root}`);
  const built = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) throw new Error(`npm run build failed in ${root} (exit ${built.status})`);
  // Exactly what `npm start` runs after its build (V8 flags included), so the bench measures production.
  const started = /exec node\s+(.+)$/.exec(pkg.scripts.start ?? '')?.[1]?.trim().split(/\s+/);
  return { mode: 'dist', args: started ?? ['dist/main.js'] };
}

export interface ChildServer {
  name: string;
  url: string;
  pid: number;
  /** Peak resident set (VmHWM) so far, MiB. */
  peakRssMiB(): number;
  stop(): Promise<void>;
}

export function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]);
  return kib / 1024;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Polls GET /healthz until it answers 200; fails if the child exits first. */
async function waitHealthy(name: string, url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name}: exited before it was ready (code ${child.exitCode}, signal ${child.signalCode})`);
    try {
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${name}: not healthy after ${READY_TIMEOUT_MS / 1000} s`);
}

/** Starts `node <args>` in `cwd` listening on `port` (given in PORT), stopped by the cleanup too. */
/** bench/results/<name>.log (git-ignored, started afresh per run): where a server's stdout goes. */
export function serverLogFile(name: string): string {
  const dir = path.join(path.dirname(new URL(import.meta.url).pathname), 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/\W+/g, '-')}.log`);
  closeSync(openSync(file, 'w'));
  return file;
}

/**
 * `stdoutFile`: the child's stdout goes to that file instead of the bench's stderr (a server
 * logging every request at its default level, as in production, without the bench relaying it).
 */
export async function startChildServer(opts: { name: string; cwd: string; args: string[]; env: Record<string, string>; port: number; stdoutFile?: string }): Promise<ChildServer> {
  const stdout = opts.stdoutFile ? openSync(opts.stdoutFile, 'a') : 'pipe';
  const child = spawn(process.execPath, opts.args, {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...opts.env, PORT: String(opts.port) },
    stdio: ['ignore', stdout, 'pipe'],
  });
  if (typeof stdout === 'number') closeSync(stdout);
  for (const stream of [child.stdout, child.stderr].filter((s) => s !== null)) {
    createInterface({ input: stream }).on('line', (line) => process.stderr.write(`[${opts.name}] ${line}\n`));
  }
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopChild(child));
  onCleanup(`stop ${opts.name}`, stop);
  const url = `http://127.0.0.1:${opts.port}`;
  try {
    await waitHealthy(opts.name, url, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { name: opts.name, url, pid: child.pid!, peakRssMiB: () => peakRssMiB(child.pid!), stop };
}

/** A bench program (bench/baselines/*.ts) run like the server: bundled by esbuild for 'dist', through tsx otherwise. */
export async function startProgram(opts: { name: string; file: string; mode: RunMode; env: Record<string, string>; port: number; cwd: string }): Promise<ChildServer> {
  if (opts.mode === 'tsx') return startChildServer({ ...opts, args: ['--import', 'tsx', opts.file] });
  const built = await buildEntry(path.relative(path.join(opts.cwd, 'bench/peer'), opts.file));
  onCleanup(`remove build of ${opts.name}`, built.remove);
  return startChildServer({ ...opts, args: [built.file] });
}
