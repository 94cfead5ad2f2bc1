import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import argon2 from 'argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { Login, Logout, Me, Register } from '../support/operations';
import { PASSWORD, signIn, signUp, uniqueEmail } from '../support/users';

const run = promisify(execFile);

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ BOOTSTRAP_ADMIN_EMAIL: 'Root@Example.com', BOOTSTRAP_ADMIN_PASSWORD: 'bootstrap admin password 1' });
});
afterAll(() => app.close());

describe('register', () => {
  it('creates a normalised account, signs it in, and me returns it', async () => {
    const email = uniqueEmail('Mixed.Case');
    const res = await app.gql(Register, { input: { email: `  ${email.toUpperCase()} `, password: PASSWORD, displayName: ' Ada ' } });
    const r = res.data.register;
    expect(r.__typename).toBe('AuthPayload');
    if (r.__typename !== 'AuthPayload') return;
    expect(r.user.email).toBe(email.toLowerCase());
    expect(r.user.displayName).toBe('Ada');
    expect(r.user.roles).toEqual(['USER']);
    expect(r.user.scopes).toEqual([
      'apikeys:read', 'apikeys:write', 'audit:read', 'mfa:write', 'profile:read', 'profile:write', 'sessions:read', 'sessions:write',
    ]);
    expect(r.session.current).toBe(true);
    expect(r.refreshToken).toMatch(/^rt_[A-Za-z0-9_-]{43}$/);

    const me = await app.gql(Me, undefined, { token: r.accessToken });
    expect(me.data.me).toMatchObject({ id: r.user.id, email: email.toLowerCase(), emailVerified: false });
  });

  it('treats NFC and NFD spellings of an address as the same account', async () => {
    const nfc = `jos\u00e9.${Date.now()}@example.com`;
    await signUp(app, { email: nfc });
    const res = await app.gql(Register, { input: { email: nfc.normalize('NFD'), password: PASSWORD } });
    expect(res.data.register).toMatchObject({ __typename: 'EmailTakenError', code: 'EMAIL_TAKEN' });
  });

  it('refuses a taken e-mail with EmailTakenError and creates nothing', async () => {
    const { email } = await signUp(app);
    const res = await app.gql(Register, { input: { email, password: 'a different long password' } });
    expect(res.data.register).toMatchObject({ __typename: 'EmailTakenError', code: 'EMAIL_TAKEN' });
    // The original password still works: nothing was overwritten.
    expect((await signIn(app, email)).user.email).toBe(email);
  });

  it('refuses short and over-long passwords with reasons, before creating anything', async () => {
    const email = uniqueEmail();
    const short = await app.gql(Register, { input: { email, password: 'short' } });
    expect(short.data.register).toMatchObject({ __typename: 'WeakPasswordError', code: 'WEAK_PASSWORD', reasons: ['Use at least 15 characters (this one has 5).'] });
    const long = await app.gql(Register, { input: { email, password: 'x'.repeat(1025) } });
    expect(long.data.register).toMatchObject({ __typename: 'WeakPasswordError', reasons: expect.arrayContaining(['Use at most 1024 characters (this one has 1025).']) });
    // Still free: the failed attempts created no account.
    await expect(signUp(app, { email })).resolves.toMatchObject({ email });
  });

  it('counts characters, not bytes: 15 emoji are a valid password', async () => {
    const { email } = await signUp(app, { password: '🦊🌵🎺🐙🍉🚲🧭🪁🎻🦉🌋🧩🥨🛶🪐' });
    expect((await signIn(app, email, '🦊🌵🎺🐙🍉🚲🧭🪁🎻🦉🌋🧩🥨🛶🪐')).user.email).toBe(email);
  });
});

