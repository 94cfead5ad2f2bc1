// Threat: a change that did not happen still speaks. If the transaction of a change fails after
// its audit entry was written (here: at COMMIT itself, the latest possible moment), a leaked side
// effect would tell the world something false: an audit row for an address change that never
// took place, an alert pushed to admins' dashboards, a webhook delivery to the SIEM, a mail with
// a live link to an address the account never adopted. Every one of them must follow the
// transaction: stored inside it, or sent only after it commits.
//
// The failure is made in this file's own database: a deferred constraint trigger that raises at
// COMMIT for one action of one user, created and dropped by the test.
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql';
import { startTestApp, type TestApp } from '../support/app';
import { startSmtpSink, type SmtpSink } from '../support/smtp';
import { alertProbe, sse, whenSubscribed } from '../support/subscriptions';
import { signIn, signUp, uniqueEmail } from '../support/users';
import { auditLogs } from '../../src/modules/audit/audit.table';
import { securityAlerts } from '../../src/modules/alerts/alerts.table';
import { webhookDeliveries } from '../../src/modules/webhooks/webhooks.table';
import { emailTokens } from '../../src/modules/recovery/email-tokens.table';
import { users } from '../../src/modules/users/users.table';

const ADMIN = { BOOTSTRAP_ADMIN_EMAIL: 'rollback.admin@example.com', BOOTSTRAP_ADMIN_PASSWORD: 'Rb7k-Wm3q-Xv9t-Jd5p' };

const RollbackChangeEmail = graphql(`
  mutation RollbackChangeEmail($input: ChangeEmailInput!) {
    changeEmail(input: $input) {
      __typename
      ... on ChangeEmailRequested { newEmail }
      ... on Error { code message }
    }
  }
`);

const RollbackVerifyEmail = graphql(`
  mutation RollbackVerifyEmail($input: VerifyEmailInput!) {
    verifyEmail(input: $input) {
      __typename
      ... on VerifyEmailSuccess { emailChanged user { email } }
      ... on Error { code message }
    }
  }
`);

const RollbackWebhook = graphql(`
  mutation RollbackWebhook($input: CreateWebhookInput!) {
    createWebhook(input: $input) {
      __typename
      ... on CreateWebhookPayload { webhook { id } }
      ... on Error { code message }
    }
  }
`);

const RollbackChain = graphql(`
  query RollbackChain {
    verifyAuditChain { valid }
  }
`);

const ALERTS = `subscription RollbackAlerts { securityAlerts { id type userId } }`;
interface Alert {
  securityAlerts: { id: string; type: string; userId: string | null };
}

let smtp: SmtpSink;
let app: TestApp;
let adminToken: string;
beforeAll(async () => {
  smtp = await startSmtpSink();
  // WEBHOOK_ALLOW_PRIVATE: the receiver is on loopback (nothing is delivered there in this file).
  app = await startTestApp({ ...ADMIN, SMTP_URL: smtp.url, WEBHOOK_ALLOW_PRIVATE: 'true' });
  adminToken = (await signIn(app, ADMIN.BOOTSTRAP_ADMIN_EMAIL, ADMIN.BOOTSTRAP_ADMIN_PASSWORD)).accessToken;
  const hook = await app.gql(RollbackWebhook, { input: { url: 'http://127.0.0.1:9/siem' } }, { token: adminToken });
  expect(hook.data.createWebhook.__typename).toBe('CreateWebhookPayload');
});
afterAll(async () => {
  await app?.close();
  await smtp?.close();
});

const db = () => app.deps.database.db;

/** Makes COMMIT fail for any transaction that wrote `action` to the audit log for `userId`. */
async function failCommitOf(action: string, userId: string) {
  await db().execute(sql.raw(`create or replace function test_refuse_commit() returns trigger language plpgsql as $$ begin raise exception 'test: commit refused'; end $$`));
  await db().execute(
    sql.raw(
      `create constraint trigger test_refuse_commit after insert on audit_logs deferrable initially deferred for each row ` +
        `when (new.action = '${action}' and new.user_id = '${userId}') execute function test_refuse_commit()`,
    ),
  );
}
const allowCommits = () => db().execute(sql.raw('drop trigger if exists test_refuse_commit on audit_logs'));

