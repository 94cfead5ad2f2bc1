/**
 * Breached passwords through the k-anonymity range API (Have I Been Pwned's Pwned Passwords, or
 * a mirror of it at HIBP_URL). Only the first 5 hex digits of the SHA-1 leave this process; the
 * service answers with every suffix under that prefix (hundreds of them, and with
 * `Add-Padding: true` a padded, near-constant number, so the response size does not narrow the
 * prefix down either) and the match happens here. Neither the password nor its full hash is
 * ever sent or logged.
 *
 * Fail open: when the service errs or does not answer within HIBP_TIMEOUT_MS, the answer is
 * 'unknown', the caller skips this one check and a warning is logged. The other rules (length,
 * dictionaries, history) still apply, and an outage of a third party should not stop people from
 * registering or changing a password; an operator who prefers to fail closed can watch the
 * warning and run a local mirror.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../../logger';

export type BreachVerdict = 'breached' | 'not_found' | 'unknown';

export interface BreachChecker {
  check(password: string): Promise<BreachVerdict>;
}

export function createBreachChecker(deps: { url: string; timeoutMs: number; logger: Logger; fetch?: typeof fetch }): BreachChecker {
  const base = deps.url.replace(/\/+$/, '');
  const fetchImpl = deps.fetch ?? fetch;
  return {
    async check(password) {
      const sha1 = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
      const prefix = sha1.slice(0, 5);
      const suffix = sha1.slice(5);
      try {
        // The timeout covers the body too: a server that sends headers and then stalls is as slow.
        const signal = AbortSignal.timeout(deps.timeoutMs);
        const res = await fetchImpl(`${base}/range/${prefix}`, { headers: { 'Add-Padding': 'true' }, signal });
        if (!res.ok) {
          await res.body?.cancel();
          throw new Error(`HTTP ${res.status}`);
        }
        return rangeContains(await res.text(), suffix) ? 'breached' : 'not_found';
      } catch (error) {
        const reason = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError') ? `no answer within ${deps.timeoutMs} ms` : String(error);
        deps.logger.warn({ reason }, 'breached-password check skipped: the range API failed');
        return 'unknown';
      }
    },
  };
}

/** `SUFFIX:COUNT` lines; padding lines have count 0 and are not breaches. */
export function rangeContains(body: string, suffix: string): boolean {
  const wanted = suffix.toUpperCase();
  for (const line of body.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    if (line.slice(0, colon).trim().toUpperCase() !== wanted) continue;
    const count = Number.parseInt(line.slice(colon + 1).trim(), 10);
    return Number.isFinite(count) && count > 0;
  }
  return false;
}
