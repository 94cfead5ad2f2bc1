import { auditMeta } from '../../context';
import { builder } from '../../graphql/builder';
import { oncePerDocument } from '../../graphql/once-per-document';
import { errorType, expected, resultUnion } from '../../graphql/errors';
import { sessionGuard } from '../../graphql/guard';
import { EmailTakenErrorRef, meta, WeakPasswordErrorRef } from '../auth/auth.graphql';
import { ReauthRequiredError } from '../mfa/mfa.errors';
import { ReauthRequiredErrorRef } from '../mfa/mfa.graphql';
import { rateLimit, resolverRateLimits } from '../ratelimit/rate-limit.directive';
import { UserRef } from '../users/users.graphql';
import { EmailTakenError, WeakPasswordError } from '../users/users.errors';
import type { UserRow } from '../users/users.table';
import { InvalidTokenError } from './recovery.errors';

export const InvalidTokenErrorRef = errorType(InvalidTokenError, {
  description: 'The link is unknown, malformed, expired, already used, replaced by a newer one, or meant for another purpose: ask for a new one.',
});

const ResetPasswordSuccessRef = builder
  .objectRef<{ __typename: 'ResetPasswordSuccess'; sessionsEnded: number; trustedDevicesRevoked: number; apiKeysRevoked: number }>('ResetPasswordSuccess')
  .implement({
    description: 'The password changed. Every session, trusted device and API key of the account ended; nobody is signed in: call login.',
    fields: (t) => ({
      sessionsEnded: t.exposeInt('sessionsEnded'),
      trustedDevicesRevoked: t.exposeInt('trustedDevicesRevoked'),
      apiKeysRevoked: t.exposeInt('apiKeysRevoked', { description: 'API keys revoked: whoever knew the old password may have made them. Create new ones after signing in.' }),
    }),
  });

const VerifyEmailSuccessRef = builder
  .objectRef<{ __typename: 'VerifyEmailSuccess'; user: UserRow; emailChanged: boolean; sessionsEnded: number }>('VerifyEmailSuccess')
  .implement({
    description: 'The address is verified; for an address change, it is now the account’s address.',
    fields: (t) => ({
      user: t.field({ type: UserRef, resolve: (s) => s.user }),
      emailChanged: t.exposeBoolean('emailChanged', { description: 'True when the link confirmed an address change.' }),
      sessionsEnded: t.exposeInt('sessionsEnded', {
        description: 'After an address change: the sessions that ended (all but the caller’s, when the caller is signed in to this account).',
      }),
    }),
  });

const ChangeEmailRequestedRef = builder.objectRef<{ __typename: 'ChangeEmailRequested'; newEmail: string; expiresAt: Date }>('ChangeEmailRequested').implement({
  description: 'A confirmation link went to the new address, and a notice to the current one. The address changes once the link is opened (verifyEmail).',
  fields: (t) => ({
    newEmail: t.exposeString('newEmail', { description: 'Normalised: trimmed, Unicode NFC, lower-case, the domain in its ASCII (punycode) form without a trailing dot.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When the link stops working.' }),
  }),
});

const ResetPasswordResult = resultUnion('ResetPasswordResult', 'The password changed, or why not.', [ResetPasswordSuccessRef, InvalidTokenErrorRef, WeakPasswordErrorRef]);
const VerifyEmailResult = resultUnion('VerifyEmailResult', 'The verified (or changed) address, or why not.', [VerifyEmailSuccessRef, InvalidTokenErrorRef, EmailTakenErrorRef]);
const ChangeEmailResult = resultUnion('ChangeEmailResult', 'The change waits for its confirmation link, or why not.', [
  ChangeEmailRequestedRef,
  EmailTakenErrorRef,
  ReauthRequiredErrorRef,
]);

const RequestPasswordResetInput = builder.inputType('RequestPasswordResetInput', { fields: (t) => ({ email: t.string({ required: true }) }) });
const ResetPasswordInput = builder.inputType('ResetPasswordInput', {
  fields: (t) => ({
    token: t.string({ required: true, description: 'The `token` parameter of the link in the mail.' }),
    newPassword: t.string({ required: true, description: 'Checked against the password policy, including the last passwords of the account.' }),
  }),
});
const VerifyEmailInput = builder.inputType('VerifyEmailInput', {
  fields: (t) => ({ token: t.string({ required: true, description: 'The `token` parameter of the link in the mail.' }) }),
});
const ChangeEmailInput = builder.inputType('ChangeEmailInput', { fields: (t) => ({ newEmail: t.string({ required: true }) }) });

