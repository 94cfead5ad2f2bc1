/**
 * The kv side of session revocation. Access tokens are checked without the database: a revoked
 * session leaves a marker in the kv (Redis, shared by every instance) for as long as a token
 * issued before the revocation can live, and every request reads it together with the user's
 * live roles and the revocation epoch, in one round trip. The sessions table stays the source
 * of truth: when the kv lost its data, `markers` gives the revocation module what to put back.
 */
import { and, gt, isNotNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { Kv } from '../../kv/kv';
import { liveRolesKey } from '../authz/scopes';
import type { Marker, RevocationService } from '../revocation/revocation.service';
import { sessions } from './sessions.table';

export const sessionRevokedKey = (sessionId: string) => `revoked:${sessionId}`;

export interface TokenState {
  active: boolean;
  /** The user's roles when they changed within a token's lifetime; null: the token's scopes hold. */
  liveRoles: string[] | null;
}

export function createSessionRevocation(deps: {
  db: Db;
  kv: Kv;
  revocation: Pick<RevocationService, 'epochKey' | 'assertIntact' | 'markerWriteFailed'>;
  /** seconds: how long a token issued before the revocation can still be presented */
  markerTtl: number;
  /** Told of every revoked session, so its live subscriptions end. */
  onRevoked?: (sessionId: string) => void;
}) {
  const { db, kv, revocation, markerTtl } = deps;
  return {
    /** After commit: stop the sessions' access tokens on every instance (or have them all rebuild). */
    async publish(ids: string[]) {
      await Promise.all(ids.map((id) => kv.setex(sessionRevokedKey(id), markerTtl, '1'))).catch(revocation.markerWriteFailed);
      for (const id of ids) deps.onRevoked?.(id);
    },

    async tokenState(sessionId: string, userId: string): Promise<TokenState> {
      const [marker, roles, epoch] = await kv.mget([sessionRevokedKey(sessionId), liveRolesKey(userId), revocation.epochKey]);
      revocation.assertIntact(epoch ?? null);
      return { active: marker == null, liveRoles: roles ? (JSON.parse(roles) as string[]) : null };
    },

    /** Markers of sessions revoked recently enough that their access tokens may still be live. */
    async markers(now: Date): Promise<Marker[]> {
      const since = new Date(now.getTime() - markerTtl * 1000);
      const rows = await db
        .select({ id: sessions.id, revokedAt: sessions.revokedAt })
        .from(sessions)
        .where(and(isNotNull(sessions.revokedAt), gt(sessions.revokedAt, since)));
      return rows.map((r) => ({ key: sessionRevokedKey(r.id), value: '1', ttl: markerTtl - (now.getTime() - r.revokedAt!.getTime()) / 1000 }));
    },
  };
}
