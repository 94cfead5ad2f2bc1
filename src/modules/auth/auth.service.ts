/**
 * register, login (with the MFA challenge and trusted devices), verifyMfaLogin, refresh.
 *
 * Enumeration: an unknown e-mail and a wrong password give the same InvalidCredentialsError
 * after the same work (a dummy argon2 verify with today's parameters). A disabled account
 * answers the same, and only after its password was checked. Whether an account has MFA is
 * revealed only to someone who knows its password.
 */
import type { UserRow, UserService } from '../users/users.service';
import type { AuditService } from '../audit/audit.service';
import { emailProblem, normalizeEmail } from '../users/email';
import type { MfaService } from '../mfa/mfa.service';
import type { MfaChallengeService } from '../mfa/mfa-challenges.service';
import { InvalidMfaCodeError, MfaChallengeExpiredError, MfaNotEnabledError } from '../mfa/mfa.errors';
import type { LockoutService, Reservation } from '../lockout/lockout.service';
import type { TrustedDeviceService } from '../mfa/trusted-devices.service';
import type { SessionService } from '../sessions/sessions.service';
import { InvalidRefreshTokenError } from '../sessions/sessions.errors';
import type { PasswordHasher } from './password';
import { PASSWORD_MAX_LENGTH } from './password-policy';
import { AccountLockedError, InvalidCredentialsError } from './auth.errors';
import type { AuthPayload, ClientMeta, SessionIssuer } from './session-issuer';

export type { AuthPayload, ClientMeta };

export interface MfaChallengeShape {
  __typename: 'MfaChallenge';
  challengeToken: string;
  methods: ('TOTP' | 'BACKUP_CODE')[];
  expiresAt: Date;
}

export type LoginOutcome = 'succeeded' | 'invalid_credentials' | 'mfa_required' | 'mfa_failed' | 'locked';

export interface AuthService {
  register(input: { email: string; password: string; displayName?: string | null }, meta: ClientMeta): Promise<AuthPayload>;
  /**
   * `accountRateLimit`: the per-account rate limit (login.account), enforced here because a valid
   * trusted-device token of the account passes it: a stranger cannot deny the owner's device.
   */
  login(
    input: { email: string; password: string; trustedDeviceToken?: string | null },
    meta: ClientMeta,
    opts?: { accountRateLimit?: () => Promise<void> },
  ): Promise<AuthPayload | MfaChallengeShape>;
  verifyMfaLogin(input: { challengeToken: string; code: string; trustDevice?: boolean | null }, meta: ClientMeta): Promise<AuthPayload>;
  refresh(refreshToken: string, meta: ClientMeta): Promise<AuthPayload>;
  /** The user, when `password` is theirs; otherwise InvalidCredentialsError (after the same work). */
  checkPassword(user: UserRow | undefined, password: string): Promise<UserRow>;
  /**
   * checkPassword for a signed-in user proving the password again (step-up, password change):
   * the attempt is reserved atomically with the lock check (a concurrent burst gets only what
   * the lock allows), refused while the account or this address is locked, and a wrong password
   * counts towards the lockout like a failed login, so a stolen access token is no password oracle.
   */
  verifyPassword(user: UserRow | undefined, password: string, meta: ClientMeta): Promise<UserRow>;
}

/** Passwords queue behind attempts in flight rather than be told "locked" (see lockout.reserve). */
const QUEUE = { queue: true } as const;

