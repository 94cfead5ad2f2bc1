// Threat: the one-statement rotation (sessions.rotation.ts) is weaker than the transaction it
// replaced: two racing rotations both win, a token of an ended session gets spent (or minted a
// successor), a revocation racing a rotation loses, a disabled user keeps refreshing, or the idle
// expiry slides past the absolute one. Races are made certain, not likely: the session row is
// held locked while the rotations queue behind it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/client';
import type { Db } from '../../src/db/client';
import { prepareRotation } from '../../src/modules/sessions/sessions.rotation';
import { refreshTokens, sessions } from '../../src/modules/sessions/sessions.table';
import { users } from '../../src/modules/users/users.table';
import { sha256 } from '../../src/lib/tokens';
import { startTestApp, type TestApp } from '../support/app';
import { Rotate } from '../support/operations';
import { signUp } from '../support/users';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const db = () => app.deps.database.db;
const rotate = (refreshToken: string) => app.gql(Rotate, { input: { refreshToken } }).then((r) => r.data.rotateRefresh);
const tokensOf = (sessionId: string) => db().select().from(refreshTokens).where(eq(refreshTokens.sessionId, sessionId));
const sessionRow = async (sessionId: string) => (await db().select().from(sessions).where(eq(sessions.id, sessionId)))[0]!;

