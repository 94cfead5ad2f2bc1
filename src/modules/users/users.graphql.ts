import { auditMeta } from '../../context';
import { builder } from '../../graphql/builder';
import { expected, resultUnion } from '../../graphql/errors';
import { guard } from '../../graphql/guard';
import { NotFoundError } from '../../lib/errors';
import { NotFoundErrorRef } from '../sessions/sessions.graphql';
import { scopesForRoles } from '../authz/scopes';
import type { UserRow } from './users.table';

export const RoleEnum = builder.enumType('Role', {
  values: { USER: { description: 'A signed-up person.' }, ADMIN: { description: 'Manages users and reads everything security-related.' } },
});

export const UserRef = builder.objectRef<UserRow>('User').implement({
  description: 'An account.',
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email', { description: 'Normalised: trimmed, Unicode NFC, lower-case.' }),
    displayName: t.exposeString('displayName', { nullable: true }),
    emailVerified: t.boolean({ resolve: (u) => u.emailVerifiedAt !== null }),
    roles: t.field({ type: [RoleEnum], resolve: (u) => u.roles as ('USER' | 'ADMIN')[] }),
    scopes: t.stringList({
      description:
        "For the caller's own account: the scopes this session holds (REQUIRE_ADMIN_MFA withholds admin scopes from sessions without MFA). For another account: what its roles grant. Hierarchy expanded.",
      resolve: async (u, _a, ctx) => {
        const viewer = await ctx.viewer();
        return viewer?.userId === u.id ? viewer.scopes : scopesForRoles(u.roles);
      },
    }),
    mfaEnabled: t.boolean({ resolve: (u, _a, ctx) => ctx.services.mfa.isEnabled(u.id) }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('me', (t) =>
  t.field({
    type: UserRef,
    nullable: true,
    description: 'The signed-in user; null when no credentials were sent. A bad or expired token is an UNAUTHENTICATED error.',
    resolve: async (_root, _args, ctx) => {
      const viewer = await ctx.viewer();
      return viewer ? ((await ctx.services.users.findById(viewer.userId)) ?? null) : null;
    },
  }),
);

const UpdateProfileSuccessRef = builder.objectRef<{ __typename: 'UpdateProfileSuccess'; user: UserRow }>('UpdateProfileSuccess').implement({
  description: 'The profile was changed.',
  fields: (t) => ({ user: t.field({ type: UserRef, description: 'The account with its new profile.', resolve: (r) => r.user }) }),
});
const UpdateProfileResult = resultUnion('UpdateProfileResult', 'The updated user.', [UpdateProfileSuccessRef]);
const UpdateProfileInput = builder.inputType('UpdateProfileInput', {
  fields: (t) => ({
    displayName: t.string({
      required: true,
      description: 'Trimmed; blank clears it. At most 100 characters, without control or text-direction characters (else BAD_USER_INPUT).',
    }),
  }),
});

builder.mutationField('updateProfile', (t) =>
  t.field({
    type: UpdateProfileResult,
    ...guard('profile:write'),
    description: "Changes the caller's own profile. Audited as PROFILE_UPDATED (which fields, not their values).",
    args: { input: t.arg({ type: UpdateProfileInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const viewer = await ctx.requireViewer();
      const user = await ctx.services.users.updateProfile(viewer.userId, { displayName: input.displayName }, auditMeta(ctx, viewer));
      return { __typename: 'UpdateProfileSuccess' as const, user };
    },
  }),
);

const SetUserRolesSuccessRef = builder.objectRef<{ __typename: 'SetUserRolesSuccess'; user: UserRow }>('SetUserRolesSuccess').implement({
  fields: (t) => ({ user: t.field({ type: UserRef, resolve: (r) => r.user }) }),
});
const SetUserRolesResult = resultUnion('SetUserRolesResult', 'The user with the new roles, or NotFoundError.', [SetUserRolesSuccessRef, NotFoundErrorRef]);
const SetUserRolesInput = builder.inputType('SetUserRolesInput', {
  fields: (t) => ({
    userId: t.id({ required: true }),
    roles: t.field({ type: [RoleEnum], required: true, description: 'USER is always kept. Removing the last ADMIN is refused.' }),
  }),
});

builder.mutationField('setUserRoles', (t) =>
  t.field({
    type: SetUserRolesResult,
    ...guard('users:write'),
    description: "Sets a user's roles. Takes effect on the user's next request, existing access tokens included, on every instance.",
    args: { input: t.arg({ type: SetUserRolesInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const viewer = await ctx.requireViewer();
      return expected([NotFoundError], async () => {
        const user = await ctx.services.users.setRoles(String(input.userId), input.roles, auditMeta(ctx, viewer));
        return { __typename: 'SetUserRolesSuccess' as const, user };
      });
    },
  }),
);
