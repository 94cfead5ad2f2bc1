import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { Me, Rotate, Sessions } from '../support/operations';
import { signUp } from '../support/users';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const rotate = (a: TestApp, refreshToken: string) => a.gql(Rotate, { input: { refreshToken } }).then((r) => r.data.rotateRefresh);

describe('rotateRefresh', () => {
  it('returns a new pair, spends the old token, and keeps the same session', async () => {
    const s = await signUp(app);
    app.clock.advance(60);
    const r = await rotate(app, s.refreshToken);
    expect(r.__typename).toBe('AuthPayload');
    if (r.__typename !== 'AuthPayload') return;
    expect(r.refreshToken).not.toBe(s.refreshToken);
    expect(r.accessToken).not.toBe(s.accessToken);
    expect(r.session.id).toBe(s.session.id);
    expect(r.session.current).toBe(true);
    expect(new Date(r.session.lastActiveAt).getTime()).toBe(app.clock.now().getTime());
    const me = await app.gql(Me, undefined, { token: r.accessToken });
    expect(me.data.me?.id).toBe(s.user.id);
  });

  it('stores refresh tokens only as SHA-256 hashes', async () => {
    const s = await signUp(app);
    const rows = await app.deps.database.db.execute<{ token_hash: string }>('select token_hash from refresh_tokens' as never);
    const hashes = (rows as unknown as { token_hash: string }[]).map((r) => r.token_hash);
    expect(hashes.length).toBeGreaterThan(0);
    expect(hashes).not.toContain(s.refreshToken);
    expect(hashes.every((h) => /^[A-Za-z0-9_-]{43}$/.test(h))).toBe(true);
  });

  it('revokes the whole family when a spent token is presented again, access tokens included', async () => {
    const s = await signUp(app);
    const first = await rotate(app, s.refreshToken);
    if (first.__typename !== 'AuthPayload') throw new Error('rotation failed');

    const reuse = await rotate(app, s.refreshToken);
    expect(reuse).toMatchObject({ __typename: 'RefreshTokenReusedError', code: 'REFRESH_TOKEN_REUSED' });

    // The legitimate successor is dead too, and so is its access token, at once.
    expect(await rotate(app, first.refreshToken!)).toMatchObject({ __typename: 'InvalidRefreshTokenError' });
    const me = await app.gql(Me, undefined, { token: first.accessToken });
    expect(me.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SESSION_REVOKED' });
    const other = await signUp(app);
    expect((await app.gql(Sessions, undefined, { token: other.accessToken })).data.sessions.map((x) => x.id)).not.toContain(s.session.id);
  });

  it('lets exactly one of many concurrent rotations of one token win', async () => {
    const s = await signUp(app);
    const results = await Promise.all(Array.from({ length: 8 }, () => rotate(app, s.refreshToken)));
    const winners = results.filter((r) => r.__typename === 'AuthPayload');
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.__typename === 'RefreshTokenReusedError').length).toBeGreaterThanOrEqual(1);
    // The losers' reuse detection ended the session, so no live token exists at all.
    const winner = winners[0] as { refreshToken: string };
    expect((await rotate(app, winner.refreshToken)).__typename).toBe('InvalidRefreshTokenError');
    const live = await app.deps.database.db.execute(
      `select count(*)::int as n from refresh_tokens t join sessions s on s.id = t.session_id where s.id = '${s.session.id}' and t.spent_at is null and s.revoked_at is null` as never,
    );
    expect((live as unknown as { n: number }[])[0]!.n).toBe(0);
  });

  it('refuses unknown, malformed and expired tokens without changing anything', async () => {
    for (const bad of ['', 'rt_', 'rt_' + 'A'.repeat(43), 'garbage', 'x'.repeat(10_000)]) {
      expect(await rotate(app, bad)).toMatchObject({ __typename: 'InvalidRefreshTokenError', code: 'INVALID_REFRESH_TOKEN' });
    }
    const s = await signUp(app);
    app.clock.advance(7 * 86400 + 1); // past the 7-day idle lifetime
    expect(await rotate(app, s.refreshToken)).toMatchObject({ __typename: 'InvalidRefreshTokenError' });
    // An expired token is not "reuse": presenting it again is still just invalid.
    expect(await rotate(app, s.refreshToken)).toMatchObject({ __typename: 'InvalidRefreshTokenError' });
  });

  it('an access token is not a refresh token', async () => {
    const s = await signUp(app);
    expect(await rotate(app, s.accessToken)).toMatchObject({ __typename: 'InvalidRefreshTokenError' });
  });
});

