/**
 * The parent's side of a load process (load-child.ts): `node --import tsx`, over IPC, one job at
 * a time per process. The bench starts two, so that a login burst and a rated token check can
 * run at once from separate processes.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AlertProbeRequest, AlertProbeSummary } from './alert-probe';
import { onCleanup } from './cleanup';
import type { LoadAnswer, LoadJob } from './load-child';
import type { LoadRequest, LoadSummary, RatedRequest, RatedSummary } from './load';

export interface LoadProcess {
  run(req: LoadRequest): Promise<LoadSummary>;
  rated(req: RatedRequest): Promise<RatedSummary>;
  alertProbe(req: AlertProbeRequest): Promise<AlertProbeSummary>;
}

export async function startLoadProcess(name: string): Promise<LoadProcess> {
  const child = fork(fileURLToPath(new URL('./load-child.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  onCleanup(`stop load process ${name}`, async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
  const pending = new Map<number, { resolve: (result: unknown) => void; reject: (e: Error) => void }>();
  let ready!: () => void;
  let failed!: (e: Error) => void;
  const readyPromise = new Promise<void>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  child.on('message', (answer: LoadAnswer) => {
    if ('ready' in answer) return ready();
    const p = pending.get(answer.id);
    pending.delete(answer.id);
    if (answer.ok) p?.resolve(answer.result);
    else p?.reject(new Error(`load process ${name}: ${answer.error}`));
  });
  child.on('exit', (code, signal) => {
    const error = new Error(`load process ${name} exited (code ${code}, signal ${signal})`);
    failed(error);
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  });
  await readyPromise;
  let nextId = 1;
  const call = <T>(job: (id: number) => LoadJob) => {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      child.send(job(id));
    });
  };
  return {
    run: (load) => call<LoadSummary>((id) => ({ id, load })),
    rated: (rated) => call<RatedSummary>((id) => ({ id, rated })),
    alertProbe: (alertProbe) => call<AlertProbeSummary>((id) => ({ id, alertProbe })),
  };
}
