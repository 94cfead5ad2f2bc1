import { builder } from '../../graphql/builder';
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

