/**
 * A resource server must be able to verify our access tokens from the JWKS alone. This test is
 * that resource server: it checks the signature with node:crypto (not jose, which the service
 * uses) and every claim by hand.
 */
import { execFile } from 'node:child_process';
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { Me } from '../support/operations';
import { signIn, signUp } from '../support/users';

const run = promisify(execFile);

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

interface Jwk {
  kty: string;
  crv: string;
  x: string;
  kid: string;
  alg: string;
  use: string;
  d?: string;
}
const jwks = async (a: TestApp) => (await (await fetch(`${a.url}/.well-known/jwks.json`)).json()) as { keys: Jwk[] };

function independentVerify(token: string, keys: Jwk[]) {
  const [h, p, s] = token.split('.');
  const header = JSON.parse(Buffer.from(h!, 'base64url').toString());
  const jwk = keys.find((k) => k.kid === header.kid);
  if (!jwk) throw new Error('kid not in JWKS');
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' });
  const valid = verifySignature(null, Buffer.from(`${h}.${p}`), key, Buffer.from(s!, 'base64url'));
  return { valid, header, claims: JSON.parse(Buffer.from(p!, 'base64url').toString()) };
}

describe('access tokens', () => {
  it('verify against the JWKS alone, with every RFC 9068 claim as the contract says', async () => {
    const s = await signUp(app);
    const { keys } = await jwks(app);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(keys[0]!.d).toBeUndefined();

    const { valid, header, claims } = independentVerify(s.accessToken, keys);
    expect(valid).toBe(true);
    expect(header).toEqual({ alg: 'EdDSA', typ: 'at+jwt', kid: keys[0]!.kid });
    const now = Math.floor(app.clock.now().getTime() / 1000);
    expect(claims).toEqual({
      iss: 'http://idp.test',
      aud: 'http://idp.test',
      sub: s.user.id,
      sid: s.session.id,
      scope: 'apikeys:read apikeys:write audit:read mfa:write profile:read profile:write sessions:read sessions:write',
      amr: ['pwd'],
      auth_time: now,
      iat: now,
      exp: now + 15 * 60,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const again = independentVerify((await signIn(app, s.email)).accessToken, keys);
    expect(again.claims.jti).not.toBe(claims.jti);
  });

  it('keys:rotate publishes a new key first, signs with it later, and keeps the old one until its tokens expired', async () => {
    // The command runs on the real clock; this app's clock started at real time and has not moved.
    const before = await signUp(app);
    const oldKid = (await jwks(app)).keys[0]!.kid;

    // The real command, as an operator runs it, against this test's database.
    const { stdout } = await run('npx', ['tsx', 'src/scripts/keys-rotate.ts'], { env: { ...process.env, ...envOf(app) }, timeout: 60_000 });
    const newKid = /new signing key (\S+):/.exec(stdout)?.[1];
    expect(newKid).toBeTruthy();
    // It says when running instances pick the key up (their next reload), not "now".
    expect(stdout).not.toMatch(/published in the JWKS now/);
    expect(stdout).toMatch(/running instances publish it in their JWKS within 60 s/);

    // Every instance reloads the key set at least once a minute (this one does so now).
    await app.services.keys.reload();
    expect((await jwks(app)).keys.map((k) => k.kid).sort()).toEqual([oldKid, newKid].sort());
    // Published, but not signing yet: instances that have not loaded it yet must never see it.
    expect(independentVerify((await signIn(app, before.email)).accessToken, (await jwks(app)).keys).header.kid).toBe(oldKid);

    app.clock.advance(2 * 60 + 60); // the command itself took a few real seconds to start
    const after = await signIn(app, before.email);
    expect(independentVerify(after.accessToken, (await jwks(app)).keys).header.kid).toBe(newKid);

    // Both tokens are accepted.
    expect((await app.gql(Me, undefined, { token: before.accessToken })).data.me?.id).toBe(before.user.id);
    expect((await app.gql(Me, undefined, { token: after.accessToken })).data.me?.id).toBe(before.user.id);

    // Once every token the old key signed has expired, it leaves the JWKS.
    app.clock.advance(15 * 60);
    expect((await jwks(app)).keys.map((k) => k.kid)).toEqual([newKid]);
  });

  it('an instance that has not loaded a kid yet reloads once, throttled, and then accepts it', async () => {
    const other = await startTestApp({}, app.backing);
    try {
      // An emergency-style situation: a key signs before `other` has loaded it.
      const { kid } = await app.services.keys.rotate();
      app.clock.advance(2 * 60 + 1);
      const s = await signUp(app);
      expect(JSON.parse(Buffer.from(s.accessToken.split('.')[0]!, 'base64url').toString()).kid).toBe(kid);
      expect((await other.gql(Me, undefined, { token: s.accessToken })).data.me?.id).toBe(s.user.id);
      // A made-up kid is refused and cannot make it query the database again within the cooldown.
      const forged = `${Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'at+jwt', kid: 'nope' })).toString('base64url')}.${s.accessToken.split('.')[1]}.${s.accessToken.split('.')[2]}`;
      expect((await other.gql(Me, undefined, { token: forged })).errors?.[0]?.extensions?.reason).toBe('INVALID_TOKEN');
    } finally {
      await other.close();
    }
  });

  it('stores signing keys sealed: the private key is not readable from the database', async () => {
    const rows = (await app.deps.database.db.execute('select public_jwk, private_key_sealed from signing_keys' as never)) as unknown as {
      public_jwk: Jwk;
      private_key_sealed: string;
    }[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.public_jwk.d).toBeUndefined();
      expect(row.private_key_sealed).toMatch(/^v1\./);
      expect(row.private_key_sealed).not.toContain('"d"');
      expect(Buffer.from(row.private_key_sealed.split('.')[2]!, 'base64url').toString('utf8')).not.toContain('"d"');
      // And it opens only with the key and the kid it was sealed for.
      const kid = (row.public_jwk as Jwk & { kid?: string }).kid;
      expect(() => app.deps.sealer.open(row.private_key_sealed, 'signing-key:another-kid')).toThrow();
      void kid;
    }
  });
});

function envOf(a: TestApp): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: a.backing.databaseUrl,
    ENCRYPTION_KEY: a.backing.encryptionKey,
    REDIS_URL: '',
    DATA_DIR: '/tmp/idp-unused',
  };
}
