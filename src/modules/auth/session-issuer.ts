/** What every successful authentication ends in: a session, a refresh token, an access token. */
import type { Clock } from '../../lib/clock';
import type { AccessTokenService } from '../keys/access-token.service';
import type { IssuedRefresh, SessionEvent, SessionRow, SessionService } from '../sessions/sessions.service';
import type { UserRow } from '../users/users.service';

export interface ClientMeta {
  ip: string | null;
  userAgent: string | null;
}

export interface AuthPayload {
  __typename: 'AuthPayload';
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string | null;
  refreshTokenExpiresAt: Date;
  session: SessionRow;
  user: UserRow;
  trustedDeviceToken: string | null;
}

export interface SessionIssuer {
  /** A new session for a user who just proved `amr`, recorded in the audit log as `event`. */
  start(user: UserRow, proof: { amr: string[]; mfaVerified: boolean }, meta: ClientMeta, event: SessionEvent): Promise<AuthPayload>;
  /** Tokens for a session that already exists (after a refresh). */
  payload(user: UserRow, issued: IssuedRefresh): Promise<AuthPayload>;
}

export function createSessionIssuer(deps: {
  clock: Clock;
  sessions: SessionService;
  accessTokens: AccessTokenService;
  scopesFor: (roles: readonly string[], session: { mfaVerified: boolean }) => string[];
}): SessionIssuer {
  const { clock, sessions, accessTokens } = deps;

  async function payload(user: UserRow, issued: IssuedRefresh, now: Date): Promise<AuthPayload> {
    const { session } = issued;
    const access = await accessTokens.issue({
      userId: user.id,
      sessionId: session.id,
      scopes: deps.scopesFor(user.roles, { mfaVerified: session.mfaVerified }),
      amr: session.amr,
      authTime: session.authenticatedAt,
      notAfter: sessions.endsAt(session),
      now,
    });
    return {
      __typename: 'AuthPayload',
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: issued.refreshToken,
      refreshTokenExpiresAt: issued.refreshTokenExpiresAt,
      session,
      user,
      trustedDeviceToken: null,
    };
  }

  return {
    async start(user, proof, meta, event) {
      const now = clock.now();
      const issued = await sessions.create({ userId: user.id, amr: proof.amr, mfaVerified: proof.mfaVerified, ip: meta.ip, userAgent: meta.userAgent, now, event });
      return payload(user, issued, now);
    },
    payload: (user, issued) => payload(user, issued, clock.now()),
  };
}
