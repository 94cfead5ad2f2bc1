import { builder } from '../../graphql/builder';
import type { PasswordRules } from './password-policy';

const PasswordPolicyRef = builder.objectRef<PasswordRules>('PasswordPolicy').implement({
  description:
    'The password rules, so a client can check as the user types. Lengths count characters as people see them (Unicode code points: an emoji is one). The server still checks everything itself (dictionaries, breaches, history) and answers WeakPasswordError with every reason.',
  fields: (t) => ({
    minLength: t.exposeInt('minLength', { description: 'The minimum for an account without two-factor authentication.' }),
    minLengthWithMfa: t.exposeInt('minLengthWithMfa', { description: 'The minimum once two-factor authentication is on (password changes).' }),
    maxLength: t.exposeInt('maxLength', { description: 'Longer passwords are refused, never cut off.' }),
    historySize: t.exposeInt('historySize', { description: 'A new password may not be one of this many most recent passwords, the current one included (0: no history).' }),
    breachCheck: t.exposeBoolean('breachCheck', { description: 'Whether passwords are checked against known data breaches (k-anonymity range API).' }),
    rules: t.exposeStringList('descriptions', { description: 'The rules in sentences, to show next to the password field.' }),
  }),
});

builder.queryField('passwordPolicy', (t) =>
  t.field({
    type: PasswordPolicyRef,
    description: 'The password rules. Public: a sign-up form needs them before there is an account.',
    resolve: (_root, _args, ctx) => ctx.services.passwordPolicy.rules,
  }),
);
