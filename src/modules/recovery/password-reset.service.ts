/**
 * Password reset by a link mailed to the account's address.
 *
 * Enumeration: `request` answers the same for every address, after the same work on the
 * request's path (one lookup by e-mail). What differs for a real, active account (a token, an
 * audit entry, the mail) runs in the background after the answer has been decided, so neither
 * the body nor the response time says whether an account exists. Both rate limits apply to every
 * address alike.
 *
 * The reset itself proves control of the mailbox, nothing more: it does not sign in (with MFA on,
 * the next login still asks for a code), and it leaves the MFA step's own lock alone. It ends
 * everything the old password may have opened: every session, every trusted device, every API
 * key (revoked in the password's transaction, refused by every instance from its next request),
 * open MFA challenges and any address change in progress (an intruder's, perhaps). It clears the
 * progressive lockout, which the owner, having proven control of the address, should not wait out.
 */
import type { Db } from '../../db/client';
import { afterCommit } from '../../db/after-commit';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../logger';
import type { ApiKeyService } from '../apikeys/apikeys.service';
import type { AuditService } from '../audit/audit.service';
import type { PasswordHasher } from '../auth/password';
import type { PasswordPolicy } from '../auth/password-policy';
import type { ClientMeta } from '../auth/session-issuer';
import type { LockoutService } from '../lockout/lockout.service';
import type { Mailer } from '../mail/mailer';
import type { MfaChallengeService } from '../mfa/mfa-challenges.service';
import type { MfaService } from '../mfa/mfa.service';
import type { TrustedDeviceService } from '../mfa/trusted-devices.service';
import type { SessionService } from '../sessions/sessions.service';
import type { UserRow, UserService } from '../users/users.service';
import type { EmailTokenService } from './email-tokens.service';
import { InvalidTokenError } from './recovery.errors';
import { emailProblem, normalizeEmail } from '../users/email';
import { linkTo, passwordResetMail } from './recovery.mails';

export interface PasswordResetService {
  /**
   * Mails a reset link when the address belongs to an active account; the same for any address.
   * `mail: false` (the per-account limit is spent): the same work and answer, but no mail.
   */
  request(email: string, meta: ClientMeta, opts?: { mail?: boolean }): Promise<void>;
  /** Sets the new password with a live token; a refused password leaves the token usable. */
  /**
   * `forgetRateLimits`: clears the per-account rate limits of the e-mail address (the owner proved
   * control of the mailbox; a stranger who spent them must not keep the owner out).
   */
  reset(
    input: { token: string; newPassword: string },
    meta: ClientMeta,
    opts?: { forgetRateLimits?: (email: string) => Promise<void> },
  ): Promise<{ sessionsEnded: number; trustedDevicesRevoked: number; apiKeysRevoked: number }>;
  /** Resolves once the background work of earlier requests is done (tests, shutdown). */
  idle(): Promise<void>;
}

export function createPasswordResetService(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  users: UserService;
  tokens: EmailTokenService;
  audit: AuditService;
  mailer: Mailer;
  hasher: PasswordHasher;
  passwordPolicy: PasswordPolicy;
  mfa: MfaService;
  sessions: SessionService;
  trustedDevices: TrustedDeviceService;
  challenges: MfaChallengeService;
  lockout: LockoutService;
  apiKeys: Pick<ApiKeyService, 'revokeAllForUser'>;
  settings: { linkBaseUrl: string; ttl: number };
}): PasswordResetService {
  const { db, clock, users, tokens, audit, mailer, settings } = deps;
  const background = new Set<Promise<void>>();

  async function mailLink(user: UserRow, meta: ClientMeta) {
    const now = clock.now();
    await db.transaction(async (tx) => {
      const { token } = await tokens.issue(tx, { userId: user.id, purpose: 'password_reset', now });
      await audit.record(tx, { ...meta, action: 'PASSWORD_RESET_REQUESTED', userId: user.id });
      afterCommit(tx, () => mailer.send(passwordResetMail(user.email, linkTo(settings.linkBaseUrl, '/reset-password', token), settings.ttl)));
    });
  }

  /**
   * For an address without an active account, the same background work as mailLink but the mail:
   * a request that came back fast could otherwise be told apart by how it slows the next one
   * (bench/timing.ts measures exactly that). Its audit entry lets admins see reset probing.
   */
  async function rehearse(email: string, meta: ClientMeta, user: UserRow | undefined) {
    const now = clock.now();
    const reason = user ? 'account_rate_limited' : 'no_active_account';
    await db.transaction(async (tx) => {
      await tokens.rehearse(tx, now);
      await audit.record(tx, { ...meta, action: 'PASSWORD_RESET_REQUESTED', success: false, userId: user?.id ?? null, details: { reason, email } });
    });
  }

  return {
    async request(email, meta, opts = {}) {
      // On the path for every address alike: the lookup. Malformed addresses end here too.
      const user = await users.findByEmail(email);
      const normalized = normalizeEmail(email);
      if (emailProblem(normalized) !== undefined) return;
      const active = user && !user.disabledAt ? user : undefined;
      // Over the per-account limit: what an unknown address gets (no mail), off the request's path.
      const task: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => (active && opts.mail !== false ? mailLink(active, meta) : rehearse(normalized, meta, active)))
        .catch((error: unknown) => deps.logger.error({ err: error, userId: user?.id ?? null }, 'password reset: could not issue the link'))
        .finally(() => background.delete(task));
      background.add(task);
    },

    async reset(input, meta, opts = {}) {
      const now = clock.now();
      const found = await tokens.find(input.token, ['password_reset'], now);
      const user = found && (await users.findById(found.userId));
      if (!user || user.disabledAt) throw new InvalidTokenError();
      // Checked before the token is spent: a refused password can be retried with the same link.
      await deps.passwordPolicy.enforce(input.newPassword, {
        mfa: await deps.mfa.isEnabled(user.id),
        email: user.email,
        displayName: user.displayName,
        userId: user.id,
      });
      const hash = await deps.hasher.hash(input.newPassword);
      let keys: Awaited<ReturnType<ApiKeyService['revokeAllForUser']>> = { count: 0, effective: () => Promise.resolve() };
      await users.setNewPassword(
        user.id,
        hash,
        { ...meta, action: 'PASSWORD_RESET' },
        {
          within: async (tx) => {
            // Spent here, in the password's transaction: of two concurrent resets one wins, and
            // a failure later on leaves the token unspent.
            if (!(await tokens.consume(tx, input.token, ['password_reset'], now))) throw new InvalidTokenError();
            await tokens.revokeAll(tx, user.id, ['password_reset', 'email_change'], now);
            keys = await deps.apiKeys.revokeAllForUser(tx, user.id, 'password_reset', meta);
          },
        },
      );
      await keys.effective();
      const trustedDevicesRevoked = await deps.trustedDevices.revokeAll(user.id, 'password_reset', meta);
      await deps.challenges.closeAll(user.id);
      const sessionsEnded = await deps.sessions.revokeAllExcept(user.id, null, 'password_reset', meta);
      // A session of the old password could have made a key between the password's transaction
      // and its own end: sweep once more now that no such session is left.
      const late = await db.transaction((tx) => deps.apiKeys.revokeAllForUser(tx, user.id, 'password_reset', meta));
      await late.effective();
      await deps.lockout.clear(user);
      await opts.forgetRateLimits?.(user.email);
      return { sessionsEnded, trustedDevicesRevoked, apiKeysRevoked: keys.count + late.count };
    },

    async idle() {
      while (background.size > 0) await Promise.all([...background]);
    },
  };
}
