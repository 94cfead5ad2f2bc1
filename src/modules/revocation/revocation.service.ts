/**
 * Revocation state that survives Redis losing its data.
 *
 * Threat: access tokens are checked without the database, against markers in Redis (revoked
 * sessions and API keys, a user's roles since they changed). If Redis restarts empty, is flushed
 * or evicts keys, a revoked session's token works again and a demoted admin's token has admin
 * scopes again, until it expires. PostgreSQL is the source of truth; Redis only a copy.
 *
 * Choices:
 * - An epoch key, read in the same round trip as the markers. Its absence means the copy may be
 *   incomplete: no token is trusted (SERVICE_UNAVAILABLE, retryable) until it is rebuilt.
 * - Only the rebuild writes the epoch, after the markers, in one script that runs only while its
 *   lock is still held: an instance starting after a flush cannot declare the copy complete
 *   without rebuilding it, and a second flush during a rebuild (which removes the lock) makes
 *   that rebuild void instead of hiding the loss.
 * - One rebuild per process at a time (single flight), one across instances (the lock), and it
 *   re-checks the epoch under the lock: a burst of requests after a loss costs one rebuild.
 * - Markers are only added where absent: one written meanwhile by a revocation or role change is
 *   newer than what the rebuild read.
 * - A marker write that fails after its change committed (Redis down or full) would leave a
 *   gap that the epoch cannot show once Redis answers again: the epoch is then removed (retried
 *   until Redis answers), so every instance rebuilds, and the change is enforced from the table.
 * - In-process kv (no REDIS_URL): it starts empty with the process and is rebuilt at start.
 */
import type { Kv } from '../../kv/kv';
import type { Clock } from '../../lib/clock';
import { randomToken } from '../../lib/tokens';
import type { Logger } from '../../logger';
import { protectionUnavailable } from '../ratelimit/rate-limit.service';

export const EPOCH_KEY = 'revocation:epoch';
const LOCK_KEY = 'revocation:rebuild';
/** Longer than any rebuild should take; a crashed rebuilder's lock frees itself after it. */
const LOCK_TTL_SECONDS = 30;

/** A kv entry that must exist now, for `ttl` more seconds. */
export interface Marker {
  key: string;
  value: string;
  ttl: number;
}

/** What one module needs in the kv at `now`, read from its tables. */
export type MarkerSource = (now: Date) => Promise<Marker[]>;

export type RebuildOutcome = 'intact' | 'rebuilt' | 'busy';

export interface RevocationService {
  /** Read this key beside the markers, in the same round trip, and pass its value to `assertIntact`. */
  readonly epochKey: string;
  /** Throws SERVICE_UNAVAILABLE (and starts a rebuild) when the epoch was missing. */
  assertIntact(epoch: string | null): void;
  /**
   * When the epoch is missing, rebuilds the markers from the database and sets it. 'busy':
   * another instance holds the lock (or the kv was lost again meanwhile); requests retry.
   */
  rebuild(): Promise<RebuildOutcome>;
  /**
   * A marker could not be written after its change committed: drop the epoch (retrying until
   * Redis answers) so that every instance rebuilds from the database. Never throws.
   */
  markerWriteFailed(error: unknown): void;
  /** Resolves once no rebuild runs in this process. */
  idle(): Promise<void>;
  /** Rebuilds this process completed (for tests and operators). */
  rebuilds(): number;
}

export function createRevocationService(deps: { kv: Kv; clock: Clock; logger: Logger; sources: MarkerSource[] }): RevocationService {
  const { kv, clock, logger } = deps;
  let running: Promise<RebuildOutcome> | undefined;
  let completed = 0;
  let dropping = false;

  async function dropEpoch(attempt: number): Promise<void> {
    try {
      await kv.del(EPOCH_KEY);
      dropping = false;
    } catch {
      const retry = setTimeout(() => void dropEpoch(attempt + 1), Math.min(30_000, 500 * 2 ** Math.min(attempt, 6)));
      retry.unref();
    }
  }

  async function attempt(): Promise<RebuildOutcome> {
    const token = randomToken(16);
    if (!(await kv.tryLock(LOCK_KEY, token, LOCK_TTL_SECONDS))) return 'busy';
    try {
      // Another instance may have finished between our request's read and the lock.
      const [epoch] = await kv.mget([EPOCH_KEY]);
      if (epoch != null) {
        await kv.release(LOCK_KEY, token);
        return 'intact';
      }
      // Expected at every start of an in-process kv; with Redis it means Redis lost data.
      const level = kv.kind === 'memory' ? 'info' : 'warn';
      logger[level]('no revocation epoch in the kv (a fresh in-process kv, or Redis restarted empty, was flushed or evicted keys): rebuilding from the database');
      const now = clock.now();
      const markers = (await Promise.all(deps.sources.map((source) => source(now)))).flat().filter((m) => m.ttl > 0);
      const restored = await kv.restore({ key: LOCK_KEY, token }, [...markers, { key: EPOCH_KEY, value: `${now.toISOString()} ${token}` }]);
      if (!restored) {
        logger.warn('the kv lost its data again during the revocation rebuild: the next request starts over');
        return 'busy';
      }
      completed++;
      logger[level]({ markers: markers.length }, 'revocation state rebuilt from the database');
      return 'rebuilt';
    } catch (error) {
      await kv.release(LOCK_KEY, token).catch(() => {});
      throw error;
    }
  }

  const rebuild = () =>
    (running ??= (async () => {
      try {
        const [epoch] = await kv.mget([EPOCH_KEY]);
        return epoch != null ? 'intact' : await attempt();
      } finally {
        running = undefined;
      }
    })());

  return {
    epochKey: EPOCH_KEY,
    assertIntact(epoch) {
      if (epoch != null) return;
      void rebuild().catch((error: unknown) => logger.error({ err: (error as Error).message }, 'revocation rebuild failed'));
      throw protectionUnavailable('Sign-in state is being restored. Please try again in a few seconds.');
    },
    rebuild,
    markerWriteFailed(error) {
      logger.error({ err: (error as Error)?.message }, 'a revocation marker could not be written: dropping the epoch so every instance rebuilds');
      if (dropping) return;
      dropping = true;
      void dropEpoch(0);
    },
    async idle() {
      await running?.catch(() => {});
    },
    rebuilds: () => completed,
  };
}
