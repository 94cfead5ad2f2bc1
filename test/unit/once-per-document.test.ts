// Threat: aliasing a credential-checking or argon2-running mutation many times in one request
// multiplies password or MFA-code guesses (15 aliased changePassword ran 15 argon2 verifications).
// The document must be refused in validation, before any resolver runs; and which fields are
// limited comes from a declaration on each field, so a new one cannot be left out of a list.
import { buildSchema, GraphQLBoolean, GraphQLObjectType, GraphQLSchema, parse, validate, type ValidationRule } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema';
import { oncePerDocumentFields, oncePerDocumentRule } from '../../src/graphql/once-per-document';

/** As the server registers it: the fields come from the schema's declarations. */
const rule = oncePerDocumentRule();

/** The document must be valid under the standard rules, so any error comes from ours. */
function check(doc: string, against: GraphQLSchema = schema, using: ValidationRule = rule) {
  const document = parse(doc);
  expect(validate(against, document)).toEqual([]);
  return validate(against, document, [using]).map((e) => ({
    message: e.message,
    code: e.extensions.code,
    lines: e.locations?.map((l) => l.line),
  }));
}

const login = (n: number) => `login(input: { email: "a${n}@example.com", password: "guess-${n}" }) { __typename }`;
const rotate = 'rotateRefresh(input: { refreshToken: "r" }) { __typename }';

