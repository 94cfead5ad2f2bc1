// The worker thread behind password-scoring.ts: runs the pure local rules with zxcvbn loaded once.
import { parentPort } from 'node:worker_threads';
import { loadScorer, passwordProblems } from './password-policy';
import type { LocalRuleInput } from './password-scoring';

parentPort?.on('message', async (m: { id: number; password: string; rules: LocalRuleInput }) => {
  try {
    parentPort!.postMessage({ id: m.id, problems: passwordProblems(m.password, m.rules, await loadScorer()) });
  } catch (error) {
    parentPort!.postMessage({ id: m.id, error: (error as Error).message });
  }
});
