/**
 * Step-up and credential changes. Sensitive mutations need a session that proved a credential
 * within REAUTH_WINDOW (the access token's auth_time); reauthenticate renews that proof and,
 * against session fixation, moves the caller to a new session id.
 */
import type { ApiKeyService } from '../apikeys/apikeys.service';
import type { Clock } from '../../lib/clock';
import type { SessionViewer } from '../../context';
import type { MfaService } from '../mfa/mfa.service';
import { InvalidMfaCodeError, MfaNotEnabledError, ReauthRequiredError } from '../mfa/mfa.errors';
import type { TrustedDeviceService } from '../mfa/trusted-devices.service';
import type { MfaChallengeService } from '../mfa/mfa-challenges.service';
import type { SessionService } from '../sessions/sessions.service';
import type { UserService } from '../users/users.service';
import type { AuthService } from './auth.service';
import type { PasswordHasher } from './password';
import type { EmailTokenService } from '../recovery/email-tokens.service';
import type { PasswordPolicy } from './password-policy';
import type { AuthPayload, ClientMeta, SessionIssuer } from './session-issuer';

export interface CredentialsService {
  /** Throws ReauthRequiredError unless the caller authenticated within the window. */
  requireRecentAuth(viewer: SessionViewer): void;
  reauthenticate(viewer: SessionViewer, input: { password: string; code?: string | null }, meta: ClientMeta): Promise<AuthPayload>;
  /** Password plus a current code, then MFA off: trusted devices revoked, open challenges closed. */
  disableMfa(viewer: SessionViewer, input: { password: string; code: string }, meta: ClientMeta): Promise<{ trustedDevicesRevoked: number }>;
  changePassword(
    viewer: SessionViewer,
    input: { currentPassword: string; newPassword: string },
    meta: ClientMeta,
  ): Promise<{ sessionsEnded: number; trustedDevicesRevoked: number }>;
}

export function createCredentialsService(deps: {
  clock: Clock;
  emailTokens: Pick<EmailTokenService, 'revokeAll'>;
  users: UserService;
  sessions: SessionService;
  issuer: SessionIssuer;
  auth: AuthService;
  mfa: MfaService;
  trustedDevices: TrustedDeviceService;
  challenges: MfaChallengeService;
  hasher: PasswordHasher;
  reauthWindow: number;
  passwordPolicy: PasswordPolicy;
  apiKeys: Pick<ApiKeyService, 'ownerChanged'>;
}): CredentialsService {
  const { clock, users, sessions, issuer, auth, mfa, trustedDevices, challenges, hasher } = deps;

  return {
    requireRecentAuth(viewer) {
      if (clock.now().getTime() - viewer.authTime.getTime() > deps.reauthWindow * 1000) throw new ReauthRequiredError();
    },

    async reauthenticate(viewer, input, meta) {
      const who = { ...meta, actorUserId: viewer.userId, sessionId: viewer.sessionId };
      const user = await auth.verifyPassword(await users.findById(viewer.userId), input.password, meta);
      const mfaOn = await mfa.isEnabled(user.id);
      let method = 'password';
      if (mfaOn) {
        if (!input.code) throw new InvalidMfaCodeError('Two-factor authentication is on: send a current code too.');
        method = (await mfa.checkCode(user.id, input.code, who)) === 'TOTP' ? 'totp' : 'backup_code';
      }
      // The old session ends first, so the new one never counts against the session limit twice.
      await sessions.revoke(user.id, viewer.sessionId, 'reauthenticated', who);
      return issuer.start(user, { amr: mfaOn ? ['pwd', 'otp'] : ['pwd'], mfaVerified: mfaOn }, meta, {
        action: 'REAUTHENTICATED',
        details: { method, previousSessionId: viewer.sessionId },
      });
    },

    async disableMfa(viewer, input, meta) {
      const { userId } = viewer;
      const who = { ...meta, actorUserId: userId, sessionId: viewer.sessionId };
      // Asked first, so that with MFA off the password is never checked: no oracle for it.
      if (!(await mfa.isEnabled(userId))) throw new MfaNotEnabledError();
      await auth.verifyPassword(await users.findById(userId), input.password, meta);
      await mfa.checkCode(userId, input.code, who);
      const trustedDevicesRevoked = await trustedDevices.revokeAll(userId, 'mfa_disabled', who);
      await mfa.disable(userId, { ...who, trustedDevicesRevoked });
      // With REQUIRE_ADMIN_MFA the owner's keys lose admin scopes now, not when a cache entry ages out.
      deps.apiKeys.ownerChanged(userId);
      await challenges.closeAll(userId);
      return { trustedDevicesRevoked };
    },

    async changePassword(viewer, input, meta) {
      const who = { ...meta, actorUserId: viewer.userId, sessionId: viewer.sessionId };
      const user = await auth.verifyPassword(await users.findById(viewer.userId), input.currentPassword, meta);
      // With MFA on, the password is not the only factor: the shorter minimum applies.
      await deps.passwordPolicy.enforce(input.newPassword, {
        mfa: await mfa.isEnabled(user.id),
        email: user.email,
        displayName: user.displayName,
        userId: user.id,
        currentPassword: input.currentPassword,
      });
      // Links still out (a reset, an address change) may be an intruder's: they end with the old password.
      await users.setNewPassword(
        user.id,
        await hasher.hash(input.newPassword),
        { ...who, action: 'PASSWORD_CHANGED' },
        { within: async (tx) => void (await deps.emailTokens.revokeAll(tx, user.id, ['password_reset', 'email_change'], clock.now())) },
      );
      // Whoever knew the old password may hold other sessions or a trusted device: end them.
      const trustedDevicesRevoked = await trustedDevices.revokeAll(user.id, 'password_changed', who);
      await challenges.closeAll(user.id);
      const sessionsEnded = await sessions.revokeAllExcept(user.id, viewer.sessionId, 'password_changed', who);
      return { sessionsEnded, trustedDevicesRevoked };
    },
  };
}
