import { builder } from '../../graphql/builder';
import { oncePerDocument } from '../../graphql/once-per-document';
import { expected, resultUnion } from '../../graphql/errors';
import { sessionGuard } from '../../graphql/guard';
import { InvalidMfaCodeError, ReauthRequiredError } from '../mfa/mfa.errors';
import { InvalidMfaCodeErrorRef, ReauthRequiredErrorRef } from '../mfa/mfa.graphql';
import { WeakPasswordError } from '../users/users.errors';
import { AccountLockedError, InvalidCredentialsError } from './auth.errors';
import { AccountLockedErrorRef, AuthPayloadRef, deliverRefresh, InvalidCredentialsErrorRef, meta, WeakPasswordErrorRef } from './auth.graphql';
import { rateLimit } from '../ratelimit/rate-limit.directive';

const ChangePasswordSuccessRef = builder
  .objectRef<{ __typename: 'ChangePasswordSuccess'; sessionsEnded: number; trustedDevicesRevoked: number }>('ChangePasswordSuccess')
  .implement({
    description: 'The password changed; every other session and every trusted device was ended.',
    fields: (t) => ({ sessionsEnded: t.exposeInt('sessionsEnded'), trustedDevicesRevoked: t.exposeInt('trustedDevicesRevoked') }),
  });

const ReauthenticateResult = resultUnion('ReauthenticateResult', 'A fresh session (new id, new authenticatedAt) replacing the caller’s, or why not.', [
  AuthPayloadRef,
  InvalidCredentialsErrorRef,
  InvalidMfaCodeErrorRef,
  AccountLockedErrorRef,
]);
const ChangePasswordResult = resultUnion('ChangePasswordResult', 'The password changed, or why not.', [
  ChangePasswordSuccessRef,
  InvalidCredentialsErrorRef,
  WeakPasswordErrorRef,
  ReauthRequiredErrorRef,
  AccountLockedErrorRef,
]);

const ReauthenticateInput = builder.inputType('ReauthenticateInput', {
  fields: (t) => ({
    password: t.string({ required: true }),
    code: t.string({ required: false, description: 'Required when MFA is on: a TOTP or backup code.' }),
    useCookies: t.boolean({ required: false }),
  }),
});
const ChangePasswordInput = builder.inputType('ChangePasswordInput', {
  fields: (t) => ({ currentPassword: t.string({ required: true }), newPassword: t.string({ required: true }) }),
});

builder.mutationFields((t) => ({
  reauthenticate: t.field({
    type: ReauthenticateResult,
    ...oncePerDocument(),
    ...sessionGuard(),
    // A stolen access token must not become an oracle for the password.
    directives: { ...sessionGuard().directives, ...rateLimit({ rule: 'reauthenticate', max: 10, window: '1m' }).directives },
    description:
      'Proves the password (and a code when MFA is on) again, for sensitive changes. The calling session ends and a new one (new id) takes its place: use the returned tokens.',
    args: { input: t.arg({ type: ReauthenticateInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const viewer = await ctx.requireSession();
      return expected([InvalidCredentialsError, InvalidMfaCodeError, AccountLockedError], async () =>
        deliverRefresh(ctx, await ctx.services.credentials.reauthenticate(viewer, input, meta(ctx)), input.useCookies ?? false),
      );
    },
  }),

  changePassword: t.field({
    type: ChangePasswordResult,
    ...oncePerDocument(),
    ...sessionGuard('profile:write'),
    description: 'Changes the password. Ends every other session and revokes trusted devices. Needs a recent sign-in.',
    args: { input: t.arg({ type: ChangePasswordInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const viewer = await ctx.requireSession();
      return expected([InvalidCredentialsError, WeakPasswordError, ReauthRequiredError, AccountLockedError], async () => {
        ctx.services.credentials.requireRecentAuth(viewer);
        return { __typename: 'ChangePasswordSuccess' as const, ...(await ctx.services.credentials.changePassword(viewer, input, meta(ctx))) };
      });
    },
  }),
}));
