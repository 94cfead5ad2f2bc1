// Webhooks for security alerts, over HTTP as an admin sees them, with real receivers (node:http
// on loopback): the secret shown once and kept sealed, signed POSTs a receiver can verify, retries
// with backoff on the injected clock, FAILED after the last attempt, deleteWebhook, who may do
// what, refused URLs, no secret in the audit log or the delivery log, one sender per attempt
// across instances, and that delivery never holds up the request that raised the alert.
// The tests drive the worker with deliverDue() and move app.clock; only the last test starts the
// background worker.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asc, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { graphql } from '../gql';
import { auditLogs } from '../../src/modules/audit/audit.table';
import { securityAlerts } from '../../src/modules/alerts/alerts.table';
import { createWebhookService } from '../../src/modules/webhooks/webhooks.service';
import { webhookAttempts, webhookDeliveries, webhooks } from '../../src/modules/webhooks/webhooks.table';
import { startTestApp, type TestApp } from '../support/app';
import { Login } from '../support/operations';
import { signIn, signUp } from '../support/users';

const WebhookCreate = graphql(`
  mutation WebhookCreate($input: CreateWebhookInput!) {
    createWebhook(input: $input) {
      __typename
      ... on CreateWebhookPayload { secret webhook { id url description createdAt createdBy } }
      ... on Error { code message }
    }
  }
`);

const WebhookDelete = graphql(`
  mutation WebhookDelete($id: ID!) {
    deleteWebhook(id: $id) {
      __typename
      ... on DeleteWebhookSuccess { webhookId }
      ... on Error { code message }
    }
  }
`);

const WebhookList = graphql(`
  query WebhookList {
    webhooks { id url description createdAt createdBy }
  }
`);

const WebhookDeliveryLog = graphql(`
  query WebhookDeliveryLog($webhookId: ID, $first: Int) {
    webhookDeliveries(webhookId: $webhookId, first: $first) {
      id webhookId alertId status attempts lastAttemptAt lastStatusCode lastError nextAttemptAt deliveredAt createdAt
      attemptLog { attempt attemptedAt statusCode error }
    }
  }
`);

const ADMIN_EMAIL = 'hooks.admin@example.com';
const ADMIN_PASSWORD = 'Mw5x-Jr9c-Tq3n-Bv7k';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const MAX_ATTEMPTS = 8;

let app: TestApp;
beforeAll(async () => {
  // The receivers listen on loopback: the development setting that allows non-public receivers.
  app = await startTestApp({ BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL, BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD, WEBHOOK_ALLOW_PRIVATE: '1' });
});
afterAll(() => app.close());

// Every live webhook gets every alert: each test removes its own so the next starts clean.
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

/** A fresh admin token (tests move the clock past access-token lifetimes). */
const admin = async () => (await signIn(app, ADMIN_EMAIL, ADMIN_PASSWORD)).accessToken;

interface Hit {
  headers: IncomingHttpHeaders;
  body: string;
  signatureValid: boolean;
  answered: number | null;
  answer(status: number): void;
}

/**
 * A webhook receiver. `respond(n)` picks the status for the n-th request (1-based), or 'hold'
 * to keep it open until the test answers it. With `secret` set it checks every signature the
 * way a real receiver would, over the raw body, and answers 401 when it does not verify.
 */