describe('oncePerDocumentRule on the real schema', () => {
  // Every mutation that hashes or verifies a password (argon2), checks an MFA or backup code,
  // or spends a token. A new such field must declare oncePerDocument() and be added here.
  it('declares exactly the mutations that run argon2 or check a credential', () => {
    expect(oncePerDocumentFields(schema)).toEqual(
      [
        'changePassword',
        'confirmMfa',
        'disableMfa',
        'login',
        'reauthenticate',
        'regenerateBackupCodes',
        'register',
        'resetPassword',
        'rotateRefresh',
        'verifyEmail',
        'verifyMfaLogin',
      ].sort(),
    );
  });

  it('refuses 15 aliased changePassword (15 argon2 verifications) with one error', () => {
    const aliases = Array.from({ length: 15 }, (_, i) => `c${i}: changePassword(input: { currentPassword: "guess-${i}", newPassword: "x" }) { __typename }`).join('\n');
    const errors = check(`mutation {\n${aliases}\n}`);
    expect(errors.map((e) => [e.message, e.code, e.lines?.length])).toEqual([['"changePassword" may appear at most once per request.', 'BAD_USER_INPUT', 15]]);
  });

  it.each(['register', 'reauthenticate', 'disableMfa', 'confirmMfa', 'regenerateBackupCodes', 'verifyMfaLogin', 'resetPassword', 'verifyEmail'])('refuses %s twice', (field) => {
    const mutation = schema.getMutationType()!.getFields()[field]!;
    const input = mutation.args.some((a) => a.name === 'input') ? '(input: $input)' : '';
    const type = mutation.args.find((a) => a.name === 'input')?.type.toString();
    const doc = `mutation M${input ? `($input: ${type})` : ''} { a: ${field}${input} { __typename } b: ${field}${input} { __typename } }`;
    expect(check(doc).map((e) => e.message)).toEqual([`"${field}" may appear at most once per request.`]);
  });

  it('reads the declarations from any schema: a field declared with the extension is limited, its neighbour is not', () => {
    const declared = new GraphQLSchema({
      query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLBoolean } } }),
      mutation: new GraphQLObjectType({
        name: 'Mutation',
        fields: { guess: { type: GraphQLBoolean, extensions: { oncePerDocument: true } }, other: { type: GraphQLBoolean } },
      }),
    });
    expect(oncePerDocumentFields(declared)).toEqual(['guess']);
    expect(check('mutation { a: guess b: guess c: other d: other }', declared).map((e) => e.message)).toEqual(['"guess" may appear at most once per request.']);
  });

  it('lets a single login through', () => {
    expect(check(`mutation { ${login(1)} }`)).toEqual([]);
  });

  it('refuses two aliased logins with one BAD_USER_INPUT error naming login', () => {
    expect(check(`mutation {\n a: ${login(1)}\n b: ${login(2)}\n}`)).toEqual([
      { message: '"login" may appear at most once per request.', code: 'BAD_USER_INPUT', lines: [2, 3] },
    ]);
  });

  it('reports 20 aliased logins once, pointing at all 20', () => {
    const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: ${login(i)}`).join('\n');
    const errors = check(`mutation {\n${aliases}\n}`);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe('"login" may appear at most once per request.');
    expect(errors[0]!.code).toBe('BAD_USER_INPUT');
    expect(errors[0]!.lines).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
  });

  it('lets login and rotateRefresh through once each', () => {
    expect(check(`mutation { ${login(1)} ${rotate} }`)).toEqual([]);
  });

  it('reports each repeated field separately', () => {
    const errors = check(`mutation { a: ${login(1)} b: ${login(2)} c: ${rotate} d: ${rotate} }`);
    expect(errors.map((e) => e.message)).toEqual([
      '"login" may appear at most once per request.',
      '"rotateRefresh" may appear at most once per request.',
    ]);
  });

  it('counts a login inside an inline fragment', () => {
    expect(check(`mutation {\n${login(1)}\n... on Mutation {\n${login(1)}\n}\n}`)).toEqual([
      { message: '"login" may appear at most once per request.', code: 'BAD_USER_INPUT', lines: [2, 4] },
    ]);
  });

  it('counts a login behind a named fragment spread', () => {
    const doc = `mutation {\n${login(1)}\n...Again\n}\nfragment Again on Mutation {\n${login(1)}\n}`;
    expect(check(doc)).toEqual([{ message: '"login" may appear at most once per request.', code: 'BAD_USER_INPUT', lines: [2, 6] }]);
  });

  it('follows fragments that spread other fragments', () => {
    const doc = `mutation {\n${login(1)}\n...A\n}\nfragment A on Mutation { ...B }\nfragment B on Mutation {\n${login(1)}\n}`;
    expect(check(doc)).toEqual([{ message: '"login" may appear at most once per request.', code: 'BAD_USER_INPUT', lines: [2, 7] }]);
  });

  it('counts a fragment spread twice once (execution runs it once)', () => {
    const doc = `mutation { ...Once ...Once }\nfragment Once on Mutation { ${login(1)} }`;
    expect(check(doc)).toEqual([]);
  });

  it('terminates on fragment cycles (which other rules refuse)', () => {
    const doc = parse(`mutation { ...A }\nfragment A on Mutation { ${login(1)} ...B }\nfragment B on Mutation { ${login(2)} ...A }`);
    const errors = validate(schema, doc, [rule]);
    expect(errors.map((e) => [e.message, e.extensions.code])).toEqual([['"login" may appear at most once per request.', 'BAD_USER_INPUT']]);
  });

  it('allows one login in each of two operations of the same document', () => {
    expect(check(`mutation First { ${login(1)} }\nmutation Second { ${login(2)} }`)).toEqual([]);
  });

  it('still checks each operation on its own', () => {
    const errors = check(`mutation Fine { ${login(1)} }\nmutation Bad { a: ${login(1)} b: ${login(2)} }`);
    expect(errors.map((e) => e.message)).toEqual(['"login" may appear at most once per request.']);
  });

  it('ignores mutations that do not declare it, however often they appear', () => {
    const aliases = Array.from({ length: 5 }, (_, i) => `r${i}: logout`).join(' ');
    expect(check(`mutation { ${aliases} }`)).toEqual([]);
  });
});

describe('oncePerDocumentRule with a list of mutations given', () => {
  const listed = ['login', 'verifyMfaLogin', 'rotateRefresh', 'resetPassword', 'verifyEmail'];
  const given = oncePerDocumentRule(listed);
  const full = buildSchema(`
    type Query { login: Boolean verifyEmail: Boolean }
    type Mutation {
      login(code: String): Boolean
      verifyMfaLogin(code: String): Boolean
      rotateRefresh(code: String): Boolean
      resetPassword(code: String): Boolean
      verifyEmail(code: String): Boolean
      register(code: String): Boolean
    }
  `);

  it.each(['verifyMfaLogin', 'resetPassword', 'verifyEmail'])('refuses %s twice but allows it once', (field) => {
    expect(check(`mutation { ${field}(code: "1") }`, full, given)).toEqual([]);
    expect(check(`mutation {\na: ${field}(code: "1")\nb: ${field}(code: "2")\n}`, full, given)).toEqual([
      { message: `"${field}" may appear at most once per request.`, code: 'BAD_USER_INPUT', lines: [2, 3] },
    ]);
  });

  it('allows every listed mutation once in one document', () => {
    const once = listed.map((f) => `${f}(code: "1")`).join(' ');
    expect(check(`mutation { ${once} }`, full, given)).toEqual([]);
  });

  it('ignores Query fields that share a listed name', () => {
    expect(check('query { a: login b: login c: verifyEmail d: verifyEmail }', full, given)).toEqual([]);
  });

  it('only limits the fields it is given', () => {
    const doc = parse('mutation { a: register(code: "1") b: register(code: "2") c: login d: login }');
    const errors = validate(full, doc, [oncePerDocumentRule(['register'])]);
    expect(errors.map((e) => e.message)).toEqual(['"register" may appear at most once per request.']);
  });
});