const auditOf = (userId: string, action: string) => db().select().from(auditLogs).where(and(eq(auditLogs.userId, userId), eq(auditLogs.action, action)));
const alertsOf = (userId: string) => db().select().from(securityAlerts).where(eq(securityAlerts.userId, userId));
const deliveriesOf = (userId: string) => db().select().from(webhookDeliveries).where(sql`${webhookDeliveries.payload}->>'userId' = ${userId}`);

describe('a transaction that fails at COMMIT, after its audit entry', () => {
  it('leaves no audit row, no alert (stored or published), no webhook delivery, and no change; the same link then works once', async () => {
    const { probe, isProbe } = alertProbe(app.deps.pubsub);
    const alerts = await whenSubscribed(sse<Alert>(app.url, ALERTS, {}, adminToken), probe, isProbe);
    try {
      const user = await signUp(app);
      const target = uniqueEmail('moved');
      expect((await app.gql(RollbackChangeEmail, { input: { newEmail: target } }, { token: user.accessToken })).data.changeEmail.__typename).toBe('ChangeEmailRequested');
      const [mail] = await smtp.waitFor(target, 1);
      const token = new URL(/https?:\/\/\S+/.exec(mail!.text)![0]).searchParams.get('token')!;

      await failCommitOf('EMAIL_CHANGED', user.user.id);
      try {
        const failed = await app.gql(RollbackVerifyEmail, { input: { token } });
        expect(failed.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
        expect(JSON.stringify(failed)).not.toContain('commit refused');
      } finally {
        await allowCommits();
      }
      expect(await auditOf(user.user.id, 'EMAIL_CHANGED')).toEqual([]);
      expect(await alertsOf(user.user.id)).toEqual([]);
      expect(await deliveriesOf(user.user.id)).toEqual([]);
      expect((await db().select({ email: users.email }).from(users).where(eq(users.id, user.user.id)))[0]!.email).toBe(user.email);

      // The link was not spent either (its consumption rolled back with the rest).
      const done = await app.gql(RollbackVerifyEmail, { input: { token } });
      expect(done.data.verifyEmail).toEqual({ __typename: 'VerifyEmailSuccess', emailChanged: true, user: { email: target } });

      // Pub/sub keeps order: had the failed attempt published its alert, it would arrive first.
      const first = await alerts.next();
      expect(first).toMatchObject({ data: { securityAlerts: { type: 'EMAIL_CHANGED', userId: user.user.id } } });
      const stored = await alertsOf(user.user.id);
      expect(stored.map((a) => a.id)).toEqual([(first as { data: Alert }).data.securityAlerts.id]);
      expect((await deliveriesOf(user.user.id)).map((d) => d.alertId)).toEqual([stored[0]!.id]);
      expect(await auditOf(user.user.id, 'EMAIL_CHANGED')).toHaveLength(1);
      expect((await app.gql(RollbackChain, undefined, { token: adminToken })).data.verifyAuditChain.valid).toBe(true);
    } finally {
      alerts.close();
    }
  });

  it('sends no mail: neither the link to the new address nor the notice to the old one, and keeps no token', async () => {
    const user = await signUp(app);
    const target = uniqueEmail('never');
    await failCommitOf('EMAIL_CHANGE_REQUESTED', user.user.id);
    try {
      const failed = await app.gql(RollbackChangeEmail, { input: { newEmail: target } }, { token: user.accessToken });
      expect(failed.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await allowCommits();
    }
    // Mails are queued only after COMMIT, before the answer: whatever was queued has now gone out.
    await app.services.mailer.idle();
    expect(smtp.to(target)).toEqual([]);
    expect(smtp.to(user.email)).toEqual([]);
    expect(await auditOf(user.user.id, 'EMAIL_CHANGE_REQUESTED')).toEqual([]);
    expect(await db().select().from(emailTokens).where(eq(emailTokens.userId, user.user.id))).toEqual([]);

    // Once commits go through, the same request mails exactly once to each address.
    const ok = await app.gql(RollbackChangeEmail, { input: { newEmail: target } }, { token: user.accessToken });
    expect(ok.data.changeEmail.__typename).toBe('ChangeEmailRequested');
    await app.services.mailer.idle();
    expect(smtp.to(target).map((m) => m.subject)).toEqual(['Confirm your new e-mail address']);
    expect(smtp.to(user.email).map((m) => m.subject)).toEqual(['Your e-mail address is being changed']);
  });
});
