// Threat: malformed or hostile input (bad e-mails, oversized fields, wrong types, broken
// documents and bodies, mutations over GET, other people's ids) used to create junk accounts,
// crash the server into a 500 or a stack trace, probe which accounts or sessions exist, or
// reach someone else's session. Each must get a precise, uninformative refusal and write nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql';
import { startTestApp, type GqlResponse, type TestApp } from '../support/app';
import { Login, Me, Register, RevokeSession, Sessions } from '../support/operations';
import { PASSWORD, signUp, uniqueEmail } from '../support/users';

const BadInputRegister = graphql(`
  mutation BadInputRegister($input: RegisterInput!) {
    register(input: $input) {
      __typename
      ... on AuthPayload { user { id email displayName } }
      ... on Error { code message }
    }
  }
`);

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } | undefined;
}

async function raw(init: { method?: string; body?: string; headers?: Record<string, string>; search?: Record<string, string> }): Promise<RawResponse> {
  const url = new URL('/graphql', app.url);
  for (const [k, v] of Object.entries(init.search ?? {})) url.searchParams.set(k, v);
  const res = await fetch(url, {
    method: init.method ?? 'POST',
    headers: { accept: 'application/graphql-response+json', ...init.headers },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const text = await res.text();
  let json: RawResponse['json'];
  try {
    json = JSON.parse(text) as RawResponse['json'];
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const postJson = (body: string) => raw({ body, headers: { 'content-type': 'application/json' } });

/** No 5xx, no stack trace, no internals in any error. */
function expectNoLeak(res: { status: number; errors?: GqlResponse<unknown>['errors'] } | RawResponse) {
  expect(res.status).toBeLessThan(500);
  const errors = 'text' in res ? (res.json?.errors ?? []) : (res.errors ?? []);
  for (const error of errors) {
    expect(error.extensions?.stacktrace).toBeUndefined();
    // yoga echoes a body-parse failure as originalError { name, message } (the client's own input); never a stack.
    expect((error.extensions?.originalError as { stack?: unknown } | undefined)?.stack).toBeUndefined();
    expect(error.message).not.toMatch(/\n\s+at\s|postgres|drizzle|SQL|insert into/i);
  }
  if ('text' in res) expect(res.text).not.toMatch(/\n\s+at\s|node_modules/);
}

async function userCount(): Promise<number> {
  const rows = (await app.deps.database.db.execute('select count(*)::int as n from users' as never)) as unknown as { n: number }[];
  return rows[0]!.n;
}

describe('register with a malformed e-mail address', () => {
  const cases: [string, string][] = [
    ['"not-an-email"', 'not-an-email'],
    ['"a@b" (no dot in the domain)', 'a@b'],
    ['an empty string', ''],
    ['only whitespace', '   '],
    ['a 300-character address', `${'x'.repeat(64)}@${'d'.repeat(223)}.example.com`],
    ['an address containing a space', 'john doe@example.com'],
    ['an address containing a control character', 'john\u0007doe@example.com'],
    ['an address containing a NUL byte', 'john\u0000doe@example.com'],
    ['two @ signs', 'a@b@example.com'],
  ];

  it.each(cases)('refuses %s with BAD_USER_INPUT on field email and creates no user', async (_name, email) => {
    if (email.length > 250) expect(email).toHaveLength(300);
    const before = await userCount();
    const res = await app.gql(BadInputRegister, { input: { email, password: PASSWORD, displayName: 'Mallory' } });
    expectNoLeak(res);
    expect(res.errors).toHaveLength(1);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    expect(res.errors?.[0]?.path).toEqual(['register']);
    expect(res.data?.register ?? null).toBeNull();
    // PostgreSQL text cannot hold NUL, so that one is checked by the count alone.
    if (!email.includes('\u0000')) expect(await app.services.users.findByEmail(email)).toBeUndefined();
    expect(await userCount()).toBe(before);
  });
});

describe('register with an over-long display name', () => {
  it('refuses a 101-character displayName with BAD_USER_INPUT on field displayName and creates no user', async () => {
    const email = uniqueEmail('longname');
    const before = await userCount();
    const res = await app.gql(BadInputRegister, { input: { email, password: PASSWORD, displayName: 'n'.repeat(101) } });
    expectNoLeak(res);
    expect(res.errors).toHaveLength(1);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'displayName' });
    expect(res.data?.register ?? null).toBeNull();
    expect(await app.services.users.findByEmail(email)).toBeUndefined();
    expect(await userCount()).toBe(before);
  });

  it('counts characters, not UTF-16 units: 101 emoji are refused too', async () => {
    const email = uniqueEmail('emojiname');
    const res = await app.gql(BadInputRegister, { input: { email, password: PASSWORD, displayName: '😀'.repeat(101) } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'displayName' });
    expect(await app.services.users.findByEmail(email)).toBeUndefined();
  });

  it('accepts exactly 100 characters (the limit is not off by one)', async () => {
    const email = uniqueEmail('maxname');
    const res = await app.gql(BadInputRegister, { input: { email, password: PASSWORD, displayName: 'n'.repeat(100) } });
    expect(res.errors).toBeUndefined();
    expect(res.data.register).toMatchObject({ __typename: 'AuthPayload', user: { email, displayName: 'n'.repeat(100) } });
    expect((await app.services.users.findByEmail(email))?.displayName).toBe('n'.repeat(100));
  });
});

describe('register with characters PostgreSQL or Unicode cannot store faithfully', () => {
  // Regression: a NUL byte used to reach the INSERT, which PostgreSQL refuses, and came back as a
  // masked internal error instead of BAD_USER_INPUT.
  it('refuses a displayName containing a NUL byte with BAD_USER_INPUT on field displayName', async () => {
    const email = uniqueEmail('nulname');
    const res = await app.gql(BadInputRegister, { input: { email, password: PASSWORD, displayName: 'a\u0000b' } });
    expectNoLeak(res);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'displayName' });
    expect(await app.services.users.findByEmail(email)).toBeUndefined();
  });

  // Regression: an address with a lone UTF-16 surrogate used to be stored with U+FFFD in its place,
  // so the account's address was not the one the client sent.
  it('refuses an e-mail address containing a lone surrogate with BAD_USER_INPUT on field email', async () => {
    const email = `\ud800${uniqueEmail('surrogate')}`;
    const before = await userCount();
    const res = await app.gql(BadInputRegister, { input: { email, password: PASSWORD } });
    expectNoLeak(res);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    expect(await userCount()).toBe(before);
  });

  it('refuses text-direction overrides in a displayName (a name that reads as something else)', async () => {
    const email = uniqueEmail('bidi');
    const res = await app.gql(BadInputRegister, { input: { email, password: PASSWORD, displayName: 'admin\u202Enimda' } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'displayName' });
    expect(await app.services.users.findByEmail(email)).toBeUndefined();
  });
});

