import { auditMeta } from '../../context';
import { builder } from '../../graphql/builder';
import { expected, resultUnion } from '../../graphql/errors';
import { guard } from '../../graphql/guard';
import { isUuid } from '../../lib/ids';
import { NotFoundError } from '../../lib/errors';
import { NotFoundErrorRef } from '../sessions/sessions.graphql';
import { UserRef } from '../users/users.graphql';
import type { UserRow } from '../users/users.table';

interface UnlockUserSuccess {
  __typename: 'UnlockUserSuccess';
  user: UserRow;
  wasLocked: boolean;
}

const UnlockUserSuccessRef = builder.objectRef<UnlockUserSuccess>('UnlockUserSuccess').implement({
  description: 'Every failure count of the account is gone: it can sign in from any address again.',
  fields: (t) => ({
    user: t.field({ type: UserRef, resolve: (s) => s.user }),
    wasLocked: t.exposeBoolean('wasLocked', { description: 'Whether a lock (of any address, or of the MFA step) was in force.' }),
  }),
});

const UnlockUserResult = resultUnion('UnlockUserResult', 'The unlocked user, or NotFoundError.', [UnlockUserSuccessRef, NotFoundErrorRef]);

builder.mutationField('unlockUser', (t) =>
  t.field({
    type: UnlockUserResult,
    ...guard('users:write'),
    description:
      'Ends every sign-in lock of a user (all addresses, the account-wide lock and the MFA step), forgets the failures that led to it, and clears the per-account rate limits of its e-mail address (login, password reset). Audited and alerted.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx, info) => {
      const viewer = await ctx.requireViewer();
      return expected([NotFoundError], async () => {
        const user = isUuid(String(id)) ? await ctx.services.users.findById(String(id)) : undefined;
        if (!user) throw new NotFoundError('No such user.');
        const mfaWasLocked = await ctx.services.mfa.clearLock(user.id);
        const wasLocked = await ctx.services.lockout.unlock(user, auditMeta(ctx, viewer));
        await ctx.services.rateLimits.forgetAccount(info.schema, user.email);
        return { __typename: 'UnlockUserSuccess' as const, user, wasLocked: wasLocked || mfaWasLocked };
      });
    },
  }),
);
