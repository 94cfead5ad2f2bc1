import { auditMeta } from '../../context';
import { builder } from '../../graphql/builder';
import { oncePerDocument } from '../../graphql/once-per-document';
import { errorType, expected, resultUnion } from '../../graphql/errors';
import { sessionGuard } from '../../graphql/guard';
import { NotFoundError } from '../../lib/errors';
import { AccountLockedError, InvalidCredentialsError } from '../auth/auth.errors';
import { AccountLockedErrorRef, AuthPayloadRef, deliverRefresh, InvalidCredentialsErrorRef, meta, MfaMethodEnum } from '../auth/auth.graphql';
import { DeviceRef, NotFoundErrorRef, parseDevice } from '../sessions/sessions.graphql';
import { InvalidMfaCodeError, MfaAlreadyEnabledError, MfaChallengeExpiredError, MfaNotEnabledError, ReauthRequiredError } from './mfa.errors';
import type { TrustedDeviceRow } from './mfa.table';
import { rateLimit } from '../ratelimit/rate-limit.directive';

export const InvalidMfaCodeErrorRef = errorType(InvalidMfaCodeError, {
  description:
    'The code is wrong, malformed, or outside the time window; or it is the code used last (the message then says so: wait for the next code), which, like a malformed one, counts towards no lock.',
});
const MfaChallengeExpiredErrorRef = errorType(MfaChallengeExpiredError, { description: 'The challenge expired or was already used: sign in again.' });
export const ReauthRequiredErrorRef = errorType(ReauthRequiredError, {
  description: 'A sensitive change needs a recent sign-in: call reauthenticate, then retry.',
});
const MfaAlreadyEnabledErrorRef = errorType(MfaAlreadyEnabledError, { description: 'MFA is on already.' });
const MfaNotEnabledErrorRef = errorType(MfaNotEnabledError, { description: 'MFA is not on for this account.' });