describe('login', () => {
  it('gives the identical answer for an unknown e-mail and a wrong password', async () => {
    const { email } = await signUp(app);
    const wrong = await app.gql(Login, { input: { email, password: 'not the password at all' } });
    const unknown = await app.gql(Login, { input: { email: uniqueEmail('nobody'), password: 'not the password at all' } });
    expect(wrong.data.login).toEqual({ __typename: 'InvalidCredentialsError', code: 'INVALID_CREDENTIALS', message: 'The e-mail address or password is not correct.' });
    expect(unknown.data.login).toEqual(wrong.data.login);
    expect(unknown.status).toBe(wrong.status);
  });

  it('refuses a password over 1,024 characters without hashing it', async () => {
    const { email } = await signUp(app);
    const res = await app.gql(Login, { input: { email, password: 'p'.repeat(100_000) } });
    expect(res.data.login).toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });

  it('accepts the e-mail however it is cased or padded', async () => {
    const { email } = await signUp(app);
    const res = await app.gql(Login, { input: { email: ` ${email.toUpperCase()}\t`, password: PASSWORD } });
    expect(res.data.login.__typename).toBe('AuthPayload');
  });

  it('re-hashes a password made with older argon2 parameters at the next login', async () => {
    const { email, user } = await signUp(app);
    const weakHash = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await app.services.users.setPasswordHash(user.id, weakHash);
    await signIn(app, email);
    const stored = (await app.services.users.findById(user.id))!.passwordHash;
    expect(stored).not.toBe(weakHash);
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=8192,t=1,p=1\$/); // the suite's configured parameters
    // And with production parameters configured, the next login upgrades it to those.
    const prod = await startTestApp({ ARGON2_MEMORY_KIB: '19456', ARGON2_ITERATIONS: '2' }, app.backing);
    try {
      await signIn(prod, email);
      expect((await prod.services.users.findById(user.id))!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    } finally {
      await prod.close();
    }
  });

  it('answers a disabled account exactly like a wrong password', async () => {
    const { email, user } = await signUp(app);
    await app.deps.database.db.execute(`update users set disabled_at = now() where id = '${user.id}'` as never);
    const res = await app.gql(Login, { input: { email, password: PASSWORD } });
    expect(res.data.login).toEqual({ __typename: 'InvalidCredentialsError', code: 'INVALID_CREDENTIALS', message: 'The e-mail address or password is not correct.' });
  });

  it('signs in the bootstrap admin with admin scopes', async () => {
    const admin = await signIn(app, 'root@example.com', 'bootstrap admin password 1');
    const me = await app.gql(Me, undefined, { token: admin.accessToken });
    expect(me.data.me?.roles).toEqual(['USER', 'ADMIN']);
    expect(me.data.me?.scopes).toEqual(expect.arrayContaining(['users:read', 'users:write', 'audit:read:all', 'alerts:read', 'security:read']));
  });

  it('npm run admin:create makes an admin, and refuses to touch an existing account', async () => {
    const env = { ...process.env, NODE_ENV: 'test', DATABASE_URL: app.backing.databaseUrl, ENCRYPTION_KEY: app.backing.encryptionKey, REDIS_URL: '' };
    const email = uniqueEmail('ops');
    const created = await run('npx', ['tsx', 'src/scripts/admin-create.ts', email], { env: { ...env, ADMIN_PASSWORD: 'an operator chose this one' }, timeout: 60_000 });
    expect(created.stdout).toContain(`admin ${email} created`);
    const admin = await signIn(app, email, 'an operator chose this one');
    expect((await app.gql(Me, undefined, { token: admin.accessToken })).data.me?.roles).toEqual(['USER', 'ADMIN']);

    const { email: existing } = await signUp(app);
    // An existing non-admin is refused (exit 1) with the way to promote it; its password is untouched.
    const again = (await run('npx', ['tsx', 'src/scripts/admin-create.ts', existing], { env: { ...env, ADMIN_PASSWORD: 'would overwrite it' }, timeout: 60_000 }).catch(
      (error: unknown) => error,
    )) as { code?: number; stderr?: string };
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`npm run admin:create -- --promote ${existing}`);
    expect((await signIn(app, existing)).user.email).toBe(existing);
  });

  it('never overwrites an existing bootstrap admin on restart', async () => {
    const again = await startTestApp({ BOOTSTRAP_ADMIN_EMAIL: 'root@example.com', BOOTSTRAP_ADMIN_PASSWORD: 'another password entirely' }, app.backing);
    try {
      const res = await again.gql(Login, { input: { email: 'root@example.com', password: 'another password entirely' } });
      expect(res.data.login.__typename).toBe('InvalidCredentialsError');
      expect((await signIn(again, 'root@example.com', 'bootstrap admin password 1')).user.email).toBe('root@example.com');
    } finally {
      await again.close();
    }
  });
});

describe('me and logout', () => {
  it('me is null without credentials', async () => {
    const res = await app.gql(Me);
    expect(res.data.me).toBeNull();
    expect(res.errors).toBeUndefined();
  });

  it('logout ends the session: its access token is refused on the very next request', async () => {
    const s = await signUp(app);
    expect((await app.gql(Logout, undefined, { token: s.accessToken })).data.logout).toBe(true);
    const me = await app.gql(Me, undefined, { token: s.accessToken });
    expect(me.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SESSION_REVOKED' });
    expect(me.status).toBe(401);
    expect(me.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('logout without a token is UNAUTHENTICATED', async () => {
    const res = await app.gql(Logout);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