describe('idle and absolute expiry', () => {
  it('slides the idle timeout with use, up to the absolute maximum age', async () => {
    let s = await signUp(app);
    const start = app.clock.now().getTime();
    // Refresh every 6 days: the 7-day idle limit never passes, but 30 days is the hard end.
    for (let day = 6; day <= 24; day += 6) {
      app.clock.advance(6 * 86400);
      const r = await rotate(app, s.refreshToken);
      expect(r.__typename).toBe('AuthPayload');
      if (r.__typename !== 'AuthPayload') return;
      expect(new Date(r.session.expiresAt).getTime()).toBe(Math.min(start + (day + 7) * 86400_000, start + 30 * 86400_000));
      s = { ...s, refreshToken: r.refreshToken!, accessToken: r.accessToken };
    }
    app.clock.advance(6 * 86400); // day 30: absolute maximum reached
    expect(await rotate(app, s.refreshToken)).toMatchObject({ __typename: 'InvalidRefreshTokenError' });
  });

  it('never lets an access token outlive its session', async () => {
    const s = await signUp(app);
    const end = app.clock.now().getTime() + 30 * 86400_000;
    let token = s.refreshToken;
    for (let i = 0; i < 4; i++) {
      app.clock.advance(6 * 86400);
      const r = await rotate(app, token);
      if (r.__typename !== 'AuthPayload') throw new Error('rotation failed');
      token = r.refreshToken!;
    }
    // Day 24 → 5 minutes before the absolute end: the idle window (7 d) is still open.
    app.clock.set(new Date(end - 5 * 60_000));
    const last = await rotate(app, token);
    if (last.__typename !== 'AuthPayload') throw new Error('rotation failed');
    const exp = JSON.parse(Buffer.from(last.accessToken.split('.')[1]!, 'base64url').toString()).exp * 1000;
    expect(exp).toBe(end); // not now + 15 min
    expect(new Date(last.refreshTokenExpiresAt).getTime()).toBe(end);
  });

  it('an idle session stops: its access tokens expire and the refresh token is refused', async () => {
    const s = await signUp(app);
    app.clock.advance(15 * 60 + 1);
    const me = await app.gql(Me, undefined, { token: s.accessToken });
    expect(me.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' });
    app.clock.advance(7 * 86400);
    expect(await rotate(app, s.refreshToken)).toMatchObject({ __typename: 'InvalidRefreshTokenError' });
  });
});

describe('REFRESH_REUSE_GRACE', () => {
  let graced: TestApp;
  beforeAll(async () => {
    graced = await startTestApp({ REFRESH_REUSE_GRACE: '5s' });
  });
  afterAll(() => graced.close());

  it('gives the same successor to the immediately previous token within the grace period', async () => {
    const s = await signUp(graced);
    const a = await rotate(graced, s.refreshToken);
    graced.clock.advance(3);
    const b = await rotate(graced, s.refreshToken);
    expect(a.__typename).toBe('AuthPayload');
    expect(b.__typename).toBe('AuthPayload');
    if (a.__typename !== 'AuthPayload' || b.__typename !== 'AuthPayload') return;
    expect(b.refreshToken).toBe(a.refreshToken);
    expect(b.session.id).toBe(a.session.id);
    // Still exactly one live token, and it works.
    expect((await rotate(graced, a.refreshToken!)).__typename).toBe('AuthPayload');
  });

  it('treats the previous token as reuse once the grace has passed', async () => {
    const s = await signUp(graced);
    await rotate(graced, s.refreshToken);
    graced.clock.advance(6);
    expect(await rotate(graced, s.refreshToken)).toMatchObject({ __typename: 'RefreshTokenReusedError' });
  });

  it('never honours an older token than the immediately previous one', async () => {
    const s = await signUp(graced);
    const a = await rotate(graced, s.refreshToken);
    if (a.__typename !== 'AuthPayload') throw new Error('rotation failed');
    const b = await rotate(graced, a.refreshToken!);
    expect(b.__typename).toBe('AuthPayload');
    // s.refreshToken is two generations old (its successor a was spent): reuse, within the grace.
    expect(await rotate(graced, s.refreshToken)).toMatchObject({ __typename: 'RefreshTokenReusedError' });
  });

  it('lets concurrent rotations of one token all get the same single successor', async () => {
    const s = await signUp(graced);
    const results = await Promise.all(Array.from({ length: 6 }, () => rotate(graced, s.refreshToken)));
    const tokens = new Set(results.map((r) => (r.__typename === 'AuthPayload' ? r.refreshToken : r.__typename)));
    expect([...tokens]).toHaveLength(1);
    expect([...tokens][0]).toMatch(/^rt_/);
  });
});