builder.mutationFields((t) => ({
  requestPasswordReset: t.boolean({
    ...rateLimit(
      { rule: 'requestPasswordReset', max: 5, window: '1h' },
      { rule: 'requestPasswordReset.account', max: 3, window: '1h', identityArgs: ['input.email'], excess: 'silent' },
    ),
    description:
      'Mails a link to LINK_BASE_URL/reset-password?token=… when the address belongs to an active account (valid for PASSWORD_RESET_TTL, 30 minutes by default; a newer request replaces it). Always true, after the same work, so the answer tells nothing about which addresses have accounts. Over the per-account limit (requestPasswordReset.account) no further mail goes out, silently: the answer is still true, with the same timing, so a stranger can neither see the limit nor refuse the owner (the mails sent before it still hold a working link).',
    args: { input: t.arg({ type: RequestPasswordResetInput, required: true }) },
    resolve: async (_root, args, ctx, info) => {
      const mail = await ctx.services.rateLimits.allows(resolverRateLimits(info), { args, ip: ctx.info.ip, info });
      await ctx.services.passwordReset.request(args.input.email, meta(ctx), { mail });
      return true;
    },
  }),

  resetPassword: t.field({
    type: ResetPasswordResult,
    ...oncePerDocument(),
    ...rateLimit({ rule: 'resetPassword', max: 10, window: '1h' }),
    description:
      'Sets a new password with the token of a reset mail. Ends every session and trusted device, revokes every API key (refused from the next request on every instance) and clears the failure locks and per-account rate limits of sign-in; does not sign in. A refused password leaves the token usable.',
    args: { input: t.arg({ type: ResetPasswordInput, required: true }) },
    resolve: (_root, { input }, ctx, info) =>
      expected([InvalidTokenError, WeakPasswordError], async () => ({
        __typename: 'ResetPasswordSuccess' as const,
        ...(await ctx.services.passwordReset.reset(input, meta(ctx), { forgetRateLimits: (email) => ctx.services.rateLimits.forgetAccount(info.schema, email) })),
      })),
  }),

  requestEmailVerification: t.boolean({
    ...sessionGuard('profile:write'),
    directives: {
      ...sessionGuard('profile:write').directives,
      ...rateLimit({ rule: 'requestEmailVerification', max: 5, window: '1h' }).directives,
    },
    description:
      'Mails a link to LINK_BASE_URL/verify-email?token=… to confirm the current address (valid for EMAIL_VERIFICATION_TTL, 24 hours by default). True also when the address is verified already (then nothing is sent).',
    resolve: async (_root, _args, ctx) => {
      const viewer = await ctx.requireSession();
      await ctx.services.emailVerification.request(viewer);
      return true;
    },
  }),

  verifyEmail: t.field({
    type: VerifyEmailResult,
    ...oncePerDocument(),
    ...rateLimit({ rule: 'verifyEmail', max: 10, window: '1h' }),
    description:
      'Spends the token of a verification or address-change mail. Needs no sign-in (the link may be opened anywhere). An address change ends the account’s other sessions: all of them unless the caller is signed in to it.',
    args: { input: t.arg({ type: VerifyEmailInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      // Optional: a stale access token must not stop the link from working.
      const viewer = await ctx.viewer().catch(() => null);
      const caller = viewer?.kind === 'session' ? viewer : null;
      return expected([InvalidTokenError, EmailTakenError], async () => ({
        __typename: 'VerifyEmailSuccess' as const,
        ...(await ctx.services.emailVerification.verify(input.token, caller, caller ? auditMeta(ctx, caller) : meta(ctx))),
      }));
    },
  }),

  changeEmail: t.field({
    type: ChangeEmailResult,
    ...sessionGuard('profile:write'),
    // Every call mails an address the caller chose: limited like the other mail senders.
    directives: { ...sessionGuard('profile:write').directives, ...rateLimit({ rule: 'changeEmail', max: 5, window: '1h' }).directives },
    description:
      'Starts an address change: a confirmation link to the new address, a notice (no link) to the current one. The address changes when the link is opened (verifyEmail). Needs a recent sign-in. A malformed address is BAD_USER_INPUT.',
    args: { input: t.arg({ type: ChangeEmailInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const viewer = await ctx.requireSession();
      return expected([EmailTakenError, ReauthRequiredError], async () => {
        ctx.services.credentials.requireRecentAuth(viewer);
        return { __typename: 'ChangeEmailRequested' as const, ...(await ctx.services.emailVerification.requestChange(viewer, input.newEmail, auditMeta(ctx, viewer))) };
      });
    },
  }),
}));
