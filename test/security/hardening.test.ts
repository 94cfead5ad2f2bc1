// Threat: one cheap request that makes the server work hard (deep or aliased selections, a parser
// fed thousands of tokens, piles of directives, a page size multiplied down a tree, a huge or
// endless body, several operations batched into one request), and a schema read out through
// "Did you mean …?" hints or introspection where those are switched off. Each must be refused
// before anything runs, with one QUERY_TOO_COMPLEX error that does not tell the limit; and every
// query a real client sends, introspection included, must still pass.
import { getIntrospectionQuery } from 'graphql';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { signUp } from '../support/users';

const TOO_COMPLEX = { message: 'The query is too large or too complex.', extensions: { code: 'QUERY_TOO_COMPLEX' } };
const TOO_LARGE = { message: 'The request body is too large.', extensions: { code: 'QUERY_TOO_COMPLEX' } };
const MAX_BODY = 100 * 1024;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] } | undefined;
}

async function post(a: TestApp, body: BodyInit, headers: Record<string, string> = {}): Promise<RawResponse> {
  const res = await fetch(new URL('/graphql', a.url), {
    method: 'POST',
    headers: { accept: 'application/graphql-response+json', 'content-type': 'application/json', ...headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  const text = await res.text();
  let json: RawResponse['json'];
  try {
    json = JSON.parse(text) as RawResponse['json'];
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const query = (q: string, variables?: Record<string, unknown>, opts: { token?: string; on?: TestApp } = {}) =>
  post(opts.on ?? app, JSON.stringify({ query: q, variables }), opts.token ? { authorization: `Bearer ${opts.token}` } : {});

/** Refused before execution with exactly the generic error: no data, and no number anywhere in the body. */
function expectTooComplex(res: RawResponse) {
  expect(res.status).toBe(400);
  expect(res.json).toEqual({ errors: [TOO_COMPLEX] });
  expect(res.text).not.toMatch(/\d/);
  expect(res.text).not.toMatch(/depth|alias|token|directive|cost|limit|exceeded/i);
}

function expectOk(res: RawResponse) {
  expect(res.json?.errors).toBeUndefined();
  expect(res.status).toBe(200);
}

// `__type` is measured like any field (only `__schema` is exempt), and it is the one place this
// schema nests deeper than five levels: __type (1) → fields (2) → type (3) → ofType … → name.
const typeRef = (levels: number): string => (levels === 0 ? 'name' : `ofType { ${typeRef(levels - 1)} }`);
const ofDepth = (depth: number) => `{ __type(name: "Query") { fields { type { ${typeRef(depth - 4)} } } } }`;

describe('depth: at most 8 levels of fields', () => {
  it('answers a query 8 levels deep', async () => {
    const res = await query(ofDepth(8));
    expectOk(res);
    expect((res.json?.data?.__type as { fields: unknown[] }).fields.length).toBeGreaterThan(0);
  });

  it('refuses a query 9 levels deep', async () => {
    expectTooComplex(await query(ofDepth(9)));
  });

  it('counts levels through named fragments: 9 levels split across three fragments are refused', async () => {
    const doc = `
      query { __type(name: "Query") { ...A } }
      fragment A on __Type { fields { ...B } }
      fragment B on __Field { type { ...C } }
      fragment C on __Type { ${typeRef(5)} }`;
    expectTooComplex(await query(doc));
  });

  it('does not count fragments as levels: 8 levels of fields wrapped in inline fragments pass', async () => {
    const doc = `{ ... on Query { __type(name: "Query") { ... on __Type { fields { ... on __Field { type { ${typeRef(4)} } } } } } } }`;
    expectOk(await query(doc));
  });
});

describe('aliases: at most 15', () => {
  const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { id }`).join(' ')} }`;

  it('answers 15 aliases', async () => {
    const res = await query(aliased(15));
    expectOk(res);
    expect(Object.keys(res.json?.data ?? {})).toHaveLength(15);
  });

  it('refuses 16 aliases', async () => {
    expectTooComplex(await query(aliased(16)));
  });
});

describe('tokens: at most 1,000 per document', () => {
  // `{` + `__typename` × m + (`tN` `:` `__typename`) × k + `}` = 2 + m + 3k tokens. Aliases of
  // __typename do not count towards the alias limit, so only the token limit is in play.
  const tokens = (n: number) => {
    const k = Math.floor((n - 2) / 3);
    const m = n - 2 - 3 * k;
    return `{ ${'__typename '.repeat(m)}${Array.from({ length: k }, (_, i) => `t${i}: __typename`).join(' ')} }`;
  };

  it('answers a document of exactly 1,000 tokens', async () => {
    expectOk(await query(tokens(1000)));
  });

  it('refuses a document of 1,001 tokens, while parsing', async () => {
    expectTooComplex(await query(tokens(1001)));
  });
});

// Needs the standard directives in the schema: src/graphql/schema.ts must pass
// `[...specifiedDirectives, …]` to toSchema, or @include/@skip are "Unknown directive".
describe('directives: at most 10 per operation', () => {
  const directives = (n: number) => `{ ${'__typename @include(if: true) '.repeat(n)}}`;

  it('answers 10 directives', async () => {
    expectOk(await query(directives(10)));
  });

  it('refuses 11 directives', async () => {
    expectTooComplex(await query(directives(11)));
  });
});

describe('cost: at most 5,000 (objects 2, leaves 1, times a literal first)', () => {
  it('answers a query costing exactly 5,000 (auditLogs(first: 1000) { edges { cursor } } = (2 + 2 + 1) × 1000)', async () => {
    const { accessToken } = await signUp(app);
    const res = await query('{ auditLogs(first: 1000) { edges { cursor } } }', undefined, { token: accessToken });
    expectOk(res);
  });

  it('refuses first: 1001 on the same selection (cost 5,005)', async () => {
    expectTooComplex(await query('{ auditLogs(first: 1001) { edges { cursor } } }'));
  });

  it('refuses a page of 1,000 audit entries with their ids (cost 7,000) without running it', async () => {
    const { accessToken } = await signUp(app);
    expectTooComplex(await query('{ auditLogs(first: 1000) { edges { node { id } } } }', undefined, { token: accessToken }));
  });

  it('answers the heaviest query a client needs: a full page of 100 audit entries, every field (cost 2,400)', async () => {
    const { accessToken } = await signUp(app);
    const res = await query(
      `{ auditLogs(first: 100) {
          edges { cursor node { id occurredAt action success actorUserId userId ipAddress userAgent sessionId apiKeyId details } }
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
      undefined,
      { token: accessToken },
    );
    expectOk(res);
  });
});

describe('one answer for any breach', () => {
  it('a document over several limits at once gets a single QUERY_TOO_COMPLEX error', async () => {
    const deepAndWide = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: __type(name: "Query") { fields { type { ${typeRef(6)} } } }`).join(' ')} }`;
    expectTooComplex(await query(deepAndWide));
  });

  it('lets the standard introspection query through (codegen and GraphiQL send it)', async () => {
    const res = await query(
      getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true }),
    );
    expectOk(res);
    expect((res.json?.data?.__schema as { types: unknown[] }).types.length).toBeGreaterThan(20);
  });

  it('still refuses an exponential introspection query (graphql-js MaxIntrospectionDepthRule; __schema is exempt from the depth limit)', async () => {
    const res = await query('{ __schema { types { fields { type { fields { type { fields { type { name } } } } } } } } }');
    expect(res.status).toBe(400);
    expect(res.json?.data).toBeUndefined();
    expect(res.json?.errors?.[0]?.message).toBe('Maximum introspection depth exceeded');
  });
});

describe('list arguments are capped on the server, whatever armor sees', () => {
  it('auditLogs(first: $first) with first = 600 returns 100 entries and says there are more', async () => {
    const user = await signUp(app);
    for (let i = 0; i < 105; i++) await app.services.audit.log({ action: 'REAUTHENTICATED', userId: user.user.id });
    const res = await query(
      'query Page($first: Int) { auditLogs(first: $first) { edges { cursor } pageInfo { hasNextPage } } }',
      { first: 600 },
      { token: user.accessToken },
    );
    expectOk(res);
    const page = res.json?.data?.auditLogs as { edges: unknown[]; pageInfo: { hasNextPage: boolean } };
    expect(page.edges).toHaveLength(100);
    expect(page.pageInfo.hasNextPage).toBe(true);

    const literal = await query('{ auditLogs(first: 1000) { edges { cursor } } }', undefined, { token: user.accessToken });
    expectOk(literal);
    expect((literal.json?.data?.auditLogs as { edges: unknown[] }).edges).toHaveLength(100);
  });
});

// Threat: a page size in a variable is invisible to a validation rule, so fifteen aliased
// auditLogs(first: $n) once returned 1,500 rows in one cheap-looking request. The cost limit is
// applied again at execution with the variables written in: a variable costs what its literal costs.
describe('cost counts list sizes given in variables', () => {
  const aliased = (n: number, first: string) => Array.from({ length: n }, (_, i) => `a${i}: auditLogs(first: ${first}) { edges { cursor } }`).join(' ');

  it('refuses 15 aliased auditLogs(first: $first) with first = 100 (cost 7,500), as it refuses the literal form, without running it', async () => {
    const { accessToken } = await signUp(app);
    expectTooComplex(await query(`{ ${aliased(15, '100')} }`, undefined, { token: accessToken }));
    expectTooComplex(await query(`query Many($first: Int) { ${aliased(15, '$first')} }`, { first: 100 }, { token: accessToken }));
  });

  it('answers the same variable query when it is within the limit (10 × 100 × 5 = 5,000)', async () => {
    const { accessToken } = await signUp(app);
    expectOk(await query(`query Many($first: Int) { ${aliased(10, '$first')} }`, { first: 100 }, { token: accessToken }));
  });

  it('measures a variable exactly like the literal: first = 1000 passes, 1001 is refused', async () => {
    const { accessToken } = await signUp(app);
    const q = 'query One($first: Int) { auditLogs(first: $first) { edges { cursor } } }';
    expectOk(await query(q, { first: 1000 }, { token: accessToken }));
    expectTooComplex(await query(q, { first: 1001 }, { token: accessToken }));
  });

  it('counts a variable’s default value, a variable used inside a fragment, and a value too large for Int', async () => {
    const { accessToken } = await signUp(app);
    expectTooComplex(await query('query D($first: Int = 1001) { auditLogs(first: $first) { edges { cursor } } }', {}, { token: accessToken }));
    expectTooComplex(
      await query('query F($first: Int) { ...Logs } fragment Logs on Query { auditLogs(first: $first) { edges { node { id } } } }', { first: 1000 }, { token: accessToken }),
    );
    expectTooComplex(await query('query Big($first: Int) { auditLogs(first: $first) { edges { cursor } } }', { first: 1e12 }, { token: accessToken }));
  });
});

describe('request bodies: at most 100 KB', () => {
  /** A valid request padded with JSON whitespace to exactly `bytes` bytes. */
  const bodyOf = (bytes: number) => {
    const json = JSON.stringify({ query: '{ __typename }' });
    return json + ' '.repeat(bytes - json.length);
  };
  /** The same bytes as a stream, so fetch sends them chunked, without a Content-Length. */
  const chunked = (text: string) => {
    const bytes = new TextEncoder().encode(text);
    return new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 16 * 1024) controller.enqueue(bytes.slice(i, i + 16 * 1024));
        controller.close();
      },
    });
  };

  it('answers a body of exactly 100 KB', async () => {
    expect(bodyOf(MAX_BODY)).toHaveLength(102_400);
    expectOk(await post(app, bodyOf(MAX_BODY)));
  });

  it('refuses 100 KB + 1 byte by its Content-Length with 413 and a GraphQL error that does not tell the limit', async () => {
    const res = await post(app, bodyOf(MAX_BODY + 1));
    expect(res.status).toBe(413);
    expect(res.json).toEqual({ errors: [TOO_LARGE] });
    expect(res.text).not.toMatch(/\d/);
    // The rest of the body is not read and discarded to keep the connection: it is closed.
    expect(res.headers.get('connection')).toBe('close');
  });

  it('answers a chunked body of exactly 100 KB', async () => {
    expectOk(await post(app, chunked(bodyOf(MAX_BODY))));
  });

  it('refuses a chunked body of 100 KB + 1 byte (no Content-Length: counted as it arrives) with 413', async () => {
    const res = await post(app, chunked(bodyOf(MAX_BODY + 1)));
    expect(res.status).toBe(413);
    expect(res.json).toEqual({ errors: [TOO_LARGE] });
    expect(res.headers.get('connection')).toBe('close');
  });

  it('refuses a chunked body that would never end, without reading it all', async () => {
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"query":"{ __typename }"'));
        controller.enqueue(new Uint8Array(16 * 1024).fill(0x20));
        sent += 16 * 1024;
      },
    });
    const res = await post(app, endless);
    expect(res.status).toBe(413);
    expect(res.json).toEqual({ errors: [TOO_LARGE] });
    // Whatever the client queued up while the refusal travelled back, not the endless body.
    expect(sent).toBeLessThan(100 * MAX_BODY);
  });

  it('closes a WebSocket that sends a message over 100 KB (close code 1009)', async () => {
    const socket = new WebSocket(`${app.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { pad: ' '.repeat(MAX_BODY) } }));
    expect(await closed).toBe(1009);
  });
});

describe('batching', () => {
  it('refuses an array of operations with 400 and runs none of them', async () => {
    const res = await post(app, JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]));
    expect(res.status).toBe(400);
    expect(Array.isArray(res.json)).toBe(false);
    expect(res.json?.data).toBeUndefined();
    expect(res.json?.errors).toEqual([{ message: 'Batching is not supported.', extensions: { code: 'BAD_REQUEST' } }]);
  });
});

