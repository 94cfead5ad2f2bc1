/**
 * API keys: `idp_<id>_<secret>`. The fixed prefix makes leaked keys easy to find (secret
 * scanners); the id finds the row; the secret (256 bits) is checked against its SHA-256 in
 * constant time. Only hashes are stored; the key is shown once.
 *
 * Hot path (every key-authenticated request): the row comes from a short-lived in-process cache
 * (evicted on every instance when a key changes), and one atomic Redis round trip reads the
 * revocation marker and the owner's live roles and counts the request against the key's rate
 * limit, beside the revocation epoch (when Redis lost its data, nothing is trusted until the
 * markers are rebuilt from `revoked_at`: see the revocation module). No database write per
 * request: usage counters are batched and flushed every few seconds.
 * A key's scopes are intersected with its owner's current scopes at every use, under the same
 * rule as sessions: with REQUIRE_ADMIN_MFA, admin scopes only while the owner has MFA on.
 *
 * Revocation takes effect on every instance at its next request: a marker in Redis (read in the
 * same round trip as the roles) outlives any cached row, and a pub/sub message evicts the row.
 * Account recovery revokes every key of the account (`revokeAllForUser`): a key made by whoever
 * held the old password must not outlive the reset that locked them out.
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import type { Db, Tx } from '../../db/client';
import { unauthenticated } from '../../graphql/auth-errors';
import { afterCommit } from '../../db/after-commit';
import type { Kv } from '../../kv/kv';
import { BadInputError } from '../../lib/bad-input';
import type { Clock } from '../../lib/clock';
import { addSeconds } from '../../lib/clock';
import { NotFoundError } from '../../lib/errors';
import { isUuid } from '../../lib/ids';
import { randomToken, safeEqual, sha256 } from '../../lib/tokens';
import type { Pubsub } from '../../pubsub';
import type { AuditMeta, AuditService } from '../audit/audit.service';
import { ADMIN_ONLY_SCOPES, ALL_SCOPES, expandScopes, hasScope, liveRolesKey } from '../authz/scopes';
import { mfaTotp } from '../mfa/mfa.table';
import type { Marker, RevocationService } from '../revocation/revocation.service';
import { users } from '../users/users.table';
import { InvalidScopeError } from './apikeys.errors';
import { apiKeys, type ApiKeyRow } from './apikeys.table';
import { allowlist, parseAllowEntry } from './ip-allowlist';

export type { ApiKeyRow };

export const API_KEY_PREFIX = 'idp_';
const KEY_SHAPE = /^idp_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;
const CACHE_TTL_MS = 30_000;
const RELOAD_COOLDOWN_MS = 250;
const FLUSH_INTERVAL_MS = 5_000;
const revokedKey = (id: string) => `apikey-revoked:${id}`;
/** seconds: the marker outlives every cached row (CACHE_TTL_MS), after which the row itself says revoked. */
const REVOKED_MARKER_TTL = (CACHE_TTL_MS / 1000) * 4;

/** Why every key of an account was revoked at once (kept in each key's audit entry). */
export type ApiKeysRevokedReason = 'password_reset' | 'user_disabled' | 'account_deleted';

export interface ApiKeyViewer {
  kind: 'apiKey';
  userId: string;
  apiKeyId: string;
  scopes: string[];
}

export interface CreateApiKeyInput {
  name: string;
  scopes: string[];
  expiresAt?: Date | null;
  allowedIps?: string[] | null;
  rateLimitPerMinute?: number | null;
}