/** Waits until `n` backends of this database wait for a row lock. */
async function lockWaiters(n: number) {
  for (let i = 0; i < 200; i++) {
    const rows = (await db().execute(
      sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
    )) as unknown as { n: number }[];
    if (rows[0]!.n >= n) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never saw ${n} rotations waiting for the session lock`);
}

/** Runs `during` while the session row is locked by another transaction, then `then` in it before commit. */
async function withSessionLocked<T>(sessionId: string, during: () => Promise<T>[], waiters: number, then?: (tx: Db) => Promise<unknown>): Promise<T[]> {
  let pending: Promise<T>[] = [];
  await db().transaction(async (tx) => {
    await tx.select({ id: sessions.id }).from(sessions).where(eq(sessions.id, sessionId)).for('update');
    pending = during();
    await lockWaiters(waiters);
    await then?.(tx as unknown as Db);
  });
  return Promise.all(pending);
}

describe('rotation in one statement', () => {
  it('of two rotations of one token in flight at once, exactly one gets an AuthPayload and one successor exists', async () => {
    const s = await signUp(app);
    const results = await withSessionLocked(s.session.id, () => [rotate(s.refreshToken), rotate(s.refreshToken)], 2);
    expect(results.filter((r) => r.__typename === 'AuthPayload')).toHaveLength(1);
    // The loser presented a spent token: reuse, as before (the session ends).
    expect(results.filter((r) => r.__typename === 'RefreshTokenReusedError')).toHaveLength(1);
    expect(await tokensOf(s.session.id)).toHaveLength(2);
  });

  it('a revocation committed while the rotation waits wins: nothing is spent, no successor', async () => {
    const s = await signUp(app);
    const [result] = await withSessionLocked(s.session.id, () => [rotate(s.refreshToken)], 1, (tx) =>
      tx.update(sessions).set({ revokedAt: app.clock.now(), revokedReason: 'revoked' }).where(eq(sessions.id, s.session.id)),
    );
    expect(result).toMatchObject({ __typename: 'InvalidRefreshTokenError' });
    const tokens = await tokensOf(s.session.id);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.spentAt).toBeNull();
  });

  it('a token of a revoked session spends nothing', async () => {
    const s = await signUp(app);
    await db().update(sessions).set({ revokedAt: app.clock.now(), revokedReason: 'revoked' }).where(eq(sessions.id, s.session.id));
    expect(await rotate(s.refreshToken)).toMatchObject({ __typename: 'InvalidRefreshTokenError' });
    const tokens = await tokensOf(s.session.id);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.spentAt).toBeNull();
  });

  it('a live token of an idle-expired session spends nothing', async () => {
    const s = await signUp(app);
    // The session's idle limit passes while its token (7 days) is still unexpired.
    await db().update(sessions).set({ idleExpiresAt: new Date(app.clock.now().getTime() + 60_000) }).where(eq(sessions.id, s.session.id));
    app.clock.advance(61);
    expect(await rotate(s.refreshToken)).toMatchObject({ __typename: 'InvalidRefreshTokenError' });
    const tokens = await tokensOf(s.session.id);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.spentAt).toBeNull();
    expect((await sessionRow(s.session.id)).lastActiveAt.getTime()).toBeLessThan(app.clock.now().getTime());
  });

  it('a disabled user: refused, and the session ends', async () => {
    const s = await signUp(app);
    await db().update(users).set({ disabledAt: app.clock.now() }).where(eq(users.id, s.user.id));
    expect(await rotate(s.refreshToken)).toMatchObject({ __typename: 'InvalidRefreshTokenError' });
    expect((await sessionRow(s.session.id)).revokedAt).not.toBeNull();
  });

  it('returns the current user row with the payload', async () => {
    const s = await signUp(app);
    await db().update(users).set({ displayName: 'Renamed' }).where(eq(users.id, s.user.id));
    const res = await app.gql<{ rotateRefresh: { __typename: string; user?: { id: string; email: string; displayName: string } } }, unknown>(
      'mutation R($input: RotateRefreshInput) { rotateRefresh(input: $input) { __typename ... on AuthPayload { user { id email displayName } } } }',
      { input: { refreshToken: s.refreshToken } },
    );
    expect(res.data.rotateRefresh).toEqual({ __typename: 'AuthPayload', user: { id: s.user.id, email: s.email, displayName: 'Renamed' } });
  });

  it('caps the idle expiry and the successor at the absolute expiry, and records address and agent', async () => {
    const s = await signUp(app);
    const end = (await sessionRow(s.session.id)).expiresAt.getTime();
    // As if refreshed every few days until 5 minutes before the absolute end.
    await db().update(sessions).set({ idleExpiresAt: new Date(end) }).where(eq(sessions.id, s.session.id));
    await db().update(refreshTokens).set({ expiresAt: new Date(end) }).where(eq(refreshTokens.sessionId, s.session.id));
    app.clock.set(new Date(end - 5 * 60_000));
    const res = await app.gql(Rotate, { input: { refreshToken: s.refreshToken } }, { headers: { 'user-agent': 'later-agent' } });
    expect(res.data.rotateRefresh.__typename).toBe('AuthPayload');
    const row = await sessionRow(s.session.id);
    expect(row.idleExpiresAt.getTime()).toBe(end);
    expect(row.lastActiveAt.getTime()).toBe(app.clock.now().getTime());
    expect(row.userAgent).toBe('later-agent');
    const successor = (await tokensOf(s.session.id)).find((t) => !t.spentAt)!;
    expect(successor.expiresAt.getTime()).toBe(end);
    const spent = (await tokensOf(s.session.id)).find((t) => t.spentAt)!;
    expect(spent.replacedById).toBe(successor.id);
  });
});

describe('rotation statement on the embedded database (PGlite)', () => {
  let dir: string;
  let close: () => Promise<void>;
  let pglite: Db;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'rotation-pglite-'));
    const database = await createDatabase({ dataDir: dir });
    await database.migrate();
    pglite = database.db;
    close = database.close;
  }, 60_000);
  afterAll(async () => {
    await close?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('spends once, inserts the successor and returns the session and the user', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const [userId, sessionId] = [randomUUID(), randomUUID()];
    const day = 86400_000;
    await pglite.insert(users).values({ id: userId, email: 'pglite@example.com', passwordHash: 'x', createdAt: now, updatedAt: now });
    await pglite.insert(sessions).values({
      id: sessionId, userId, createdAt: now, lastActiveAt: now, authenticatedAt: now, amr: ['pwd'],
      idleExpiresAt: new Date(now.getTime() + 7 * day), expiresAt: new Date(now.getTime() + 30 * day),
    });
    await pglite.insert(refreshTokens).values({ id: randomUUID(), sessionId, tokenHash: sha256('rt_a'), createdAt: now, expiresAt: new Date(now.getTime() + 7 * day) });
    const rotateLive = prepareRotation(pglite);
    const later = new Date(now.getTime() + day);
    const input = { tokenHash: sha256('rt_a'), successorId: randomUUID(), successorHash: sha256('rt_b'), now: later, idleUntil: new Date(later.getTime() + 7 * day), ip: '10.0.0.1', userAgent: null };
    const rotated = await rotateLive(input);
    expect(rotated?.session).toMatchObject({ id: sessionId, lastActiveAt: later, idleExpiresAt: input.idleUntil, ipAddress: '10.0.0.1', amr: ['pwd'] });
    expect(rotated?.user).toMatchObject({ id: userId, email: 'pglite@example.com', roles: ['USER'], disabledAt: null });
    expect(rotated?.successorExpiresAt).toEqual(input.idleUntil);
    expect(await rotateLive({ ...input, successorId: randomUUID() })).toBeUndefined();
    expect(await pglite.select().from(refreshTokens).where(eq(refreshTokens.sessionId, sessionId))).toHaveLength(2);
  });
});