describe('field suggestions and introspection follow their settings', () => {
  let locked: TestApp;
  beforeAll(async () => {
    locked = await startTestApp({ GRAPHQL_FIELD_SUGGESTIONS: 'false', GRAPHQL_INTROSPECTION: 'false' });
  });
  afterAll(() => locked?.close());

  const messages = (res: RawResponse) => (res.json?.errors ?? []).map((e) => e.message);

  it('suggests field names by default (development and test)', async () => {
    expect(app.config.fieldSuggestions).toBe(true);
    expect(messages(await query('{ mee { id } }'))).toEqual(['Cannot query field "mee" on type "Query". Did you mean "me"?']);
  });

  it('with GRAPHQL_FIELD_SUGGESTIONS=false: no suggestion for a field, an argument, an enum value or an input field', async () => {
    const on = locked;
    expect(messages(await query('{ mee { id } }', undefined, { on }))).toEqual(['Cannot query field "mee" on type "Query".']);
    expect(messages(await query('{ auditLogs(frist: 1) { edges { cursor } } }', undefined, { on }))).toEqual([
      'Unknown argument "frist" on field "Query.auditLogs".',
    ]);
    expect(messages(await query('{ auditLogs(filter: { actions: [LOGIN_FAILD] }) { edges { cursor } } }', undefined, { on }))).toEqual([
      'Value "LOGIN_FAILD" does not exist in "AuditAction" enum.',
    ]);
    const variables = await query('mutation R($input: RegisterInput!) { register(input: $input) { __typename } }', { input: { emial: 'a@example.com', password: 'x' } }, { on });
    expect(messages(variables).join('\n')).toContain('Field "emial" is not defined by type "RegisterInput".');
    for (const m of messages(variables)) expect(m).not.toMatch(/did you mean/i);
  });

  it('with GRAPHQL_INTROSPECTION=false: __schema and __type are refused', async () => {
    for (const doc of ['{ __schema { queryType { name } } }', '{ __type(name: "User") { name } }']) {
      const res = await query(doc, undefined, { on: locked });
      expect(res.status).toBe(400);
      expect(res.json?.data).toBeUndefined();
      expect(messages(res)[0]).toMatch(/^GraphQL introspection has been disabled/);
    }
  });
});