async function startReceiver(respond: (n: number) => number | 'hold') {
  const hits: Hit[] = [];
  let onHit = () => {};
  const state = { secret: undefined as string | undefined };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const hit: Hit = {
        headers: req.headers,
        body,
        signatureValid: state.secret !== undefined && verifySignature(state.secret, req.headers, body),
        answered: null,
        answer(status) {
          if (hit.answered !== null) return;
          hit.answered = status;
          res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
        },
      };
      hits.push(hit);
      const decision = state.secret !== undefined && !hit.signatureValid ? 401 : respond(hits.length);
      if (decision !== 'hold') hit.answer(decision);
      onHit();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const rx = {
    url: `http://127.0.0.1:${port}/hooks/security`,
    hits,
    state,
    /** Resolves once `count` requests have arrived. */
    received(count: number) {
      return new Promise<void>((resolve) => {
        const check = () => (hits.length >= count ? resolve() : undefined);
        onHit = check;
        check();
      });
    },
    close() {
      for (const h of hits) h.answer(503);
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  cleanups.push(() => rx.close());
  return rx;
}

function verifySignature(secret: string, headers: IncomingHttpHeaders, rawBody: string): boolean {
  const timestamp = headers['x-webhook-timestamp'];
  const signature = headers['x-webhook-signature'];
  if (typeof timestamp !== 'string' || typeof signature !== 'string') return false;
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** createWebhook as an admin; the receiver (if any) learns the secret to verify signatures. */
async function createHook(url: string, rx?: { state: { secret?: string } }, description = 'SIEM') {
  const res = await app.gql(WebhookCreate, { input: { url, description } }, { token: await admin() });
  const r = res.data?.createWebhook;
  if (r?.__typename !== 'CreateWebhookPayload') throw new Error(`createWebhook failed: ${JSON.stringify(res)}`);
  if (rx) rx.state.secret = r.secret;
  cleanups.push(() => app.services.webhooks.remove(r.webhook.id));
  return r;
}

let alertNo = 0;
/** An alert raised the way verifyAuditChain raises one: its own transaction, deliveries enqueued in it. */
async function raiseAlert() {
  const n = ++alertNo;
  await app.services.alerts.raise({ type: 'MFA_DISABLED', severity: 'MEDIUM', userId: null, ipAddress: '203.0.113.7', message: `test alert ${n}`, details: { n } });
  const [row] = await app.deps.database.db.select().from(securityAlerts).where(eq(securityAlerts.message, `test alert ${n}`));
  return row!;
}

async function deliveriesOf(webhookId: string) {
  const res = await app.gql(WebhookDeliveryLog, { webhookId }, { token: await admin() });
  if (!res.data?.webhookDeliveries) throw new Error(`webhookDeliveries failed: ${JSON.stringify(res)}`);
  return res.data.webhookDeliveries;
}

const ms = (iso: string | null | undefined) => (iso ? new Date(iso).getTime() : null);

describe('createWebhook and webhooks', () => {
  it('returns a whsec_ secret once; the webhooks query never shows it; the column holds it sealed to the webhook id', async () => {
    const createdAt = app.clock.now();
    const r = await createHook('https://siem.example.com/in', undefined, 'Our SIEM');
    expect(r.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(r.webhook).toMatchObject({ url: 'https://siem.example.com/in', description: 'Our SIEM' });
    expect(ms(r.webhook.createdAt)).toBe(createdAt.getTime());

    const listed = await app.gql(WebhookList, undefined, { token: await admin() });
    expect(listed.data.webhooks).toEqual([r.webhook]);
    expect(JSON.stringify(listed)).not.toContain(r.secret);

    const [row] = await app.deps.database.db.select().from(webhooks).where(eq(webhooks.id, r.webhook.id));
    expect(row!.secretSealed).not.toContain(r.secret);
    expect(row!.secretSealed).not.toContain(r.secret.slice('whsec_'.length));
    expect(app.deps.sealer.open(row!.secretSealed, `webhook:${r.webhook.id}`).toString('utf8')).toBe(r.secret);
    // Bound to its row: under another webhook's id the ciphertext does not open.
    expect(() => app.deps.sealer.open(row!.secretSealed, `webhook:${UNKNOWN_ID}`)).toThrow();
  });

  it('each webhook gets its own secret', async () => {
    const a = await createHook('https://a.example.com/');
    const b = await createHook('https://b.example.com/');
    expect(a.secret).not.toBe(b.secret);
  });

  it('refuses http:// to a non-loopback host, and other bad URLs, with InvalidWebhookUrlError', async () => {
    const token = await admin();
    for (const url of ['http://example.com/hook', 'ftp://example.com/', 'not a url', 'https://user:pass@example.com/', `https://example.com/${'a'.repeat(2100)}`]) {
      const res = await app.gql(WebhookCreate, { input: { url } }, { token });
      expect(res.data.createWebhook).toMatchObject({ __typename: 'InvalidWebhookUrlError', code: 'INVALID_WEBHOOK_URL' });
    }
    expect((await app.gql(WebhookList, undefined, { token })).data.webhooks).toEqual([]);
  });

  it('accepts http:// for loopback hosts only with WEBHOOK_ALLOW_PRIVATE', async () => {
    for (const url of ['http://127.0.0.1:9/x', 'http://[::1]:9/x', 'http://localhost:9/x']) {
      expect((await createHook(url)).webhook.url).toBe(url);
    }
    const production = createWebhookService({
      db: app.deps.database.db,
      clock: app.clock,
      sealer: app.deps.sealer,
      logger: app.deps.logger,
      settings: { allowPrivate: false, maxAttempts: MAX_ATTEMPTS, timeoutMs: 1000 },
    });
    await expect(production.create({ url: 'http://127.0.0.1:9/x' })).rejects.toMatchObject({ code: 'INVALID_WEBHOOK_URL' });
  });

  it('a normal user gets FORBIDDEN from every webhook field', async () => {
    const user = await signUp(app);
    const hook = await createHook('https://siem.example.com/');
    const token = user.accessToken;
    const results = [
      await app.gql(WebhookCreate, { input: { url: 'https://evil.example.com/' } }, { token }),
      await app.gql(WebhookDelete, { id: hook.webhook.id }, { token }),
      await app.gql(WebhookList, undefined, { token }),
      await app.gql(WebhookDeliveryLog, {}, { token }),
    ];
    for (const res of results) expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await app.gql(WebhookList, undefined, { token: await admin() })).data.webhooks.map((w) => w.id)).toEqual([hook.webhook.id]);
  });
});

describe('delivery', () => {
  it('an alert creates one PENDING delivery per live webhook, due at once', async () => {
    const a = await createHook('https://a.example.com/');
    const b = await createHook('https://b.example.com/');
    const raisedAt = app.clock.now();
    const alert = await raiseAlert();
    for (const hook of [a, b]) {
      const [d, ...rest] = await deliveriesOf(hook.webhook.id);
      expect(rest).toEqual([]);
      expect(d).toMatchObject({ webhookId: hook.webhook.id, alertId: alert.id, status: 'PENDING', attempts: 0, lastAttemptAt: null, lastStatusCode: null, lastError: null, deliveredAt: null, attemptLog: [] });
      expect(ms(d!.nextAttemptAt)).toBe(raisedAt.getTime());
    }
  });

  it('deliverDue POSTs the signed alert; 500, 500, then 200 ends DELIVERED after 3 attempts, retried with backoff on the clock', async () => {
    let n = 0;
    const rx = await startReceiver(() => (++n <= 2 ? 500 : 200));
    const hook = await createHook(rx.url, rx);
    const alert = await raiseAlert();
    const webhooksService = app.services.webhooks;

    // Attempt 1: 500, retried 2 s later.
    const t1 = app.clock.now();
    expect(await webhooksService.deliverDue()).toEqual({ attempted: 1, delivered: 0, failed: 1 });
    expect(rx.hits).toHaveLength(1);
    let [d] = await deliveriesOf(hook.webhook.id);
    expect(d).toMatchObject({ status: 'PENDING', attempts: 1, lastStatusCode: 500, lastError: 'HTTP 500.' });
    expect(ms(d!.lastAttemptAt)).toBe(t1.getTime());
    expect(ms(d!.nextAttemptAt)).toBe(t1.getTime() + 2000);

    // Not yet due: nothing is sent.
    app.clock.advance(1);
    expect(await webhooksService.deliverDue()).toEqual({ attempted: 0, delivered: 0, failed: 0 });
    expect(rx.hits).toHaveLength(1);

    // Attempt 2: 500 again, retried 4 s later.
    app.clock.advance(1);
    const t2 = app.clock.now();
    expect(await webhooksService.deliverDue()).toEqual({ attempted: 1, delivered: 0, failed: 1 });
    [d] = await deliveriesOf(hook.webhook.id);
    expect(d).toMatchObject({ status: 'PENDING', attempts: 2, lastStatusCode: 500 });
    expect(ms(d!.nextAttemptAt)).toBe(t2.getTime() + 4000);
    app.clock.advance(3);
    expect(await webhooksService.deliverDue()).toEqual({ attempted: 0, delivered: 0, failed: 0 });

    // Attempt 3: 200.
    app.clock.advance(1);
    const t3 = app.clock.now();
    expect(await webhooksService.deliverDue()).toEqual({ attempted: 1, delivered: 1, failed: 0 });
    expect(rx.hits).toHaveLength(3);
    [d] = await deliveriesOf(hook.webhook.id);
    expect(d).toMatchObject({ status: 'DELIVERED', attempts: 3, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
    expect(ms(d!.deliveredAt)).toBe(t3.getTime());
    expect(d!.attemptLog.map((a) => [a.attempt, a.statusCode, a.error, ms(a.attemptedAt)])).toEqual([
      [1, 500, 'HTTP 500.', t1.getTime()],
      [2, 500, 'HTTP 500.', t2.getTime()],
      [3, 200, null, t3.getTime()],
    ]);

    // Every request: verified by the receiver, the same delivery id, the alert in the body.
    for (const [i, hit] of rx.hits.entries()) {
      expect(hit.signatureValid).toBe(true);
      expect(hit.headers['content-type']).toBe('application/json');
      expect(hit.headers['x-webhook-id']).toBe(hook.webhook.id);
      expect(hit.headers['x-webhook-delivery']).toBe(d!.id);
      expect(hit.headers['x-webhook-timestamp']).toBe(String(Math.floor([t1, t2, t3][i]!.getTime() / 1000)));
      expect(hit.headers['x-webhook-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
      const body = JSON.parse(hit.body) as { alert: Record<string, unknown> };
      expect(body).toEqual({
        alert: {
          id: alert.id,
          type: 'MFA_DISABLED',
          severity: 'MEDIUM',
          userId: null,
          ipAddress: '203.0.113.7',
          message: alert.message,
          occurredAt: alert.occurredAt.toISOString(),
          details: alert.details,
        },
      });
    }
    // Delivered means done: later runs send nothing.
    app.clock.advance(3600);
    expect(await webhooksService.deliverDue()).toEqual({ attempted: 0, delivered: 0, failed: 0 });
  });

  it('a signature made with another secret does not verify at the receiver (and the attempt is not counted as delivered)', async () => {
    const rx = await startReceiver(() => 200);
    const hook = await createHook(rx.url);
    rx.state.secret = 'whsec_not-the-real-secret';
    await raiseAlert();
    await app.services.webhooks.deliverDue();
    expect(rx.hits[0]!.signatureValid).toBe(false);
    expect((await deliveriesOf(hook.webhook.id))[0]).toMatchObject({ status: 'PENDING', lastStatusCode: 401, lastError: 'HTTP 401.' });
  });

  it('a receiver that always fails ends FAILED after the last attempt, with every attempt in the log', async () => {
    const rx = await startReceiver(() => 503);
    const hook = await createHook(rx.url, rx);
    await raiseAlert();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      expect(await app.services.webhooks.deliverDue()).toEqual({ attempted: 1, delivered: 0, failed: 1 });
      const [d] = await deliveriesOf(hook.webhook.id);
      expect(d).toMatchObject({ attempts: attempt, lastStatusCode: 503, lastError: 'HTTP 503.' });
      if (attempt < MAX_ATTEMPTS) {
        expect(d!.status).toBe('PENDING');
        expect(ms(d!.nextAttemptAt)! - ms(d!.lastAttemptAt)!).toBe(2 ** attempt * 1000);
        app.clock.set(new Date(d!.nextAttemptAt!));
      } else {
        expect(d).toMatchObject({ status: 'FAILED', nextAttemptAt: null, deliveredAt: null });
        expect(d!.attemptLog.map((a) => a.statusCode)).toEqual(Array(MAX_ATTEMPTS).fill(503));
      }
    }
    app.clock.advance(86_400);
    expect(await app.services.webhooks.deliverDue()).toEqual({ attempted: 0, delivered: 0, failed: 0 });
    expect(rx.hits).toHaveLength(MAX_ATTEMPTS);
    expect(rx.hits.every((h) => h.signatureValid)).toBe(true);
  });

  it('a receiver that is down, or too slow, is a failed attempt with a short reason and no status code', async () => {
    const down = await startReceiver(() => 200);
    const downHook = await createHook(down.url, down);
    await down.close();
    const slow = await startReceiver(() => 'hold');
    const slowHook = await createHook(slow.url, slow);
    await raiseAlert();
    // The app's worker with a short timeout, so the test does not wait out the default.
    const impatient = createWebhookService({
      db: app.deps.database.db,
      clock: app.clock,
      sealer: app.deps.sealer,
      logger: app.deps.logger,
      settings: { allowPrivate: true, maxAttempts: MAX_ATTEMPTS, timeoutMs: 200 },
    });
    expect(await impatient.deliverDue()).toEqual({ attempted: 2, delivered: 0, failed: 2 });
    expect((await deliveriesOf(downHook.webhook.id))[0]).toMatchObject({ status: 'PENDING', attempts: 1, lastStatusCode: null, lastError: 'Connection failed.' });
    expect((await deliveriesOf(slowHook.webhook.id))[0]).toMatchObject({ status: 'PENDING', attempts: 1, lastStatusCode: null, lastError: 'Timed out after 200 ms.' });
    expect(slow.hits).toHaveLength(1);
  });

  it('several instances draining at once send each attempt exactly once', async () => {
    const rx = await startReceiver(() => 200);
    const hook = await createHook(rx.url, rx);
    for (let i = 0; i < 30; i++) await raiseAlert();
    const other = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: '1' }, app.backing);
    try {
      const runs = await Promise.all([app.services.webhooks.deliverDue(), other.services.webhooks.deliverDue(), app.services.webhooks.deliverDue(), other.services.webhooks.deliverDue()]);
      expect(runs.reduce((sum, r) => sum + r.attempted, 0)).toBe(30);
    } finally {
      await other.close();
    }
    const ids = rx.hits.map((h) => h.headers['x-webhook-delivery']);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    const log = await app.gql(WebhookDeliveryLog, { webhookId: hook.webhook.id, first: 100 }, { token: await admin() });
    expect(log.data.webhookDeliveries).toHaveLength(30);
    expect(log.data.webhookDeliveries.every((d) => d.status === 'DELIVERED' && d.attempts === 1 && d.attemptLog.length === 1)).toBe(true);
  });

  it('webhookDeliveries: newest first, `first` caps at 100, all webhooks without webhookId, [] for an unknown or malformed id', async () => {
    const hook = await createHook('https://siem.example.com/');
    const first = await raiseAlert();
    app.clock.advance(1);
    const second = await raiseAlert();
    const token = await admin();
    const mine = (await app.gql(WebhookDeliveryLog, { webhookId: hook.webhook.id }, { token })).data.webhookDeliveries;
    expect(mine.map((d) => d.alertId)).toEqual([second.id, first.id]);
    const one = (await app.gql(WebhookDeliveryLog, { webhookId: hook.webhook.id, first: 1 }, { token })).data.webhookDeliveries;
    expect(one.map((d) => d.alertId)).toEqual([second.id]);
    const all = (await app.gql(WebhookDeliveryLog, { first: 150 }, { token })).data.webhookDeliveries;
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(all.length).toBeLessThanOrEqual(100);
    expect(all[0]!.alertId).toBe(second.id);
    for (const webhookId of [UNKNOWN_ID, 'not-a-uuid']) {
      expect((await app.gql(WebhookDeliveryLog, { webhookId }, { token })).data.webhookDeliveries).toEqual([]);
    }
    const zero = await app.gql(WebhookDeliveryLog, { first: 0 }, { token });
    expect(zero.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});

describe('deleteWebhook', () => {
  it('stops new deliveries, fails the pending ones, keeps the log, and is NotFoundError the second time', async () => {
    const rx = await startReceiver(() => 500);
    const hook = await createHook(rx.url, rx);
    await raiseAlert();
    await app.services.webhooks.deliverDue(); // one failed attempt, a retry pending
    let token = await admin();

    const res = await app.gql(WebhookDelete, { id: hook.webhook.id }, { token });
    expect(res.data.deleteWebhook).toEqual({ __typename: 'DeleteWebhookSuccess', webhookId: hook.webhook.id });
    expect((await app.gql(WebhookList, undefined, { token })).data.webhooks).toEqual([]);

    await raiseAlert();
    app.clock.advance(3600);
    expect(await app.services.webhooks.deliverDue()).toEqual({ attempted: 0, delivered: 0, failed: 0 });
    expect(rx.hits).toHaveLength(1);
    const log = await deliveriesOf(hook.webhook.id);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: 'FAILED', attempts: 1, lastError: 'Webhook deleted.', nextAttemptAt: null });

    token = await admin(); // the clock moved past the first token's lifetime
    const again = await app.gql(WebhookDelete, { id: hook.webhook.id }, { token });
    expect(again.data.deleteWebhook).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND', message: 'No such webhook.' });
    for (const id of [UNKNOWN_ID, 'not-a-uuid', '-'.repeat(36)]) {
      const r = await app.gql(WebhookDelete, { id }, { token });
      expect(r.errors).toBeUndefined();
      expect(r.data.deleteWebhook).toEqual(again.data.deleteWebhook);
    }
  });

  it('a delivery enqueued before the delete but claimed after it is not sent', async () => {
    const rx = await startReceiver(() => 200);
    const hook = await createHook(rx.url, rx);
    await raiseAlert();
    // As if the alert's transaction had read the webhook as live just before the delete committed.
    await app.deps.database.db.update(webhooks).set({ deletedAt: app.clock.now() }).where(eq(webhooks.id, hook.webhook.id));
    expect(await app.services.webhooks.deliverDue()).toEqual({ attempted: 0, delivered: 0, failed: 0 });
    expect(rx.hits).toHaveLength(0);
    expect((await deliveriesOf(hook.webhook.id))[0]).toMatchObject({ status: 'FAILED', attempts: 0, lastError: 'Webhook deleted.' });
  });
});

describe('secrets and audit', () => {
  it('WEBHOOK_CREATED / WEBHOOK_DELETED are audited with the webhook id and host only; the secret is in no audit entry, delivery, attempt or request header', async () => {
    const rx = await startReceiver(() => 200);
    const hook = await createHook(`${rx.url}?token=query-secret`, rx);
    await raiseAlert();
    await app.services.webhooks.deliverDue();
    const token = await admin();
    expect((await app.gql(WebhookDelete, { id: hook.webhook.id }, { token })).data.deleteWebhook.__typename).toBe('DeleteWebhookSuccess');

    const db = app.deps.database.db;
    const entries = (await db.select().from(auditLogs).orderBy(asc(auditLogs.seq))).filter((e) => e.action.startsWith('WEBHOOK_') && (e.details as { webhookId?: string }).webhookId === hook.webhook.id);
    const adminId = hook.webhook.createdBy;
    expect(entries.map((e) => [e.action, e.details, e.actorUserId])).toEqual([
      ['WEBHOOK_CREATED', { webhookId: hook.webhook.id, host: new URL(rx.url).host }, adminId],
      ['WEBHOOK_DELETED', { webhookId: hook.webhook.id, host: new URL(rx.url).host }, adminId],
    ]);

    const secretPart = hook.secret.slice('whsec_'.length);
    const everything = JSON.stringify([
      await db.select().from(auditLogs),
      await db.select().from(webhookDeliveries),
      await db.select().from(webhookAttempts),
      await db.select().from(securityAlerts),
      rx.hits.map((h) => [h.headers, h.body]),
    ]);
    expect(everything).not.toContain(secretPart);
    // Only the host is audited: not a token someone put in the URL's query.
    expect(everything).not.toContain('query-secret');
  });
});

describe('delivery never holds up the request that raised the alert', () => {
  it('a receiver that holds the request open does not delay the failed login whose alert it is being sent', async () => {
    const rx = await startReceiver(() => 'hold');
    const hook = await createHook(rx.url, rx);
    const user = await signUp(app);
    const wrong = { input: { email: user.email, password: 'definitely the wrong password' } };
    // Four failures, then the fifth raises FAILED_LOGIN_BURST (ALERT_FAILED_LOGINS_PER_ACCOUNT = 5).
    for (let i = 0; i < 4; i++) expect((await app.gql(Login, wrong)).data.login.__typename).toBe('InvalidCredentialsError');
    expect(rx.hits).toHaveLength(0);

    app.services.webhooks.start();
    try {
      const order: string[] = [];
      const arrived = rx.received(1).then(() => order.push('receiver got the alert'));
      // If delivery ran inside the request, this would wait for the held receiver forever.
      const res = await app.gql(Login, wrong);
      order.push(`login answered (receiver had answered: ${rx.hits.some((h) => h.answered !== null)})`);
      expect(res.data.login.__typename).toBe('InvalidCredentialsError');
      await arrived;
      expect(order).toContain('login answered (receiver had answered: false)');
      expect(rx.hits).toHaveLength(1);
      expect(rx.hits[0]!.answered).toBeNull(); // still held
      expect(JSON.parse(rx.hits[0]!.body)).toMatchObject({ alert: { type: 'FAILED_LOGIN_BURST', userId: user.user.id } });
      expect(rx.hits[0]!.signatureValid).toBe(true);
      expect((await deliveriesOf(hook.webhook.id))[0]).toMatchObject({ status: 'PENDING', attempts: 1, lastAttemptAt: expect.any(String) });

      // Once the receiver answers, the background worker records the delivery.
      rx.hits[0]!.answer(204);
      await vi.waitFor(async () => expect((await deliveriesOf(hook.webhook.id))[0]).toMatchObject({ status: 'DELIVERED', lastStatusCode: 204 }), { timeout: 10_000, interval: 50 });
    } finally {
      await app.services.webhooks.stop();
    }
  });
});
