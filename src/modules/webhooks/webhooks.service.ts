/**
 * Webhooks: security alerts POSTed to receivers that admins register.
 *
 * - Authenticity: each webhook has a 256-bit secret, shown once at creation and kept sealed
 *   (AES-GCM, `webhook:<id>` bound in, so a sealed secret copied to another row does not open).
 *   Every request carries `x-webhook-signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`;
 *   the timestamp is signed too, so a receiver can refuse stale replays.
 * - Destination (SSRF, see destination.ts): only public addresses, checked at creation for
 *   address literals and at every delivery for what the host resolves to, on the very connection
 *   that is made. Non-public receivers only with WEBHOOK_ALLOW_PRIVATE (development).
 * - Transport: https only; plain http just for loopback or private receivers with
 *   WEBHOOK_ALLOW_PRIVATE. Redirects are not followed (a 3xx is a failed attempt), so an https URL
 *   cannot bounce a signed alert somewhere else. Credentials in the URL are refused: they would
 *   show in the admin UI. Failures are logged with a short reason of our own.
 * - Durability: a delivery row is written in the alert's transaction (no alert without its
 *   deliveries, no delivery for an alert that rolled back) and sent after commit, in the
 *   background: the request that raised the alert never waits for a receiver.
 * - At most one sender per attempt: due rows are claimed with FOR UPDATE SKIP LOCKED, and the
 *   claim counts the attempt and pushes nextAttemptAt out by a lease, so no other instance
 *   picks the row up while it is being sent. The result is written only if the row is still in
 *   that attempt (attempts = n, PENDING): a late result never overwrites a newer one. A crash
 *   mid-attempt leaves the lease to lapse, and the row is retried (at least once delivery; the
 *   `x-webhook-delivery` id lets receivers drop duplicates).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import { afterCommit } from '../../db/after-commit';
import { BadInputError } from '../../lib/bad-input';
import { InvalidWebhookUrlError } from './webhooks.errors';
import { classifyHost, DestinationRefusedError, postChecked } from './destination';
import type { Clock } from '../../lib/clock';
import { addSeconds, epochSeconds } from '../../lib/clock';
import type { Sealer } from '../../lib/crypto';
import { NotFoundError } from '../../lib/errors';
import { isUuid } from '../../lib/ids';
import { randomToken } from '../../lib/tokens';
import type { Logger } from '../../logger';
import type { AlertPayload } from '../alerts/alerts.service';
import type { AuditMeta, AuditService } from '../audit/audit.service';
import { webhookAttempts, webhookDeliveries, webhooks, type WebhookAttemptRow, type WebhookDeliveryRow, type WebhookRow } from './webhooks.table';

export interface WebhookSettings {
  /**
   * WEBHOOK_ALLOW_PRIVATE: receivers at non-public addresses (loopback, private networks), and
   * http:// to them, for development. Off by default everywhere.
   */
  allowPrivate: boolean;
  /** Attempts before a delivery is FAILED. */
  maxAttempts: number;
  /** Per attempt, connection to response headers. */
  timeoutMs: number;
}

export type Webhook = Omit<WebhookRow, 'secretSealed'>;
export type WebhookDelivery = WebhookDeliveryRow & { attemptLog: WebhookAttemptRow[] };
export interface DeliveryRun {
  attempted: number;
  delivered: number;
  failed: number;
}

export interface WebhookService {
  /** The secret is returned here only; afterwards it exists only sealed. */
  create(input: { url: string; description?: string | null }, meta?: AuditMeta): Promise<{ webhook: Webhook; secret: string }>;
  list(): Promise<Webhook[]>;
  /** Soft delete: no new deliveries, pending ones fail; the delivery log stays. */
  remove(id: string, meta?: AuditMeta): Promise<void>;
  /** Newest first, with each one's attempts. */
  deliveries(filter: { webhookId?: string | null; first: number }): Promise<WebhookDelivery[]>;
  /** In the alert's transaction: one PENDING delivery per live webhook. */
  enqueue(tx: Tx, alert: AlertPayload): Promise<void>;
  /** Sends every due attempt once (claimed, so never twice across instances). */
  deliverDue(): Promise<DeliveryRun>;
  /** Runs deliverDue every second until stop(); kick() runs it soon. */
  start(): void;
  stop(): Promise<void>;
  kick(): void;
}