const TrustedDeviceRef = builder.objectRef<TrustedDeviceRow>('TrustedDevice').implement({
  description: 'A device that skips the MFA step at login until it expires or is revoked.',
  fields: (t) => ({
    id: t.exposeID('id'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    ipAddress: t.exposeString('ipAddress', { nullable: true }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
    device: t.field({ type: DeviceRef, resolve: (d) => parseDevice(d.userAgent) }),
  }),
});

const MfaStatusRef = builder
  .objectRef<{ userId: string; enabled: boolean; pendingEnrollment: boolean; methods: ('TOTP' | 'BACKUP_CODE')[]; backupCodesRemaining: number }>('MfaStatus')
  .implement({
    fields: (t) => ({
      enabled: t.exposeBoolean('enabled'),
      pendingEnrollment: t.exposeBoolean('pendingEnrollment', { description: 'enrollMfa was called and confirmMfa not yet.' }),
      methods: t.field({ type: [MfaMethodEnum], resolve: (s) => s.methods }),
      backupCodesRemaining: t.exposeInt('backupCodesRemaining'),
      trustedDevices: t.field({ type: [TrustedDeviceRef], resolve: (s, _a, ctx) => ctx.services.trustedDevices.list(s.userId) }),
    }),
  });

const MfaEnrollmentRef = builder.objectRef<{ __typename: 'MfaEnrollment'; secret: string; otpauthUri: string; qrCodeSvg: string }>('MfaEnrollment').implement({
  description: 'Scan the QR code (or type the secret) into an authenticator app, then call confirmMfa with a code it shows.',
  fields: (t) => ({
    secret: t.exposeString('secret', { description: 'Base32, 160 bits.' }),
    otpauthUri: t.exposeString('otpauthUri'),
    qrCodeSvg: t.exposeString('qrCodeSvg', { description: 'The otpauth URI as an SVG QR code.' }),
  }),
});

const MfaEnabledRef = builder.objectRef<{ __typename: 'MfaEnabled'; backupCodes: string[] }>('MfaEnabled').implement({
  fields: (t) => ({ backupCodes: t.exposeStringList('backupCodes', { description: 'Ten single-use codes, shown this once. Store them safely.' }) }),
});
const BackupCodesRegeneratedRef = builder.objectRef<{ __typename: 'BackupCodesRegenerated'; backupCodes: string[] }>('BackupCodesRegenerated').implement({
  fields: (t) => ({ backupCodes: t.exposeStringList('backupCodes', { description: 'The new codes, shown this once; the old ones no longer work.' }) }),
});
const MfaDisabledRef = builder.objectRef<{ __typename: 'MfaDisabled'; trustedDevicesRevoked: number }>('MfaDisabled').implement({
  fields: (t) => ({ trustedDevicesRevoked: t.exposeInt('trustedDevicesRevoked') }),
});
const RevokeTrustedDeviceSuccessRef = builder.objectRef<{ __typename: 'RevokeTrustedDeviceSuccess'; trustedDeviceId: string }>('RevokeTrustedDeviceSuccess').implement({
  fields: (t) => ({ trustedDeviceId: t.exposeID('trustedDeviceId') }),
});

const EnrollMfaResult = resultUnion('EnrollMfaResult', 'A pending enrolment to confirm, or why not.', [MfaEnrollmentRef, ReauthRequiredErrorRef, MfaAlreadyEnabledErrorRef]);
const ConfirmMfaResult = resultUnion('ConfirmMfaResult', 'MFA switched on with its backup codes, or why not.', [
  MfaEnabledRef,
  InvalidMfaCodeErrorRef,
  NotFoundErrorRef,
  MfaAlreadyEnabledErrorRef,
  AccountLockedErrorRef,
  ReauthRequiredErrorRef,
]);
const DisableMfaResult = resultUnion('DisableMfaResult', 'MFA switched off, or why not.', [
  MfaDisabledRef,
  InvalidCredentialsErrorRef,
  InvalidMfaCodeErrorRef,
  AccountLockedErrorRef,
  ReauthRequiredErrorRef,
  MfaNotEnabledErrorRef,
]);
const RegenerateBackupCodesResult = resultUnion('RegenerateBackupCodesResult', 'New backup codes, or why not.', [
  BackupCodesRegeneratedRef,
  InvalidMfaCodeErrorRef,
  AccountLockedErrorRef,
  ReauthRequiredErrorRef,
  MfaNotEnabledErrorRef,
]);
const RevokeTrustedDeviceResult = resultUnion('RevokeTrustedDeviceResult', 'The revoked device, or NotFoundError.', [RevokeTrustedDeviceSuccessRef, NotFoundErrorRef]);
const VerifyMfaLoginResult = resultUnion('VerifyMfaLoginResult', 'A session, or why not.', [
  AuthPayloadRef,
  InvalidMfaCodeErrorRef,
  MfaChallengeExpiredErrorRef,
  AccountLockedErrorRef,
]);

const CodeInput = builder.inputType('MfaCodeInput', {
  fields: (t) => ({ code: t.string({ required: true, description: 'A current TOTP code (or a backup code where accepted).' }) }),
});
const DisableMfaInput = builder.inputType('DisableMfaInput', {
  fields: (t) => ({ password: t.string({ required: true }), code: t.string({ required: true }) }),
});
const VerifyMfaLoginInput = builder.inputType('VerifyMfaLoginInput', {
  fields: (t) => ({
    challengeToken: t.string({ required: true }),
    code: t.string({ required: true, description: 'A TOTP code or a backup code.' }),
    trustDevice: t.boolean({ required: false, description: 'Return a trustedDeviceToken that skips this step at later logins.' }),
    useCookies: t.boolean({ required: false }),
  }),
});

builder.queryField('mfaStatus', (t) =>
  t.field({
    type: MfaStatusRef,
    ...sessionGuard('mfa:write'),
    description: 'Whether MFA is on, how many backup codes are left, and the trusted devices.',
    resolve: async (_root, _args, ctx) => {
      const { userId } = await ctx.requireSession();
      return { userId, ...(await ctx.services.mfa.status(userId)) };
    },
  }),
);

builder.mutationFields((t) => ({
  verifyMfaLogin: t.field({
    type: VerifyMfaLoginResult,
    ...oncePerDocument(),
    ...rateLimit({ rule: 'verifyMfaLogin', max: 10, window: '1m' }),
    description: 'Completes a login that answered MfaChallenge. Wrong codes count towards a temporary lock.',
    args: { input: t.arg({ type: VerifyMfaLoginInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      expected([InvalidMfaCodeError, MfaChallengeExpiredError, AccountLockedError], async () =>
        deliverRefresh(ctx, await ctx.services.auth.verifyMfaLogin(input, meta(ctx)), input.useCookies ?? false),
      ),
  }),

  enrollMfa: t.field({
    type: EnrollMfaResult,
    ...sessionGuard('mfa:write'),
    description: 'Starts TOTP enrolment (asking again replaces the pending secret). Needs a recent sign-in.',
    resolve: async (_root, _args, ctx) => {
      const viewer = await ctx.requireSession();
      return expected([ReauthRequiredError, MfaAlreadyEnabledError], async () => {
        ctx.services.credentials.requireRecentAuth(viewer);
        const user = await ctx.services.users.findById(viewer.userId);
        return { __typename: 'MfaEnrollment' as const, ...(await ctx.services.mfa.enroll(viewer.userId, user!.email, auditMeta(ctx, viewer))) };
      });
    },
  }),

  confirmMfa: t.field({
    type: ConfirmMfaResult,
    ...oncePerDocument(),
    ...sessionGuard('mfa:write'),
    // Six digits are guessable: capped like verifyMfaLogin (attempts, lock, rate).
    directives: { ...sessionGuard('mfa:write').directives, ...rateLimit({ rule: 'confirmMfa', max: 10, window: '1m' }).directives },
    description:
      'Switches MFA on with a code from the enrolled app; returns ten backup codes, shown once. Needs a recent sign-in. The enrolment expires 10 minutes after enrollMfa (NotFoundError: enrol again). Wrong codes count towards the MFA lock (AccountLockedError), like verifyMfaLogin.',
    args: { input: t.arg({ type: CodeInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const viewer = await ctx.requireSession();
      return expected([InvalidMfaCodeError, NotFoundError, MfaAlreadyEnabledError, AccountLockedError, ReauthRequiredError], async () => {
        ctx.services.credentials.requireRecentAuth(viewer);
        return { __typename: 'MfaEnabled' as const, backupCodes: await ctx.services.mfa.confirm(viewer.userId, input.code, auditMeta(ctx, viewer)) };
      });
    },
  }),

  disableMfa: t.field({
    type: DisableMfaResult,
    ...oncePerDocument(),
    ...sessionGuard('mfa:write'),
    description: 'Switches MFA off (password and a current code). Revokes every trusted device. Needs a recent sign-in.',
    args: { input: t.arg({ type: DisableMfaInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const viewer = await ctx.requireSession();
      return expected([InvalidCredentialsError, InvalidMfaCodeError, AccountLockedError, ReauthRequiredError, MfaNotEnabledError], async () => {
        ctx.services.credentials.requireRecentAuth(viewer);
        return { __typename: 'MfaDisabled' as const, ...(await ctx.services.credentials.disableMfa(viewer, input, meta(ctx))) };
      });
    },
  }),

  regenerateBackupCodes: t.field({
    type: RegenerateBackupCodesResult,
    ...oncePerDocument(),
    ...sessionGuard('mfa:write'),
    description: 'Replaces all backup codes (a current code required). Needs a recent sign-in.',
    args: { input: t.arg({ type: CodeInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const viewer = await ctx.requireSession();
      return expected([InvalidMfaCodeError, AccountLockedError, ReauthRequiredError, MfaNotEnabledError], async () => {
        ctx.services.credentials.requireRecentAuth(viewer);
        await ctx.services.mfa.checkCode(viewer.userId, input.code, auditMeta(ctx, viewer));
        return {
          __typename: 'BackupCodesRegenerated' as const,
          backupCodes: await ctx.services.mfa.regenerateBackupCodes(viewer.userId, auditMeta(ctx, viewer)),
        };
      });
    },
  }),

  revokeTrustedDevice: t.field({
    type: RevokeTrustedDeviceResult,
    ...sessionGuard('mfa:write'),
    description: 'Stops one trusted device from skipping the MFA step.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      const viewer = await ctx.requireSession();
      return expected([NotFoundError], async () => {
        await ctx.services.trustedDevices.revoke(viewer.userId, String(id), auditMeta(ctx, viewer));
        return { __typename: 'RevokeTrustedDeviceSuccess' as const, trustedDeviceId: String(id) };
      });
    },
  }),
}));
