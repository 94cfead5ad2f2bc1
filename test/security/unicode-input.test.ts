// Threats: text that is not valid Unicode (a lone UTF-16 surrogate, which JSON allows) reaching a
// field that forgot to check it and answering 500, or being stored rewritten; and e-mail addresses
// that read as another (invisible, format and bidi characters), that the mail layer splits (a
// comma), or that are one mailbox under two spellings (a trailing dot, an IDN domain in Unicode
// and in punycode): two accounts for one mailbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql';
import { startTestApp, type TestApp } from '../support/app';
import { Me } from '../support/operations';
import { PASSWORD, signUp } from '../support/users';

const UnicodeRegister = graphql(`
  mutation UnicodeRegister($input: RegisterInput!) {
    register(input: $input) {
      __typename
      ... on AuthPayload { accessToken user { email } }
      ... on Error { code message }
    }
  }
`);

const UnicodeLogin = graphql(`
  mutation UnicodeLogin($input: LoginInput!) {
    login(input: $input) {
      __typename
      ... on Error { code message }
    }
  }
`);

const UnicodeKeyCreate = graphql(`
  mutation UnicodeKeyCreate($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      __typename
      ... on Error { code message }
    }
  }
`);

const UnicodeKeys = graphql(`
  query UnicodeKeys {
    apiKeys { id name }
  }
`);

const UnicodeKeyByName = graphql(`
  mutation UnicodeKeyByName($name: String!) {
    createApiKey(input: { name: $name, scopes: ["profile:read"] }) {
      __typename
    }
  }
`);

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

let n = 0;
const unique = () => `u${process.pid}x${Date.now()}x${n++}`;

describe('a lone surrogate in any string input is BAD_USER_INPUT, before anything runs', () => {
  it('an API key name "\\ud800" (it used to be a 500) is refused naming the field, and no key is made', async () => {
    const user = await signUp(app);
    const res = await app.gql(UnicodeKeyCreate, { input: { name: '\ud800', scopes: ['profile:read'] } }, { token: user.accessToken });
    expect(res.status).toBe(200);
    expect(res.data?.createApiKey ?? null).toBeNull();
    expect(res.errors).toEqual([
      expect.objectContaining({
        message: 'Text inputs must be valid Unicode: this one contains an unpaired surrogate.',
        extensions: { code: 'BAD_USER_INPUT', field: 'name' },
      }),
    ]);
    expect((await app.gql(UnicodeKeys, undefined, { token: user.accessToken })).data.apiKeys).toEqual([]);
  });

  it('a lone low surrogate inside a list, or in a top-level variable, is refused the same way', async () => {
    const user = await signUp(app);
    const inList = await app.gql(UnicodeKeyCreate, { input: { name: 'ok', scopes: ['profile:read', 'x\udc00'] } }, { token: user.accessToken });
    expect(inList.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'scopes' });
    const topLevel = await app.gql(UnicodeKeyByName, { name: 'build \udbff bot' }, { token: user.accessToken });
    expect(topLevel.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'name' });
    expect((await app.gql(UnicodeKeys, undefined, { token: user.accessToken })).data.apiKeys).toEqual([]);
  });

  it('applies to fields that do not check text themselves: a password with a lone surrogate is refused, not hashed', async () => {
    const email = `${unique()}@example.com`;
    const res = await app.gql(UnicodeRegister, { input: { email, password: `correct horse battery \ud83d staple` } });
    expect(res.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'password' });
    expect(await app.services.users.findByEmail(email)).toBeUndefined();
  });

  it('a well-formed surrogate pair (an emoji) is fine', async () => {
    const user = await signUp(app);
    const res = await app.gql(UnicodeKeyCreate, { input: { name: 'deploy \u{1F680}', scopes: ['profile:read'] } }, { token: user.accessToken });
    expect(res.errors).toBeUndefined();
    expect(res.data.createApiKey.__typename).toBe('CreateApiKeyPayload');
  });
});

describe('e-mail addresses', () => {
  it.each([
    ['a zero-width space', (u: string) => `${u}\u200b@example.com`],
    ['a zero-width space in the domain', (u: string) => `${u}@exa\u200bmple.com`],
    ['a right-to-left override', (u: string) => `${u}\u202e@example.com`],
    ['a soft hyphen', (u: string) => `${u}\u00ad@example.com`],
    ['a comma', (u: string) => `${u},eve@example.com`],
  ])('register refuses an address with %s (BAD_USER_INPUT on email), creating nothing', async (_name, make) => {
    const email = make(unique());
    const res = await app.gql(UnicodeRegister, { input: { email, password: PASSWORD } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    expect(res.data?.register ?? null).toBeNull();
  });

  it('one account per mailbox: a trailing dot and the Unicode or punycode form of an IDN domain are the same address', async () => {
    const local = unique();
    const first = await app.gql(UnicodeRegister, { input: { email: `${local}@B\u00fccher.example.`, password: PASSWORD } });
    expect(first.data.register).toMatchObject({ __typename: 'AuthPayload', user: { email: `${local}@xn--bcher-kva.example` } });
    for (const again of [`${local}@xn--bcher-kva.example`, `${local}@b\u00fccher.example`, `${local.toUpperCase()}@XN--BCHER-KVA.EXAMPLE.`]) {
      const res = await app.gql(UnicodeRegister, { input: { email: again, password: PASSWORD } });
      expect(res.data.register).toMatchObject({ __typename: 'EmailTakenError', code: 'EMAIL_TAKEN' });
    }
    // And every spelling signs in to that one account.
    const login = await app.gql(UnicodeLogin, { input: { email: `${local}@b\u00fccher.example.`, password: PASSWORD } });
    expect(login.data.login.__typename).toBe('AuthPayload');
    const token = first.data.register.__typename === 'AuthPayload' ? first.data.register.accessToken : '';
    expect((await app.gql(Me, undefined, { token })).data.me).toMatchObject({ email: `${local}@xn--bcher-kva.example` });
  });
});
