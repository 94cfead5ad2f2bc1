/**
 * The load process: started by load-process.ts with `node --import tsx`, it runs one job at a
 * time as asked over IPC (autocannon, the rated client or the alert-latency probe) and answers with its summary.
 * It exits when its parent goes away.
 */
import { runAlertProbe, type AlertProbeRequest, type AlertProbeSummary } from './alert-probe';
import { runLoad, runRated, type LoadRequest, type LoadSummary, type RatedRequest, type RatedSummary } from './load';

export type LoadJob = { id: number; load: LoadRequest } | { id: number; rated: RatedRequest } | { id: number; alertProbe: AlertProbeRequest };
export type LoadAnswer =
  | { ready: true }
  | { id: number; ok: true; result: LoadSummary | RatedSummary | AlertProbeSummary }
  | { id: number; ok: false; error: string };

const send = (answer: LoadAnswer) => process.send!(answer);

process.on('message', (job: LoadJob) => {
  const work: Promise<LoadSummary | RatedSummary | AlertProbeSummary> =
    'load' in job ? runLoad(job.load) : 'rated' in job ? runRated(job.rated) : runAlertProbe(job.alertProbe);
  work.then(
    (result) => send({ id: job.id, ok: true, result }),
    (error: unknown) => send({ id: job.id, ok: false, error: String((error as Error)?.stack ?? error) }),
  );
});
process.on('disconnect', () => process.exit(0));
send({ ready: true });
