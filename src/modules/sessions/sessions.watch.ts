/**
 * Long-lived operations (subscriptions) are authorized once, when they start. Threat: a stream
 * that outlives that authorization: a demoted admin, a revoked session or an expired token
 * still receiving security alerts.
 *
 * A watched operation ends, with a final error the client can act on, when
 * - its access token expires (by the injected clock): UNAUTHENTICATED, TOKEN_EXPIRED;
 * - its session is revoked on any instance: UNAUTHENTICATED, SESSION_REVOKED;
 * - its user's roles change so that it lacks a scope it needs: FORBIDDEN, missingScopes.
 * Revocations and role changes arrive as pub/sub events (one listener per process, subscribed at
 * start); pub/sub may drop a message, so the operation also re-checks, against the same kv state
 * every request reads, before each delivery (`recheck`).
 */
import { GraphQLError } from 'graphql';
import { runAt, type Clock } from '../../lib/clock';
import type { Logger } from '../../logger';
import type { Pubsub } from '../../pubsub';
import { hasScope } from '../authz/scopes';
import type { TokenState } from './sessions.revocation';

export interface WatchedViewer {
  userId: string;
  sessionId: string;
  scopes: string[];
  amr: string[];
  /** When the access token the operation started with expires. */
  expiresAt: Date;
}

export interface Watch {
  /** Settles with the error that ends the operation. */
  ended: Promise<GraphQLError>;
  /** Checks revocation and scopes now; ends the watch (and returns the error) when they fail. */
  recheck(): Promise<GraphQLError | undefined>;
  /** The operation ended by itself (client left): forget it. */
  stop(): void;
}

export interface SessionWatch {
  watch(viewer: WatchedViewer, needs: readonly string[]): Watch;
  /** Live watches of this session in this process (tests wait on it instead of sleeping). */
  watching(sessionId: string): number;
  close(): Promise<void>;
}

interface Entry {
  viewer: WatchedViewer;
  end(error: GraphQLError): void;
  recheck(): Promise<GraphQLError | undefined>;
}

export function createSessionWatch(deps: {
  pubsub: Pubsub;
  clock: Clock;
  logger: Logger;
  tokenState: (sessionId: string, userId: string) => Promise<TokenState>;
  scopesFor: (roles: readonly string[], session: { mfaVerified: boolean }) => string[];
}): SessionWatch {
  const bySession = new Map<string, Set<Entry>>();
  const byUser = new Map<string, Set<Entry>>();
  const add = (map: Map<string, Set<Entry>>, key: string, e: Entry) => map.set(key, (map.get(key) ?? new Set()).add(e));
  const remove = (map: Map<string, Set<Entry>>, key: string, e: Entry) => {
    const set = map.get(key);
    set?.delete(e);
    if (set?.size === 0) map.delete(key);
  };

  const revoked = deps.pubsub.listen(
    'sessionRevoked',
    (sessionId) => {
      for (const e of bySession.get(sessionId) ?? []) e.end(sessionEnded());
    },
    (error) => deps.logger.error({ err: (error as Error).message }, 'session watch: revocation events stopped'),
  );
  const rolesChanged = deps.pubsub.listen(
    'rolesChanged',
    (userId) => {
      for (const e of byUser.get(userId) ?? []) void e.recheck();
    },
    (error) => deps.logger.error({ err: (error as Error).message }, 'session watch: role events stopped'),
  );

  /** Why the viewer may no longer run an operation needing `needs`, if it may not. */
  async function denial(viewer: WatchedViewer, needs: readonly string[]): Promise<GraphQLError | undefined> {
    let state: TokenState;
    try {
      state = await deps.tokenState(viewer.sessionId, viewer.userId);
    } catch (error) {
      // Cannot tell (Redis down, or its revocation state being rebuilt): fail closed.
      const retryAfterSeconds = error instanceof GraphQLError ? (error.extensions.retryAfterSeconds ?? 5) : 5;
      return final('Credentials cannot be checked right now. Please subscribe again in a few seconds.', { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds });
    }
    if (!state.active) return sessionEnded();
    const scopes = state.liveRoles ? deps.scopesFor(state.liveRoles, { mfaVerified: viewer.amr.includes('otp') }) : viewer.scopes;
    const missing = needs.filter((s) => !hasScope(scopes, s));
    if (missing.length === 0) return undefined;
    return final(`This needs the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which the caller no longer holds.`, {
      code: 'FORBIDDEN',
      missingScopes: missing,
    });
  }

  return {
    watch(viewer, needs) {
      let settle!: (error: GraphQLError) => void;
      const ended = new Promise<GraphQLError>((resolve) => (settle = resolve));
      let done = false;
      const forget = () => {
        done = true;
        cancelExpiry();
        remove(bySession, viewer.sessionId, entry);
        remove(byUser, viewer.userId, entry);
      };
      const entry: Entry = {
        viewer,
        end(error) {
          if (done) return;
          forget();
          settle(error);
        },
        async recheck() {
          if (done) return undefined;
          const error = await denial(viewer, needs);
          if (error) entry.end(error);
          return error;
        },
      };
      add(bySession, viewer.sessionId, entry);
      add(byUser, viewer.userId, entry);
      const cancelExpiry = runAt(deps.clock, viewer.expiresAt, () =>
        entry.end(final('The access token has expired: refresh it and subscribe again.', { code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' })),
      );
      return { ended, recheck: entry.recheck, stop: forget };
    },
    watching: (sessionId) => bySession.get(sessionId)?.size ?? 0,
    async close() {
      await Promise.allSettled([revoked.stop(), rolesChanged.stop()]);
    },
  };
}

/** The last message of a stream: like a request's error, without HTTP details (there is no response status to set). */
const final = (message: string, extensions: Record<string, unknown>) => new GraphQLError(message, { extensions });
const sessionEnded = () => final('The session behind this access token has ended.', { code: 'UNAUTHENTICATED', reason: 'SESSION_REVOKED' });
