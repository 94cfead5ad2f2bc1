/**
 * Access-token signing keys (Ed25519). A key is made at first start and kept in the database,
 * its private half sealed with ENCRYPTION_KEY (the kid bound in as associated data), so every
 * instance signs with the same key and a database dump alone cannot mint tokens.
 *
 * Rotation (`npm run keys:rotate`) stores a new key at once, which every instance loads and
 * publishes within a minute, but lets it sign only after ACTIVATION_DELAY, by which time every
 * instance has reloaded the set and every JWKS cache (JWKS_MAX_AGE) has expired: publish first,
 * sign later, and no instance or resource server ever sees a kid it does not know. The old key signs until then and stays in the JWKS until every token it signed has
 * expired (verifyUntil). An unknown kid also triggers a reload, throttled in clock time, so
 * random kids cannot turn token checks into database queries.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { desc, gt, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { Clock } from '../../lib/clock';
import { addSeconds } from '../../lib/clock';
import type { Sealer } from '../../lib/crypto';
import type { AuditService } from '../audit/audit.service';
import { signingKeys } from './keys.table';

export const ACCESS_TOKEN_ALG = 'EdDSA';
/** How often every instance reloads the key set: a rotation reaches all of them within this. */
export const RELOAD_INTERVAL_SECONDS = 60;
const RELOAD_INTERVAL_MS = RELOAD_INTERVAL_SECONDS * 1000;
const UNKNOWN_KID_RELOAD_COOLDOWN_MS = 10_000;
/** Two reload intervals: every running instance has loaded a new key before it signs. */
export const ACTIVATION_DELAY_SECONDS = 2 * RELOAD_INTERVAL_SECONDS;
/**
 * How long a resource server may cache the JWKS. An instance may still serve the old set for up
 * to one reload interval after a rotation, and a cache keeps that copy for max-age more: the sum
 * must not exceed the activation delay, or a resource server would meet a kid it cannot know.
 */
export const JWKS_MAX_AGE_SECONDS = ACTIVATION_DELAY_SECONDS - RELOAD_INTERVAL_SECONDS;

interface LoadedKey {
  kid: string;
  publicJwk: JWK;
  verifyKey: CryptoKey;
  signKey: CryptoKey | undefined;
  activatesAt: Date;
  retiredAt: Date | null;
  verifyUntil: Date | null;
}

export interface KeyService {
  /** Creates the first key when none is active. Safe to call from several instances at once. */
  ensureKey(): Promise<void>;
  /** Publishes a new key that takes over signing after ACTIVATION_DELAY_SECONDS. */
  rotate(): Promise<{ kid: string; activatesAt: Date }>;
  reload(): Promise<void>;
  signingKey(): { kid: string; key: CryptoKey };
  verificationKey(kid: string): Promise<CryptoKey | undefined>;
  /** Whether `kid` is in the live key set now (no reload): a token it verified still stands. */
  canVerify(kid: string): boolean;
  jwks(): { keys: JWK[] };
  start(): void;
  stop(): void;
}

export function createKeyService(deps: { db: Db; sealer: Sealer; clock: Clock; audit: AuditService; accessTokenTtl: number }): KeyService {
  const { db, sealer, clock } = deps;
  let loaded: LoadedKey[] = [];
  let lastReload = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;

  async function createKey(now: Date, activatesAt: Date) {
    const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, { crv: 'Ed25519', extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = await exportJWK(privateKey);
    return {
      kid,
      alg: ACCESS_TOKEN_ALG,
      publicJwk: publicJwk as Record<string, string>,
      privateKeySealed: sealer.seal(JSON.stringify(privateJwk), `signing-key:${kid}`),
      createdAt: now,
      activatesAt,
    };
  }

  async function reload() {
    const now = clock.now();
    lastReload = now.getTime();
    const rows = await db
      .select()
      .from(signingKeys)
      .where(or(isNull(signingKeys.verifyUntil), gt(signingKeys.verifyUntil, now)))
      .orderBy(desc(signingKeys.createdAt));
    const next: LoadedKey[] = [];
    for (const row of rows) {
      const known = loaded.find((k) => k.kid === row.kid);
      const maySign = row.retiredAt === null || row.retiredAt > now;
      let signKey = known?.signKey;
      if (maySign && !signKey) {
        const jwk = JSON.parse(sealer.open(row.privateKeySealed, `signing-key:${row.kid}`).toString('utf8')) as JWK;
        signKey = (await importJWK(jwk, ACCESS_TOKEN_ALG)) as CryptoKey;
      }
      next.push({
        kid: row.kid,
        publicJwk: { ...row.publicJwk, kid: row.kid, alg: ACCESS_TOKEN_ALG, use: 'sig' } as JWK,
        verifyKey: known?.verifyKey ?? ((await importJWK(row.publicJwk as JWK, ACCESS_TOKEN_ALG)) as CryptoKey),
        signKey: maySign ? signKey : undefined,
        activatesAt: row.activatesAt,
        retiredAt: row.retiredAt,
        verifyUntil: row.verifyUntil,
      });
    }
    loaded = next;
  }

  const live = () => {
    const now = clock.now();
    return loaded.filter((k) => k.verifyUntil === null || k.verifyUntil > now);
  };

  return {
    async ensureKey() {
      await db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(727002)`);
        const [active] = await tx.select({ kid: signingKeys.kid }).from(signingKeys).where(isNull(signingKeys.retiredAt)).limit(1);
        if (!active) await tx.insert(signingKeys).values(await createKey(clock.now(), clock.now()));
      });
      await reload();
    },
    async rotate() {
      const now = clock.now();
      const activatesAt = addSeconds(now, ACTIVATION_DELAY_SECONDS);
      const fresh = await createKey(now, activatesAt);
      await db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(727002)`);
        // Tokens the old key signs up to the hand-over live accessTokenTtl longer.
        await tx
          .update(signingKeys)
          .set({ retiredAt: activatesAt, verifyUntil: addSeconds(activatesAt, deps.accessTokenTtl) })
          .where(isNull(signingKeys.retiredAt));
        await tx.insert(signingKeys).values(fresh);
        await deps.audit.record(tx, { action: 'SIGNING_KEY_ROTATED', details: { kid: fresh.kid, activatesAt } });
      });
      await reload();
      return { kid: fresh.kid, activatesAt };
    },
    reload,
    signingKey() {
      const now = clock.now();
      // The newest key that has activated and not yet handed over (loaded is newest first).
      const current = loaded.find((k) => k.signKey && k.activatesAt <= now && (k.retiredAt === null || k.retiredAt > now));
      if (!current?.signKey) throw new Error('no signing key loaded (ensureKey() not called?)');
      return { kid: current.kid, key: current.signKey };
    },
    async verificationKey(kid) {
      let key = live().find((k) => k.kid === kid);
      if (!key && clock.now().getTime() - lastReload > UNKNOWN_KID_RELOAD_COOLDOWN_MS) {
        await reload();
        key = live().find((k) => k.kid === kid);
      }
      return key?.verifyKey;
    },
    canVerify: (kid) => live().some((k) => k.kid === kid),
    jwks: () => ({ keys: live().map((k) => k.publicJwk) }),
    start() {
      timer = setInterval(() => void reload().catch(() => {}), RELOAD_INTERVAL_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