const SECRET_PREFIX = 'whsec_';
const MAX_URL_LENGTH = 2048;
const MAX_DESCRIPTION_LENGTH = 200;
const BATCH = 20;
const POLL_MS = 1000;
/** seconds: how long a claim outlives the attempt's own timeout before another instance may retry. */
const LEASE_MARGIN = 60;
const MAX_BACKOFF = 3600;

/** Seconds to wait after the n-th failed attempt: 2, 4, 8, … capped at an hour. */
export const retryDelaySeconds = (attempts: number): number => Math.min(2 ** attempts, MAX_BACKOFF);

/** The signature a receiver recomputes: HMAC-SHA256 keyed with the whole `whsec_…` string. */
export const signWebhook = (secret: string, timestamp: number, body: string): string =>
  `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;

function checkUrl(raw: string, allowPrivate: boolean): URL {
  const bad = (message: string) => new InvalidWebhookUrlError(message);
  if (raw.length > MAX_URL_LENGTH) throw bad(`The URL is longer than ${MAX_URL_LENGTH} characters.`);
  let url: URL;
  try {
    // WHATWG parsing rewrites encoded addresses (127.1, 0x7f000001, [::ffff:7f00:1]) to one form.
    url = new URL(raw.trim());
  } catch {
    throw bad('The URL is not valid.');
  }
  if (url.username || url.password) throw bad('The URL must not contain credentials: receivers authenticate deliveries by their signature.');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw bad('The URL must use https://.');
  const host = classifyHost(url);
  if (host === 'non-public' && !allowPrivate) throw bad('The URL must point to a public address (not loopback, private or link-local).');
  if (url.protocol === 'http:' && !(host === 'non-public' && allowPrivate)) throw bad('The URL must use https://.');
  return url;
}

function checkDescription(description: string | null | undefined): string | null {
  const d = description?.trim();
  if (!d) return null;
  if (d.length > MAX_DESCRIPTION_LENGTH) throw new BadInputError(`The description is longer than ${MAX_DESCRIPTION_LENGTH} characters.`, 'description');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(d)) throw new BadInputError('The description contains control or text-direction characters.', 'description');
  return d;
}

/**
 * A short reason of our own: never a response body, a header, the URL, an address or a socket
 * error code (which would tell a closed port from a filtered one).
 */
function describeFailure(error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `Timed out after ${timeoutMs} ms.`;
  if (error instanceof DestinationRefusedError) return 'Refused: the destination is not a public address.';
  if ((error as { name?: string })?.name === 'AbortError') return 'Interrupted: the instance shut down.';
  return 'Connection failed.';
}

const publicColumns = {
  id: webhooks.id,
  url: webhooks.url,
  description: webhooks.description,
  createdAt: webhooks.createdAt,
  createdBy: webhooks.createdBy,
  deletedAt: webhooks.deletedAt,
};

export function createWebhookService(deps: {
  db: Db;
  clock: Clock;
  sealer: Sealer;
  audit?: Pick<AuditService, 'record'>;
  logger: Logger;
  settings: WebhookSettings;
}): WebhookService {
  const { db, clock, sealer, logger, settings } = deps;
  const aad = (id: string) => `webhook:${id}`;

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let again = false;
  let shutdown = new AbortController();

  type Claimed = { delivery: WebhookDeliveryRow; url: string; secretSealed: string; attempt: number };

  /** Takes due rows; counts the attempt and leases the row in the same transaction. */
  async function claim(): Promise<Claimed[]> {
    const now = clock.now();
    return db.transaction(async (tx) => {
      const rows = await tx
        .select({ delivery: webhookDeliveries, url: webhooks.url, secretSealed: webhooks.secretSealed, deletedAt: webhooks.deletedAt })
        .from(webhookDeliveries)
        .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
        .where(and(eq(webhookDeliveries.status, 'PENDING'), lte(webhookDeliveries.nextAttemptAt, now)))
        .orderBy(asc(webhookDeliveries.nextAttemptAt))
        .limit(BATCH)
        .for('update', { of: webhookDeliveries, skipLocked: true });
      // Deleted meanwhile (enqueued in a race with deleteWebhook), or out of attempts after a crash.
      const gone = rows.filter((r) => r.deletedAt !== null).map((r) => r.delivery.id);
      const spent = rows.filter((r) => r.deletedAt === null && r.delivery.attempts >= settings.maxAttempts).map((r) => r.delivery.id);
      const due = rows.filter((r) => r.deletedAt === null && r.delivery.attempts < settings.maxAttempts);
      if (gone.length > 0) await tx.update(webhookDeliveries).set({ status: 'FAILED', lastError: 'Webhook deleted.' }).where(inArray(webhookDeliveries.id, gone));
      if (spent.length > 0) await tx.update(webhookDeliveries).set({ status: 'FAILED', lastError: 'The last attempt was interrupted.' }).where(inArray(webhookDeliveries.id, spent));
      if (due.length === 0) return [];
      await tx
        .update(webhookDeliveries)
        .set({ attempts: sql`${webhookDeliveries.attempts} + 1`, lastAttemptAt: now, nextAttemptAt: addSeconds(now, settings.timeoutMs / 1000 + LEASE_MARGIN) })
        .where(inArray(webhookDeliveries.id, due.map((r) => r.delivery.id)));
      return due.map((r) => ({ delivery: r.delivery, url: r.url, secretSealed: r.secretSealed, attempt: r.delivery.attempts + 1 }));
    });
  }

  /** One POST; the result as stored in the log (never a response body, header or secret). */
  async function post(c: Claimed, timestamp: number, body: string): Promise<{ statusCode: number | null; error: string | null }> {
    let secret: string;
    try {
      secret = sealer.open(c.secretSealed, aad(c.delivery.webhookId)).toString('utf8');
    } catch {
      return { statusCode: null, error: 'The signing secret could not be decrypted (was ENCRYPTION_KEY changed?).' };
    }
    const timeout = AbortSignal.timeout(settings.timeoutMs);
    try {
      const s = await postChecked(new URL(c.url), {
        signal: AbortSignal.any([timeout, shutdown.signal]),
        allowPrivate: settings.allowPrivate,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'identity-api-webhooks/1',
          'x-webhook-id': c.delivery.webhookId,
          'x-webhook-delivery': c.delivery.id,
          'x-webhook-timestamp': String(timestamp),
          'x-webhook-signature': signWebhook(secret, timestamp, body),
        },
        body,
      });
      if (s >= 200 && s <= 299) return { statusCode: s, error: null };
      return { statusCode: s, error: s >= 300 && s <= 399 ? `HTTP ${s} (redirects are not followed).` : `HTTP ${s}.` };
    } catch (e) {
      return { statusCode: null, error: describeFailure(e, timeout.aborted, settings.timeoutMs) };
    }
  }

  async function attempt(c: Claimed): Promise<'DELIVERED' | 'PENDING' | 'FAILED'> {
    const { delivery: d } = c;
    const { statusCode, error } = await post(c, epochSeconds(clock.now()), JSON.stringify({ alert: d.payload }));
    const at = clock.now();
    const outcome = error === null ? 'DELIVERED' : c.attempt >= settings.maxAttempts ? 'FAILED' : 'PENDING';
    await db.transaction(async (tx) => {
      await tx.insert(webhookAttempts).values({ id: randomUUID(), deliveryId: d.id, attempt: c.attempt, attemptedAt: at, statusCode, error });
      await tx
        .update(webhookDeliveries)
        .set({
          status: outcome,
          lastStatusCode: statusCode,
          lastError: error,
          ...(outcome === 'DELIVERED' ? { deliveredAt: at } : {}),
          ...(outcome === 'PENDING' ? { nextAttemptAt: addSeconds(at, retryDelaySeconds(c.attempt)) } : {}),
        })
        // Fenced: only this attempt's result, and never over a delivery that was cancelled meanwhile.
        .where(and(eq(webhookDeliveries.id, d.id), eq(webhookDeliveries.attempts, c.attempt), eq(webhookDeliveries.status, 'PENDING')));
    });
    if (error !== null) {
      logger.warn({ webhookId: d.webhookId, deliveryId: d.id, attempt: c.attempt, statusCode, error, host: new URL(c.url).host, outcome }, 'webhook attempt failed');
    }
    return outcome;
  }

  async function deliverDue(): Promise<DeliveryRun> {
    const run: DeliveryRun = { attempted: 0, delivered: 0, failed: 0 };
    for (;;) {
      const batch = await claim();
      const outcomes = await Promise.all(batch.map(attempt));
      run.attempted += outcomes.length;
      run.delivered += outcomes.filter((o) => o === 'DELIVERED').length;
      run.failed += outcomes.filter((o) => o !== 'DELIVERED').length;
      if (batch.length < BATCH) return run;
    }
  }

  /** One run at a time per instance; a kick during a run asks for one more. */
  function tick() {
    if (!timer) return;
    if (running) {
      again = true;
      return;
    }
    running = deliverDue()
      .catch((error: unknown) => logger.error({ err: error }, 'webhook delivery run failed'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          tick();
        }
      });
  }

  return {
    async create(input, meta = {}) {
      const url = checkUrl(input.url, settings.allowPrivate);
      const description = checkDescription(input.description);
      const now = clock.now();
      const id = randomUUID();
      const secret = `${SECRET_PREFIX}${randomToken(32)}`;
      const webhook: Webhook = { id, url: url.href, description, createdAt: now, createdBy: meta.actorUserId ?? null, deletedAt: null };
      await db.transaction(async (tx) => {
        await tx.insert(webhooks).values({ ...webhook, secretSealed: sealer.seal(secret, aad(id)) });
        await deps.audit?.record(tx, { ...meta, action: 'WEBHOOK_CREATED', details: { webhookId: id, host: url.host } });
      });
      return { webhook, secret };
    },

    list: () => db.select(publicColumns).from(webhooks).where(isNull(webhooks.deletedAt)).orderBy(desc(webhooks.createdAt), desc(webhooks.id)),

    async remove(id, meta = {}) {
      if (!isUuid(id)) throw new NotFoundError('No such webhook.');
      const now = clock.now();
      await db.transaction(async (tx) => {
        const [row] = await tx
          .update(webhooks)
          .set({ deletedAt: now })
          .where(and(eq(webhooks.id, id), isNull(webhooks.deletedAt)))
          .returning({ url: webhooks.url });
        if (!row) throw new NotFoundError('No such webhook.');
        await tx
          .update(webhookDeliveries)
          .set({ status: 'FAILED', lastError: 'Webhook deleted.' })
          .where(and(eq(webhookDeliveries.webhookId, id), eq(webhookDeliveries.status, 'PENDING')));
        await deps.audit?.record(tx, { ...meta, action: 'WEBHOOK_DELETED', details: { webhookId: id, host: new URL(row.url).host } });
      });
    },

    async deliveries({ webhookId, first }) {
      if (webhookId != null && !isUuid(webhookId)) return [];
      const rows = await db
        .select()
        .from(webhookDeliveries)
        .where(webhookId != null ? eq(webhookDeliveries.webhookId, webhookId) : undefined)
        .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
        .limit(first);
      if (rows.length === 0) return [];
      const attempts = await db
        .select()
        .from(webhookAttempts)
        .where(inArray(webhookAttempts.deliveryId, rows.map((r) => r.id)))
        .orderBy(asc(webhookAttempts.attempt));
      return rows.map((r) => ({ ...r, attemptLog: attempts.filter((a) => a.deliveryId === r.id) }));
    },

    async enqueue(tx, alert) {
      const now = clock.now();
      const live = await tx.select({ id: webhooks.id }).from(webhooks).where(isNull(webhooks.deletedAt));
      if (live.length === 0) return;
      await tx.insert(webhookDeliveries).values(
        live.map((w) => ({ id: randomUUID(), webhookId: w.id, alertId: alert.id, payload: alert, status: 'PENDING', attempts: 0, nextAttemptAt: now, createdAt: now })),
      );
      afterCommit(tx, kick);
    },

    deliverDue,

    start() {
      if (timer) return;
      shutdown = new AbortController();
      timer = setInterval(tick, POLL_MS);
      timer.unref();
      kick();
    },

    async stop() {
      if (!timer) return;
      clearInterval(timer);
      timer = undefined;
      again = false;
      // In-flight attempts end now (recorded as interrupted, retried later) rather than holding shutdown up.
      shutdown.abort();
      await running;
      shutdown = new AbortController();
    },

    kick,
  };

  /** Soon, never in the caller's turn: enqueue runs in the request that raised the alert. */
  function kick() {
    if (timer) setImmediate(tick);
  }
}