export function createAuthService(deps: {
  users: UserService;
  sessions: SessionService;
  issuer: SessionIssuer;
  hasher: PasswordHasher;
  mfa: MfaService;
  challenges: MfaChallengeService;
  trustedDevices: TrustedDeviceService;
  audit: AuditService;
  lockout: LockoutService;
  onLogin?: (outcome: LoginOutcome) => void;
}): AuthService {
  const { users, sessions, issuer, hasher, mfa, challenges, trustedDevices, audit, lockout } = deps;
  const count = (outcome: LoginOutcome) => deps.onLogin?.(outcome);

  async function checkPassword(user: UserRow | undefined, password: string): Promise<UserRow> {
    // Refused before any hashing: nobody can make us run argon2 over megabytes.
    if (password.length > PASSWORD_MAX_LENGTH * 4 || [...password].length > PASSWORD_MAX_LENGTH) throw new InvalidCredentialsError();
    if (!user) {
      await hasher.verifyDummy(password);
      throw new InvalidCredentialsError();
    }
    const { ok, rehash } = await hasher.verify(user.passwordHash, password);
    if (!ok || user.disabledAt) throw new InvalidCredentialsError();
    if (rehash) {
      // Parameters changed since this hash was made: upgrade it now that we hold the password.
      await users.setPasswordHash(user.id, await hasher.hash(password));
    }
    return user;
  }

  return {
    checkPassword,

    async verifyPassword(user, password, meta) {
      if (!user) return checkPassword(user, password);
      // Reserved before the check: a burst of guesses gets only the attempts the lock allows.
      const attempt = await lockout.reserve(user.email, meta.ip, QUEUE);
      if (attempt.refused) {
        await checkPassword(user, password).catch(() => undefined);
        throw new AccountLockedError(attempt.refused.until);
      }
      try {
        const ok = await checkPassword(user, password);
        await lockout.succeed(attempt);
        return ok;
      } catch (error) {
        if (!(error instanceof InvalidCredentialsError)) {
          await lockout.cancel(attempt);
          throw error;
        }
        const started = await lockout.fail(attempt, { ...meta, userId: user.id });
        if (started) throw new AccountLockedError(started.until);
        throw error;
      }
    },

    async register(input, meta) {
      const user = await users.create({ ...input, via: 'register' }, meta);
      return issuer.start(user, { amr: ['pwd'], mfaVerified: false }, meta, { action: 'LOGIN_SUCCEEDED', details: { method: 'password' } });
    },

    async login(input, meta, opts = {}) {
      const email = normalizeEmail(input.email);
      const malformed = emailProblem(email) !== undefined;
      let found: UserRow | undefined;
      let mfaOn = false;
      let user: UserRow;
      let attempt: Reservation | undefined;
      let bypassed = false;
      // Checked at most once (one query), whether the locks or the MFA step ask first.
      let trustedCheck: Promise<boolean> | undefined;
      const trusted = (u: UserRow) => (trustedCheck ??= input.trustedDeviceToken ? trustedDevices.check(u.id, input.trustedDeviceToken) : Promise.resolve(false));
      try {
        if (malformed) throw new InvalidCredentialsError();
        // Whether MFA is on comes with the account (one statement) and is used only below, once the password is proven.
        const account = await users.findForLogin(email);
        found = account?.user;
        mfaOn = account?.mfaEnabled ?? false;
        // The owner's trusted device passes the failure locks (and the per-account rate limit)
        // that a stranger's failures set, but has a lock of its own; a disabled account still fails below.
        bypassed = Boolean(found && input.trustedDeviceToken && (await trusted(found)));
        if (!bypassed) await opts.accountRateLimit?.();
        // Counted per e-mail whether or not it has an account: unknown addresses lock the same way.
        // With a trusted device, counted against that device instead of the address.
        attempt = await lockout.reserve(email, meta.ip, bypassed ? { trustedDevice: input.trustedDeviceToken!, queue: true } : QUEUE);
        if (attempt.refused) {
          // The same work and the same answer whether or not the password is right.
          await checkPassword(found, input.password).catch(() => undefined);
          count('locked');
          await audit.log({ ...meta, action: 'LOGIN_FAILED', success: false, userId: found?.id ?? null, details: { reason: 'account_locked', method: 'password', email } });
          throw new AccountLockedError(attempt.refused.until);
        }
        user = await checkPassword(found, input.password);
      } catch (error) {
        if (!(error instanceof InvalidCredentialsError)) {
          if (attempt) await lockout.cancel(attempt);
          throw error;
        }
        count('invalid_credentials');
        // A malformed "e-mail" is often a password typed in the wrong field: never record it.
        const event = {
          ...meta,
          action: 'LOGIN_FAILED',
          success: false,
          userId: found?.id ?? null,
          details: { reason: malformed ? 'malformed_email' : 'invalid_credentials', method: 'password', ...(malformed ? {} : { email }) },
        } as const;
        if (!attempt) await audit.log(event);
        // The failure's audit entry and its durable count go in one transaction.
        const started = attempt && (await lockout.fail(attempt, { ...meta, userId: found?.id ?? null }, event));
        if (started) throw new AccountLockedError(started.until);
        throw error;
      }
      // A device that passed MFA before and was trusted then: the password is enough.
      const trustedDevice = mfaOn && (await trusted(user));
      if (mfaOn && !trustedDevice) {
        // Not a success yet: the failure counts stay until the second factor is right too.
        await lockout.cancel(attempt);
        const challenge = await challenges.create(user.id);
        count('mfa_required');
        return { __typename: 'MfaChallenge', challengeToken: challenge.token, methods: ['TOTP', 'BACKUP_CODE'], expiresAt: challenge.expiresAt };
      }
      await lockout.succeed(attempt);
      count('succeeded');
      return issuer.start(user, { amr: ['pwd'], mfaVerified: false }, meta, { action: 'LOGIN_SUCCEEDED', details: { method: mfaOn ? 'trusted_device' : 'password' } });
    },

    async verifyMfaLogin(input, meta) {
      const challenge = await challenges.open(input.challengeToken);
      const user = await users.findById(challenge.userId);
      if (!user || user.disabledAt) throw new MfaChallengeExpiredError();
      // Wrong codes count towards the same lockout as wrong passwords, reserved before the check.
      const attempt = await lockout.reserve(user.email, meta.ip);
      if (attempt.refused) throw new AccountLockedError(attempt.refused.until);
      let factor: 'TOTP' | 'BACKUP_CODE';
      try {
        factor = await mfa.checkCode(challenge.userId, input.code, meta);
      } catch (error) {
        const guessed = error instanceof InvalidMfaCodeError && !error.uncounted;
        if (!guessed) await lockout.cancel(attempt);
        // MFA was switched off after this challenge was opened: the challenge is void.
        if (error instanceof MfaNotEnabledError) throw new MfaChallengeExpiredError();
        count('mfa_failed');
        if (guessed) {
          const started = await lockout.fail(attempt, { ...meta, userId: user.id });
          if (started) throw new AccountLockedError(started.until);
        }
        throw error;
      }
      // Single use, even when two requests raced here with two valid codes.
      if (!(await challenges.consume(challenge.id))) {
        await lockout.cancel(attempt);
        throw new MfaChallengeExpiredError();
      }
      await lockout.succeed(attempt);
      const result = await issuer.start(user, { amr: ['pwd', 'otp'], mfaVerified: true }, meta, {
        action: 'LOGIN_SUCCEEDED',
        details: { method: factor === 'TOTP' ? 'totp' : 'backup_code' },
      });
      count('succeeded');
      if (!input.trustDevice) return result;
      return { ...result, trustedDeviceToken: await trustedDevices.issue(user.id, { ...meta, sessionId: result.session.id }) };
    },

    async refresh(refreshToken, meta) {
      // The user row comes with the rotation (same statement): no second query.
      const { user, ...issued } = await sessions.rotate(refreshToken, meta);
      if (user.disabledAt) {
        await sessions.revoke(user.id, issued.session.id, 'revoked').catch(() => {});
        throw new InvalidRefreshTokenError();
      }
      return issuer.payload(user, issued);
    },
  };
}
