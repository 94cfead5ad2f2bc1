/**
 * Threat: secrets in the logs. A client's bad request was logged at error level with the text of
 * its document, an inline password included (yoga printed the GraphQLError with its source), and a
 * failed query's error carried its SQL parameters. Logs travel further than the database (log
 * shippers, support tickets). Client errors are debug lines with a code only; unexpected errors are
 * error lines without document, variables or SQL parameters; at no level does a password appear.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, type Composed } from '../../src/compose';
import { parseConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/server';
import { createBacking, REDIS_URL, RELAXED_ABUSE_LIMITS, type Backing } from '../support/app';
import { uniqueEmail } from '../support/users';

const SECRET = 'Inl1ne-Secr3t-Pw-4711';

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

let backing: Backing;
let service: Composed;
let server: RunningServer;
let raw = '';
const lines = (): LogLine[] =>
  raw
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogLine);

beforeAll(async () => {
  backing = await createBacking();
  const config = parseConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: backing.databaseUrl,
    REDIS_URL,
    REDIS_KEY_PREFIX: backing.redisPrefix,
    ENCRYPTION_KEY: backing.encryptionKey,
    PUBLIC_URL: 'http://idp.test',
    ARGON2_MEMORY_KIB: '8192',
    ARGON2_ITERATIONS: '1',
    ...RELAXED_ABUSE_LIMITS,
  });
  // Every level, so a leak at debug or trace counts too.
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw += chunk.toString('utf8');
      done();
    },
  });
  service = await compose(config, { clock: backing.clock, logger: createLogger('trace', sink) });
  server = await startServer(service.app, { host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await server?.close(1000);
  await service?.close();
  await backing?.drop();
});

async function post(body: unknown): Promise<{ status: number; json: { errors?: { message: string; extensions?: { code?: string } }[] } }> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as never };
}

describe('client errors are logged at debug, with a code and without the document', () => {
  it('a syntax error in a document with an inline password', async () => {
    const before = lines().length;
    const res = await post({ query: `mutation { login(input: { email: "a@example.com", password: "${SECRET}" }) { __typename ` });
    expect(res.status).toBe(400);
    const added = lines().slice(before);
    expect(raw).not.toContain(SECRET);
    expect(added.filter((l) => l.level >= 40)).toEqual([]);
  });

  it('a validation error (unknown input field) beside an inline password', async () => {
    const before = lines().length;
    const res = await post({ query: `mutation { login(input: { email: "a@example.com", password: "${SECRET}", nope: 1 }) { __typename } }` });
    expect(res.json.errors?.length).toBeGreaterThan(0);
    const added = lines().slice(before);
    expect(raw).not.toContain(SECRET);
    expect(added.filter((l) => l.level >= 40)).toEqual([]);
  });

  it('a variable of the wrong type whose value is a password (graphql-js quotes the value in its message)', async () => {
    const before = lines().length;
    const res = await post({ query: 'query($first: Int) { auditLogs(first: $first) { pageInfo { hasNextPage } } }', variables: { first: SECRET } });
    expect(res.json.errors?.[0]?.message).toContain(SECRET); // the client may see its own value
    const added = lines().slice(before);
    expect(raw).not.toContain(SECRET);
    expect(added.filter((l) => l.level >= 40)).toEqual([]);
  });

  it('BAD_USER_INPUT from a resolver (register with a malformed e-mail) and an inline password', async () => {
    const before = lines().length;
    const res = await post({ query: `mutation { register(input: { email: "not-an-address", password: "${SECRET}", displayName: "X" }) { __typename } }` });
    expect(res.json.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const added = lines().slice(before);
    expect(raw).not.toContain(SECRET);
    expect(added.filter((l) => l.level >= 40)).toEqual([]);
    expect(added.find((l) => l.msg === 'graphql error answered')).toMatchObject({ level: 20, errorCode: 'BAD_USER_INPUT' });
  });
});

describe('unexpected errors', () => {
  it('are one error line with the failure, but never the document, the variables or the SQL parameters', async () => {
    const email = uniqueEmail('logleak');
    await service.deps.database.db.execute('alter table users rename to users_gone' as never);
    try {
      const before = lines().length;
      const res = await post({
        query: 'mutation($input: RegisterInput!) { register(input: $input) { __typename } }',
        variables: { input: { email, password: SECRET, displayName: 'Leak' } },
      });
      expect(res.json.errors?.[0]?.message).toBe('Unexpected error.');
      const added = lines().slice(before);
      const errors = added.filter((l) => l.level >= 50);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ msg: 'unexpected error (masked)', err: { type: 'DrizzleQueryError', cause: { type: 'PostgresError', errorCode: '42P01' } } });
      const text = added.map((l) => JSON.stringify(l)).join('\n');
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(email);
      expect(text).not.toContain('params:');
      expect(text).not.toContain('RegisterInput');
    } finally {
      await service.deps.database.db.execute('alter table users_gone rename to users' as never);
    }
  });
});

describe('redaction, the second line of defence', () => {
  it('censors password, token, secret, code, authorization and cookie fields a log call might carry', () => {
    let out = '';
    const logger = createLogger('info', { write: (s: string) => void (out += s) });
    logger.info(
      { password: SECRET, input: { newPassword: SECRET, token: SECRET, code: SECRET, secret: SECRET }, authorization: SECRET, headers: { cookie: SECRET } },
      'careless call',
    );
    expect(out).toContain('careless call');
    expect(out).not.toContain(SECRET);
  });
});
