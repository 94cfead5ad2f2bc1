/**
 * register, login, and what every successful authentication ends in: a session, a refresh
 * token and an access token.
 *
 * Enumeration: an unknown e-mail and a wrong password give the same InvalidCredentialsError
 * after the same work (a dummy argon2 verify with today's parameters). A disabled account
 * answers the same, and only after its password was checked.
 */
import type { Clock } from '../../lib/clock';
import type { AccessTokenService } from '../keys/access-token.service';
import { scopesForRoles } from '../authz/scopes';
import type { SessionRow, SessionService } from '../sessions/sessions.service';
import type { UserRow, UserService } from '../users/users.service';
import { emailProblem, normalizeEmail } from '../users/email';
import type { PasswordHasher } from './password';
import { PASSWORD_MAX_LENGTH } from './password-policy';
import { InvalidCredentialsError } from './auth.errors';
import { InvalidRefreshTokenError } from '../sessions/sessions.errors';

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

export type LoginOutcome = 'succeeded' | 'invalid_credentials';

export interface AuthService {
  register(input: { email: string; password: string; displayName?: string | null }, meta: ClientMeta): Promise<AuthPayload>;
  login(input: { email: string; password: string }, meta: ClientMeta): Promise<AuthPayload>;
  refresh(refreshToken: string, meta: ClientMeta): Promise<AuthPayload>;
}

export function createAuthService(deps: {
  clock: Clock;
  users: UserService;
  sessions: SessionService;
  accessTokens: AccessTokenService;
  hasher: PasswordHasher;
  onLogin?: (outcome: LoginOutcome) => void;
}): AuthService {
  const { clock, users, sessions, accessTokens, hasher } = deps;

  async function payload(user: UserRow, session: SessionRow, refreshToken: string, refreshTokenExpiresAt: Date, now: Date): Promise<AuthPayload> {
    const access = await accessTokens.issue({
      userId: user.id,
      sessionId: session.id,
      scopes: scopesForRoles(user.roles),
      amr: session.amr,
      authTime: session.authenticatedAt,
      notAfter: sessions.endsAt(session),
      now,
    });
    return {
      __typename: 'AuthPayload',
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken,
      refreshTokenExpiresAt,
      session,
      user,
      trustedDeviceToken: null,
    };
  }

  async function startSession(user: UserRow, amr: string[], meta: ClientMeta) {
    const now = clock.now();
    const issued = await sessions.create({ userId: user.id, amr, mfaVerified: false, ip: meta.ip, userAgent: meta.userAgent, now });
    return payload(user, issued.session, issued.refreshToken, issued.refreshTokenExpiresAt, now);
  }

  return {
    async register(input, meta) {
      const user = await users.create(input);
      return startSession(user, ['pwd'], meta);
    },

    async login(input, meta) {
      const email = normalizeEmail(input.email);
      const fail = () => {
        deps.onLogin?.('invalid_credentials');
        return new InvalidCredentialsError();
      };
      // Refused before any hashing: nobody can make us run argon2 over megabytes.
      if (emailProblem(email) || input.password.length > PASSWORD_MAX_LENGTH * 4 || [...input.password].length > PASSWORD_MAX_LENGTH) {
        throw fail();
      }
      const user = await users.findByEmail(email);
      if (!user) {
        await hasher.verifyDummy(input.password);
        throw fail();
      }
      const { ok, rehash } = await hasher.verify(user.passwordHash, input.password);
      if (!ok || user.disabledAt) throw fail();
      if (rehash) {
        // Parameters changed since this hash was made: upgrade it now that we hold the password.
        await users.setPasswordHash(user.id, await hasher.hash(input.password));
      }
      const result = await startSession(user, ['pwd'], meta);
      deps.onLogin?.('succeeded');
      return result;
    },

    async refresh(refreshToken, meta) {
      const issued = await sessions.rotate(refreshToken, meta);
      const user = await users.findById(issued.session.userId);
      // A user deleted mid-flight: the cascade removed the session too; treat as invalid.
      if (!user || user.disabledAt) {
        await sessions.revoke(issued.session.userId, issued.session.id, 'revoked').catch(() => {});
        throw new InvalidRefreshTokenError();
      }
      return payload(user, issued.session, issued.refreshToken, issued.refreshTokenExpiresAt, clock.now());
    },
  };
}
