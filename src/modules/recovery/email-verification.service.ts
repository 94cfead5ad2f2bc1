/**
 * Proving an e-mail address: verifying the current one, and changing to a new one.
 *
 * An address change is an account takeover's favourite step (whoever holds the address can reset
 * the password), so it needs a recent sign-in (checked by the caller, like every sensitive
 * change), takes effect only once a link mailed to the new address is opened (proving the new
 * mailbox), and tells the old address, without a link, so its owner can react. Completing it
 * ends the other sessions and every link still out there for the old address (a reset link to
 * the old mailbox must not outlive the change), and is audited with both addresses.
 *
 * `verify` is public: the link is opened in a browser that may not be signed in. Which kind of
 * token it was decides what happens; a password-reset token is refused here like any other.
 */
import type { Db } from '../../db/client';
import { afterCommit } from '../../db/after-commit';
import { BadInputError } from '../../lib/bad-input';
import type { Clock } from '../../lib/clock';
import type { AuditMeta, AuditService } from '../audit/audit.service';
import type { Mailer } from '../mail/mailer';
import type { SessionService } from '../sessions/sessions.service';
import { emailProblem, normalizeEmail } from '../users/email';
import { EmailTakenError } from '../users/users.errors';
import type { UserRow, UserService } from '../users/users.service';
import type { EmailTokenService } from './email-tokens.service';
import { InvalidTokenError } from './recovery.errors';
import { emailChangeMail, emailChangeNotice, linkTo, verificationMail } from './recovery.mails';

/** The signed-in caller (its session survives an address change it confirms). */
export interface Caller {
  userId: string;
  sessionId: string;
}

export interface EmailVerificationService {
  /** Mails a link to the caller's current address; nothing when it is verified already. */
  request(caller: Caller): Promise<void>;
  /** Mails a confirmation link to `newEmail` and a notice to the current address; the change waits for the link. */
  requestChange(caller: Caller, newEmail: string, meta: AuditMeta): Promise<{ newEmail: string; expiresAt: Date }>;
  /** Spends a verification or address-change token. `caller`: the session to keep when the address changes. */
  verify(token: string, caller: Caller | null, meta: AuditMeta): Promise<{ user: UserRow; emailChanged: boolean; sessionsEnded: number }>;
}

export function createEmailVerificationService(deps: {
  db: Db;
  clock: Clock;
  users: UserService;
  tokens: EmailTokenService;
  audit: AuditService;
  mailer: Mailer;
  sessions: SessionService;
  settings: { linkBaseUrl: string; ttl: number };
}): EmailVerificationService {
  const { db, clock, users, tokens, audit, mailer, settings } = deps;
  const link = (token: string) => linkTo(settings.linkBaseUrl, '/verify-email', token);

  return {
    async request(caller) {
      const user = await users.findById(caller.userId);
      if (!user || user.emailVerifiedAt) return;
      const now = clock.now();
      await db.transaction(async (tx) => {
        const { token } = await tokens.issue(tx, { userId: user.id, purpose: 'email_verification', now });
        afterCommit(tx, () => mailer.send(verificationMail(user.email, link(token), settings.ttl)));
      });
    },

    async requestChange(caller, raw, meta) {
      const newEmail = normalizeEmail(raw);
      const problem = emailProblem(newEmail);
      if (problem) throw new BadInputError(problem, 'newEmail');
      const user = await users.findById(caller.userId);
      if (!user) throw new Error('the session outlived its user');
      if (newEmail === user.email) throw new BadInputError('This is already the e-mail address of your account.', 'newEmail');
      if (await users.findByEmail(newEmail)) throw new EmailTakenError();
      const now = clock.now();
      return db.transaction(async (tx) => {
        const { token, expiresAt } = await tokens.issue(tx, { userId: user.id, purpose: 'email_change', newEmail, now });
        await audit.record(tx, { ...meta, action: 'EMAIL_CHANGE_REQUESTED', userId: user.id, details: { email: newEmail } });
        afterCommit(tx, () => {
          mailer.send(emailChangeMail(newEmail, link(token), settings.ttl));
          mailer.send(emailChangeNotice(user.email, newEmail));
        });
        return { newEmail, expiresAt };
      });
    },

    async verify(token, caller, meta) {
      const now = clock.now();
      // The user's row first, then the link (see UserService.lockRow): the order changePassword takes.
      const found = await tokens.find(token, ['email_verification', 'email_change'], now);
      if (!found) throw new InvalidTokenError();
      const outcome = await db.transaction(async (tx) => {
        await users.lockRow(tx, found.userId);
        const row = await tokens.consume(tx, token, ['email_verification', 'email_change'], now);
        if (!row) throw new InvalidTokenError();
        // Throwing rolls the consumption back too: a token for a since-disabled account stays unspent.
        const confirmed = await users.confirmEmail(tx, row.userId, { newEmail: row.newEmail, now });
        if (!confirmed) throw new InvalidTokenError();
        const { user, previousEmail } = confirmed;
        if (row.purpose === 'email_verification') {
          await audit.record(tx, { ...meta, action: 'EMAIL_VERIFIED', userId: user.id });
          return { user, emailChanged: false };
        }
        await tokens.revokeAll(tx, user.id, ['password_reset', 'email_verification', 'email_change'], now);
        await audit.record(tx, { ...meta, action: 'EMAIL_CHANGED', userId: user.id, details: { previousEmail, email: user.email } });
        return { user, emailChanged: true };
      });
      if (!outcome.emailChanged) return { ...outcome, sessionsEnded: 0 };
      const keep = caller?.userId === outcome.user.id ? caller.sessionId : null;
      const sessionsEnded = await deps.sessions.revokeAllExcept(outcome.user.id, keep, 'email_changed', meta);
      return { ...outcome, sessionsEnded };
    },
  };
}
