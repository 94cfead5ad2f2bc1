import { Login, Register } from './operations';
import type { TestApp } from './app';

export const PASSWORD = 'correct horse battery staple';
let n = 0;
export const uniqueEmail = (label = 'user') => `${label}.${process.pid}.${Date.now()}.${n++}@example.com`;

/** Registers a user and returns the first session's tokens (asserting it worked). */
export async function signUp(app: TestApp, opts: { email?: string; password?: string; userAgent?: string } = {}) {
  const email = opts.email ?? uniqueEmail();
  const res = await app.gql(
    Register,
    { input: { email, password: opts.password ?? PASSWORD, displayName: 'Test User' } },
    { headers: opts.userAgent ? { 'user-agent': opts.userAgent } : {} },
  );
  const r = res.data?.register;
  if (r?.__typename !== 'AuthPayload') throw new Error(`register failed: ${JSON.stringify(res)}`);
  return { email, password: opts.password ?? PASSWORD, ...r, refreshToken: r.refreshToken! };
}

export async function signIn(app: TestApp, email: string, password = PASSWORD, userAgent?: string) {
  const res = await app.gql(Login, { input: { email, password } }, { headers: userAgent ? { 'user-agent': userAgent } : {} });
  const r = res.data?.login;
  if (r?.__typename !== 'AuthPayload') throw new Error(`login failed: ${JSON.stringify(res)}`);
  return { ...r, refreshToken: r.refreshToken! };
}