export interface ApiKeyService {
  /** Scopes outside the owner's, unknown scopes, bad CIDRs and past expiry are refused. */
  create(owner: { userId: string; scopes: string[] }, input: CreateApiKeyInput, meta: AuditMeta): Promise<{ apiKey: ApiKeyRow; secret: string }>;
  list(userId: string): Promise<ApiKeyRow[]>;
  rotate(userId: string, id: string, graceSeconds: number, meta: AuditMeta): Promise<{ apiKey: ApiKeyRow; secret: string }>;
  revoke(userId: string, id: string, meta: AuditMeta): Promise<ApiKeyRow>;
  /**
   * In the caller's transaction: revokes every live key of the account, one API_KEY_REVOKED entry
   * (with `reason`) per key. Once the transaction commits, every instance refuses them; await
   * `effective()` after the commit to be sure the markers are written before answering the user.
   */
  revokeAllForUser(tx: Tx, userId: string, reason: ApiKeysRevokedReason, meta: AuditMeta): Promise<{ count: number; effective: () => Promise<void> }>;
  /** Whether `scopes` include anything only admins hold (creating such a key needs step-up). */
  isPrivileged(scopes: string[]): boolean;
  authenticate(raw: string, ip: string): Promise<ApiKeyViewer>;
  /** Markers of keys revoked recently enough that a cached row may not know it (rebuild source). */
  revocationMarkers(now: Date): Promise<Marker[]>;
  /**
   * The owner's state that key checks read changed (MFA off, so REQUIRE_ADMIN_MFA withdraws admin
   * scopes): every instance drops the owner's cached keys, so the next use reads it afresh.
   */
  ownerChanged(userId: string): void;
  /** Writes the batched usage counters now (also every few seconds once started, and at stop). */
  flushUsage(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

interface Cached {
  row: ApiKeyRow;
  ownerRoles: string[];
  ownerDisabled: boolean;
  ownerMfa: boolean;
  allows: (ip: string) => boolean;
  loadedAt: number;
}


export function createApiKeyService(deps: {
  db: Db;
  kv: Kv;
  clock: Clock;
  pubsub: Pubsub;
  audit: AuditService;
  revocation: Pick<RevocationService, 'epochKey' | 'assertIntact' | 'markerWriteFailed'>;
  /** The scopes roles grant; `mfaVerified` here: the owner has MFA on (REQUIRE_ADMIN_MFA). */
  scopesFor: (roles: readonly string[], session: { mfaVerified: boolean }) => string[];
}): ApiKeyService {
  const { db, kv, clock, pubsub, audit } = deps;
  const cache = new Map<string, Cached>();
  /** Ids that do not exist, remembered briefly: random ids cannot each cost a database query. */
  const missing = new Map<string, number>();
  const usage = new Map<string, { count: number; lastUsedAt: Date; lastUsedIp: string }>();
  const lastMismatchReload = new Map<string, number>();
  /** Refused uses are recorded once per key, reason and minute (per instance): no flooding the log. */
  const deniedRecorded = new Map<string, number>();
  async function refused(row: ApiKeyRow, ip: string, reason: 'invalid_secret' | 'revoked' | 'expired' | 'rate_limited' | 'ip_not_allowed') {
    const minute = Math.floor(clock.now().getTime() / 60_000);
    const key = `${row.id}:${reason}`;
    if (deniedRecorded.get(key) === minute) return;
    deniedRecorded.set(key, minute);
    await audit.log({ action: 'API_KEY_USE_DENIED', success: false, userId: row.userId, apiKeyId: row.id, ip, details: { reason } });
  }
  let flushTimer: NodeJS.Timeout | undefined;

  const newSecret = () => randomToken(32);
  const format = (id: string, secret: string) => `${API_KEY_PREFIX}${id.replace(/-/g, '')}_${secret}`;
  const changed = (id: string) => {
    cache.delete(id);
    pubsub.publish('apiKeyChanged', id);
  };
  /** Every instance refuses these keys from its next request (the marker outlives any cached row). */
  async function markRevoked(ids: string[]) {
    // A marker that could not be written drops the epoch: every instance then rebuilds from revoked_at.
    await Promise.all(ids.map((id) => kv.setex(revokedKey(id), REVOKED_MARKER_TTL, '1').catch(deps.revocation.markerWriteFailed)));
    for (const id of ids) changed(id);
  }

  function validate(owner: { scopes: string[] }, input: CreateApiKeyInput, now: Date) {
    const name = input.name.trim();
    if (!name || [...name].length > 100 || /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u.test(name)) {
      throw new BadInputError('name: 1 to 100 characters, no control characters.', 'name');
    }
    const unknown = input.scopes.filter((s) => !(ALL_SCOPES as readonly string[]).includes(s));
    if (unknown.length > 0) throw new InvalidScopeError(unknown, `Unknown scopes: ${unknown.join(', ')}.`);
    if (input.scopes.length === 0) throw new InvalidScopeError([], 'Give the key at least one scope.');
    const notHeld = input.scopes.filter((s) => !hasScope(owner.scopes, s) && !expandScopes([s]).every((x) => hasScope(owner.scopes, x)));
    if (notHeld.length > 0) throw new InvalidScopeError(notHeld, `You do not hold these scopes, so a key of yours cannot: ${notHeld.join(', ')}.`);
    if (input.expiresAt && input.expiresAt <= now) throw new BadInputError('expiresAt: must be in the future.', 'expiresAt');
    const entries = (input.allowedIps ?? []).map((raw) => ({ raw, parsed: parseAllowEntry(raw) }));
    const bad = entries.filter((e) => !e.parsed).map((e) => e.raw);
    if (bad.length > 0) throw new BadInputError(`allowedIps: not addresses or CIDR ranges: ${bad.join(', ')}.`, 'allowedIps');
    if (entries.length > 100) throw new BadInputError('allowedIps: at most 100 entries.', 'allowedIps');
    const limit = input.rateLimitPerMinute;
    if (limit != null && (!Number.isInteger(limit) || limit < 1 || limit > 1_000_000)) {
      throw new BadInputError('rateLimitPerMinute: a whole number from 1 to 1,000,000.', 'rateLimitPerMinute');
    }
    return { name, allowedIps: entries.map((e) => e.parsed!), scopes: [...new Set(input.scopes)].sort() };
  }

  async function owned(userId: string, id: string) {
    if (!isUuid(id)) throw new NotFoundError('No such API key.');
    const [row] = await db.select().from(apiKeys).where(and(eq(apiKeys.id, id), eq(apiKeys.userId, userId)));
    if (!row || row.revokedAt) throw new NotFoundError('No such API key.');
    return row;
  }

  // Evict on every instance when a key changes (rotated, revoked).
  const evictions = pubsub.listen('apiKeyChanged', (id) => cache.delete(id));
  const dropOwner = (userId: string) => {
    for (const [id, cached] of cache) if (cached.row.userId === userId) cache.delete(id);
  };
  const ownerEvictions = pubsub.listen('apiKeyOwnerChanged', dropOwner);

  async function load(id: string, fresh = false): Promise<Cached | undefined> {
    const hit = cache.get(id);
    if (hit && !fresh && Date.now() - hit.loadedAt < CACHE_TTL_MS) return hit;
    if (!fresh && Date.now() - (missing.get(id) ?? 0) < CACHE_TTL_MS) return undefined;
    const [found] = await db
      .select({ row: apiKeys, ownerRoles: users.roles, ownerDisabledAt: users.disabledAt, ownerMfaSince: mfaTotp.enabledAt })
      .from(apiKeys)
      .innerJoin(users, eq(users.id, apiKeys.userId))
      .leftJoin(mfaTotp, eq(mfaTotp.userId, apiKeys.userId))
      .where(eq(apiKeys.id, id));
    if (!found) {
      cache.delete(id);
      missing.set(id, Date.now());
      return undefined;
    }
    missing.delete(id);
    const entry = {
      row: found.row,
      ownerRoles: found.ownerRoles,
      ownerDisabled: found.ownerDisabledAt !== null,
      ownerMfa: found.ownerMfaSince != null,
      allows: allowlist(found.row.allowedIps),
      loadedAt: Date.now(),
    };
    cache.set(id, entry);
    return entry;
  }

  /** Drops what has gone stale from the in-process maps, so they stay bounded. */
  function prune() {
    const now = Date.now();
    for (const [id, c] of cache) if (now - c.loadedAt > CACHE_TTL_MS) cache.delete(id);
    for (const [id, at] of missing) if (now - at > CACHE_TTL_MS) missing.delete(id);
    for (const [id, at] of lastMismatchReload) if (now - at > CACHE_TTL_MS) lastMismatchReload.delete(id);
    const minute = Math.floor(clock.now().getTime() / 60_000);
    for (const [key, m] of deniedRecorded) if (m < minute) deniedRecorded.delete(key);
  }

  async function flush() {
    prune();
    if (usage.size === 0) return;
    const batch = [...usage.entries()];
    usage.clear();
    for (const [index, [id, u]] of batch.entries()) {
      try {
        await writeUsage(id, u);
      } catch (error) {
        // Put back what was not written, so a failed flush loses no counts.
        for (const [rid, unwritten] of batch.slice(index)) {
          const since = usage.get(rid); // uses counted while this flush ran are newer
          usage.set(rid, since ? { ...since, count: since.count + unwritten.count } : unwritten);
        }
        throw error;
      }
    }
  }

  async function writeUsage(id: string, u: { count: number; lastUsedAt: Date; lastUsedIp: string }) {
    await db
      .update(apiKeys)
      .set({
        useCount: sql`${apiKeys.useCount} + ${u.count}`,
        // Instances flush at different times: keep the address of the newest use.
        lastUsedIp: sql`case when ${apiKeys.lastUsedAt} is null or ${apiKeys.lastUsedAt} <= ${u.lastUsedAt.toISOString()}::timestamptz then ${u.lastUsedIp} else ${apiKeys.lastUsedIp} end`,
        lastUsedAt: sql`greatest(${apiKeys.lastUsedAt}, ${u.lastUsedAt.toISOString()}::timestamptz)`,
      })
      .where(eq(apiKeys.id, id));
  }

  return {
    isPrivileged: (scopes) => scopes.some((s) => s === 'admin' || (ADMIN_ONLY_SCOPES as readonly string[]).includes(s)),

    async create(owner, input, meta) {
      const now = clock.now();
      const valid = validate(owner, input, now);
      const id = randomUUID();
      const secret = newSecret();
      const apiKey = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(apiKeys)
          .values({
            id,
            userId: owner.userId,
            name: valid.name,
            lastFour: secret.slice(-4),
            secretHash: sha256(secret),
            scopes: valid.scopes,
            allowedIps: valid.allowedIps,
            rateLimitPerMinute: input.rateLimitPerMinute ?? null,
            createdAt: now,
            expiresAt: input.expiresAt ?? null,
          })
          .returning();
        await audit.record(tx, { ...meta, action: 'API_KEY_CREATED', userId: owner.userId, apiKeyId: id, details: { name: valid.name, scopes: valid.scopes, expiresAt: input.expiresAt ?? null } });
        return row!;
      });
      return { apiKey, secret: format(id, secret) };
    },

    list: (userId) => db.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(desc(apiKeys.createdAt)),

    async rotate(userId, id, graceSeconds, meta) {
      if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > 7 * 86400) {
        throw new BadInputError('gracePeriodSeconds: a whole number from 0 to 604800 (7 days).', 'gracePeriodSeconds');
      }
      const now = clock.now();
      const current = await owned(userId, id);
      const secret = newSecret();
      const apiKey = await db.transaction(async (tx) => {
        const [row] = await tx
          .update(apiKeys)
          .set({ secretHash: sha256(secret), lastFour: secret.slice(-4), previousSecretHash: current.secretHash, previousValidUntil: addSeconds(now, graceSeconds) })
          .where(eq(apiKeys.id, id))
          .returning();
        await audit.record(tx, { ...meta, action: 'API_KEY_ROTATED', userId, apiKeyId: id, details: { gracePeriodSeconds: graceSeconds } });
        afterCommit(tx, () => changed(id));
        return row!;
      });
      return { apiKey, secret: format(id, secret) };
    },