describe('requests that are not valid GraphQL', () => {
  const document = Register.toString();
  const wrongVariables: [string, () => Record<string, unknown>][] = [
    ['password: 123 (a number for a String)', () => ({ input: { email: uniqueEmail('wrongtype'), password: 123 } })],
    ['input: "string" (a string for an input object)', () => ({ input: 'string' })],
    ['input without the required email', () => ({ input: { password: PASSWORD } })],
    ['input: null for a non-null input', () => ({ input: null })],
    ['an unknown field in the input', () => ({ input: { email: uniqueEmail('extra'), password: PASSWORD, isAdmin: true } })],
    ['no variables at all', () => ({})],
  ];

  it.each(wrongVariables)('refuses register with %s: a GraphQL error, nothing written', async (_name, make) => {
    const variables = make();
    const before = await userCount();
    const res = await postJson(JSON.stringify({ query: document, variables }));
    expectNoLeak(res);
    expect([200, 400]).toContain(res.status);
    expect(res.json?.errors?.length).toBeGreaterThan(0);
    expect(res.json?.data ?? null).toBeNull();
    const email = (variables.input as { email?: unknown } | undefined)?.email;
    if (typeof email === 'string') expect(await app.services.users.findByEmail(email)).toBeUndefined();
    expect(await userCount()).toBe(before);
  });

  it('refuses a syntactically broken document with a parse error (400)', async () => {
    const before = await userCount();
    const res = await postJson(JSON.stringify({ query: 'mutation { register(input: { email: "x@example.com", password: ', variables: {} }));
    expectNoLeak(res);
    expect(res.status).toBe(400);
    expect(res.json?.errors?.[0]?.message).toMatch(/Syntax Error/);
    expect(res.json?.data).toBeUndefined();
    expect(await userCount()).toBe(before);
  });

  it('refuses an empty body as BAD_REQUEST (400)', async () => {
    const res = await postJson('');
    expectNoLeak(res);
    expect(res.status).toBe(400);
    expect(res.json?.errors?.length).toBeGreaterThan(0);
    expect(res.json?.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('refuses a non-JSON body sent as application/json as BAD_REQUEST (400)', async () => {
    const res = await postJson('{"query": "{ me { id } }", oops');
    expectNoLeak(res);
    expect(res.status).toBe(400);
    expect(res.json?.errors?.[0]).toMatchObject({ message: 'POST body sent invalid JSON.', extensions: { code: 'BAD_REQUEST' } });
  });

  it('refuses a JSON body that is not an object (400)', async () => {
    for (const body of ['null', '[]', '"query"', '42']) {
      const res = await postJson(body);
      expectNoLeak(res);
      expect(res.status).toBe(400);
      expect(res.json?.errors?.length).toBeGreaterThan(0);
    }
  });

  it('refuses a body whose query is not a string (400)', async () => {
    const res = await postJson(JSON.stringify({ query: { evil: true } }));
    expectNoLeak(res);
    expect(res.status).toBe(400);
    expect(res.json?.errors?.length).toBeGreaterThan(0);
  });

  it('refuses a mutation sent over GET with 405 and does not run it', async () => {
    const email = uniqueEmail('get');
    const before = await userCount();
    const res = await app.gql(BadInputRegister, { input: { email, password: PASSWORD } }, { method: 'GET' });
    expectNoLeak(res);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toMatch(/POST/);
    expect(res.errors?.length).toBeGreaterThan(0);
    expect(res.data ?? null).toBeNull();
    expect(await app.services.users.findByEmail(email)).toBeUndefined();
    expect(await userCount()).toBe(before);
  });

  it('still answers a query over GET (the 405 above is about the mutation, not the method)', async () => {
    const res = await app.gql(Me, undefined, { method: 'GET' });
    expect(res.status).toBe(200);
    expect(res.data.me).toBeNull();
  });
});

describe('login with a malformed e-mail address', () => {
  it('answers exactly like a wrong password (InvalidCredentialsError), never BAD_USER_INPUT', async () => {
    const { email } = await signUp(app);
    const wrong = await app.gql(Login, { input: { email, password: 'not the password at all' } });
    expect(wrong.data.login).toEqual({ __typename: 'InvalidCredentialsError', code: 'INVALID_CREDENTIALS', message: 'The e-mail address or password is not correct.' });

    for (const bad of ['not-an-email', 'a@b', '', 'john doe@example.com', 'john\u0007doe@example.com', 'john\u0000doe@example.com', `${'x'.repeat(290)}@example.com`]) {
      const res = await app.gql(Login, { input: { email: bad, password: 'not the password at all' } });
      expectNoLeak(res);
      expect(res.errors).toBeUndefined();
      expect(res.status).toBe(wrong.status);
      expect(res.data.login).toEqual(wrong.data.login);
    }
  });
});

describe('revokeSession with ids that are not yours', () => {
  it('answers NotFoundError, identically, for a non-UUID id and a random UUID', async () => {
    const me = await signUp(app);
    const answers: GqlResponse<unknown>[] = [];
    for (const id of ['not-a-uuid', "' or 1=1 --", '', 'x'.repeat(10_000), randomUUID(), randomUUID().toUpperCase()]) {
      const res = await app.gql(RevokeSession, { id }, { token: me.accessToken });
      expectNoLeak(res);
      expect(res.errors).toBeUndefined();
      expect(res.data.revokeSession).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND', message: 'No such session.' });
      answers.push(res);
    }
    expect(new Set(answers.map((a) => a.status)).size).toBe(1);
    // My own session is untouched by all that.
    expect((await app.gql(Me, undefined, { token: me.accessToken })).data.me?.id).toBe(me.user.id);
  });

  it("answers another user's session id exactly like an unknown id, and that session keeps working", async () => {
    const mallory = await signUp(app);
    const alice = await signUp(app);
    const aliceSessionsBefore = await app.services.sessions.listActive(alice.user.id);

    const unknown = await app.gql(RevokeSession, { id: randomUUID() }, { token: mallory.accessToken });
    const foreign = await app.gql(RevokeSession, { id: alice.session.id }, { token: mallory.accessToken });
    expectNoLeak(foreign);
    expect(foreign.data).toEqual(unknown.data);
    expect(foreign.errors).toEqual(unknown.errors);
    expect(foreign.status).toBe(unknown.status);
    expect(foreign.data.revokeSession).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND', message: 'No such session.' });

    // Alice's session was not ended: her access token still passes `me`, her sessions are unchanged.
    const aliceMe = await app.gql(Me, undefined, { token: alice.accessToken });
    expect(aliceMe.errors).toBeUndefined();
    expect(aliceMe.data.me?.id).toBe(alice.user.id);
    const aliceSessions = await app.gql(Sessions, undefined, { token: alice.accessToken });
    expect(aliceSessions.data.sessions.map((s) => s.id)).toEqual([alice.session.id]);
    expect(JSON.stringify(await app.services.sessions.listActive(alice.user.id))).toBe(JSON.stringify(aliceSessionsBefore));

    // Control: the same mutation does revoke a session when it is the caller's own.
    const own = await app.gql(RevokeSession, { id: mallory.session.id }, { token: mallory.accessToken });
    expect(own.data.revokeSession).toEqual({ __typename: 'RevokeSessionSuccess', sessionId: mallory.session.id });
  });
});