    async revoke(userId, id, meta) {
      await owned(userId, id);
      const now = clock.now();
      const row = await db.transaction(async (tx) => {
        const [updated] = await tx.update(apiKeys).set({ revokedAt: now }).where(eq(apiKeys.id, id)).returning();
        await audit.record(tx, { ...meta, action: 'API_KEY_REVOKED', userId, apiKeyId: id });
        return updated!;
      });
      await markRevoked([id]);
      return row;
    },

    async revokeAllForUser(tx, userId, reason, meta) {
      const now = clock.now();
      const revoked = await tx
        .update(apiKeys)
        .set({ revokedAt: now })
        .where(and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
        .returning({ id: apiKeys.id });
      const ids = revoked.map((r) => r.id);
      for (const id of ids) await audit.record(tx, { ...meta, action: 'API_KEY_REVOKED', userId, apiKeyId: id, details: { reason } });
      if (ids.length === 0) return { count: 0, effective: () => Promise.resolve() };
      // Started at commit (never for a rollback); the same instance drops its cached rows at once.
      let written: Promise<void> | undefined;
      afterCommit(tx, () => {
        written = markRevoked(ids);
        written.catch(() => {});
      });
      return { count: ids.length, effective: () => written ?? Promise.resolve() };
    },

    async authenticate(raw, ip) {
      const now = clock.now();
      const m = KEY_SHAPE.exec(raw);
      if (!m) throw unauthenticated('The API key is malformed.', 'INVALID_API_KEY');
      const id = `${m[1]!.slice(0, 8)}-${m[1]!.slice(8, 12)}-${m[1]!.slice(12, 16)}-${m[1]!.slice(16, 20)}-${m[1]!.slice(20)}`;
      const hash = sha256(m[2]!);
      const matches = (c: Cached | undefined) =>
        !!c &&
        (safeEqual(hash, c.row.secretHash) ||
          (!!c.row.previousSecretHash && !!c.row.previousValidUntil && c.row.previousValidUntil > now && safeEqual(hash, c.row.previousSecretHash)));
      let entry = await load(id);
      // Maybe a stale cached row (rotated a moment ago, eviction still in flight): read it again,
      // at most every RELOAD_COOLDOWN_MS per key so wrong secrets cannot hammer the database.
      if (entry && !matches(entry) && Date.now() - (lastMismatchReload.get(id) ?? 0) > RELOAD_COOLDOWN_MS) {
        lastMismatchReload.set(id, Date.now());
        entry = await load(id, true);
      }
      if (!entry) throw unauthenticated('The API key is not valid.', 'INVALID_API_KEY');
      const row = entry.row;
      if (!matches(entry)) {
        await refused(row, ip, 'invalid_secret');
        throw unauthenticated('The API key is not valid.', 'INVALID_API_KEY');
      }
      if (row.revokedAt || entry.ownerDisabled) {
        await refused(row, ip, 'revoked');
        throw unauthenticated('The API key has been revoked.', 'API_KEY_REVOKED');
      }
      if (row.expiresAt && row.expiresAt <= now) {
        await refused(row, ip, 'expired');
        throw unauthenticated('The API key has expired.', 'API_KEY_EXPIRED');
      }

      if (!entry.allows(ip)) {
        await refused(row, ip, 'ip_not_allowed');
        throw new GraphQLError('This API key may not be used from this address.', { extensions: { code: 'FORBIDDEN', reason: 'IP_NOT_ALLOWED' } });
      }

      const minute = Math.floor(now.getTime() / 60_000);
      const keys = [revokedKey(row.id), liveRolesKey(row.userId), deps.revocation.epochKey];
      const { values, count } = row.rateLimitPerMinute
        ? await kv.mgetAndCount(keys, { key: `rate:apikey:${row.id}:${minute}`, ttl: 60 })
        : { values: await kv.mget(keys), count: 0 };
      deps.revocation.assertIntact(values[2] ?? null);
      if (values[0] != null) {
        await refused(row, ip, 'revoked');
        throw unauthenticated('The API key has been revoked.', 'API_KEY_REVOKED');
      }
      if (row.rateLimitPerMinute && count > row.rateLimitPerMinute) {
        await refused(row, ip, 'rate_limited');
        const retryAfterSeconds = 60 - (Math.floor(now.getTime() / 1000) % 60);
        throw new GraphQLError(`This API key allows ${row.rateLimitPerMinute} requests a minute.`, {
          extensions: { code: 'RATE_LIMITED', retryAfterSeconds, http: { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } } },
        });
      }

      // Intersected at every use: an owner who loses a scope loses it on their keys at once.
      const ownerRoles = values[1] ? (JSON.parse(values[1]) as string[]) : entry.ownerRoles;
      const ownerScopes = deps.scopesFor(ownerRoles, { mfaVerified: entry.ownerMfa });
      const scopes = expandScopes(row.scopes).filter((s) => hasScope(ownerScopes, s));

      const used = usage.get(row.id);
      usage.set(row.id, { count: (used?.count ?? 0) + 1, lastUsedAt: now, lastUsedIp: ip });
      return { kind: 'apiKey', userId: row.userId, apiKeyId: row.id, scopes };
    },

    ownerChanged(userId) {
      dropOwner(userId);
      pubsub.publish('apiKeyOwnerChanged', userId);
    },

    async revocationMarkers(now) {
      const since = new Date(now.getTime() - REVOKED_MARKER_TTL * 1000);
      const rows = await db
        .select({ id: apiKeys.id, revokedAt: apiKeys.revokedAt })
        .from(apiKeys)
        .where(and(isNotNull(apiKeys.revokedAt), gt(apiKeys.revokedAt, since)));
      return rows.map((r) => ({ key: revokedKey(r.id), value: '1', ttl: REVOKED_MARKER_TTL - (now.getTime() - r.revokedAt!.getTime()) / 1000 }));
    },

    flushUsage: flush,

    start() {
      flushTimer = setInterval(() => void flush().catch(() => {}), FLUSH_INTERVAL_MS);
      flushTimer.unref();
    },

    async stop() {
      if (flushTimer) clearInterval(flushTimer);
      await Promise.all([evictions.stop(), ownerEvictions.stop()]);
      await flush().catch(() => {});
    },
  };
}
