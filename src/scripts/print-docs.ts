// Writes the generated part of docs/api.md from the built schema: `npm run docs`.
// Everything above GENERATED_MARKER in docs/api.md is written by hand and kept as it is.
import { readFileSync, writeFileSync } from 'node:fs';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { schema } from '../graphql/schema';
import { ADMIN_ONLY_SCOPES, ALL_SCOPES, expandScopes, USER_SCOPES } from '../modules/authz/scopes';
import { rateLimitRulesOf, type RateLimitRule } from '../modules/ratelimit/rate-limit.directive';

export const GENERATED_MARKER = '<!-- Everything below is generated from the schema by `npm run docs`; edit the Pothos descriptions, not this file. -->';

const API_MD = new URL('../../docs/api.md', import.meta.url);

/** Table cells: one line, no stray pipes. */
const cell = (s: string | null | undefined) => (s ?? '').replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
const code = (s: string) => '`' + s + '`';
const anchor = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');

type AnyField = GraphQLField<unknown, unknown>;

function rootsOf(s: GraphQLSchema) {
  const roots = [
    ['query', s.getQueryType()],
    ['mutation', s.getMutationType()],
    ['subscription', s.getSubscriptionType()],
  ] as const;
  return roots.filter((r): r is [(typeof r)[0], NonNullable<(typeof r)[1]>] => r[1] != null);
}

type AuthArgs = { scopes: string[]; sessionOnly?: boolean };

function authOf(field: AnyField): AuthArgs[] | undefined {
  const auth = (field.extensions?.directives as { auth?: AuthArgs | AuthArgs[] } | undefined)?.auth;
  if (auth === undefined) return undefined;
  return Array.isArray(auth) ? auth : [auth];
}

function authScopesOf(field: AnyField): string[] | undefined {
  return authOf(field)?.flatMap((a) => a.scopes);
}

const sessionOnly = (field: AnyField) => authOf(field)?.some((a) => a.sessionOnly === true) ?? false;

function describeRule(r: RateLimitRule): string {
  const per = r.identityArgs?.length ? `per ${r.identityArgs.map(code).join(' + ')} (across all addresses)` : 'per client address';
  return `${code(r.rule)}: ${r.max} per ${r.window} ${per}`;
}

/** ErrorCode of an error type, by the naming rule `FooBarError` ↔ `FOO_BAR` (checked against the enum). */
function errorCodeOf(typeName: string, codes: Set<string>): string | undefined {
  const derived = typeName
    .replace(/Error$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase();
  return codes.has(derived) ? derived : undefined;
}

function inputRows(prefix: string, arg: GraphQLArgument | GraphQLInputField, seen: Set<string>): string[] {
  const named = getNamedType(arg.type);
  const meaning = arg.description ?? (isInputObjectType(named) ? `${named.description ?? ''} The fields below.`.trim() : '');
  const rows = [`| ${code(prefix)} | ${code(String(arg.type))} | ${cell(meaning)} |`];
  if (isInputObjectType(named) && !seen.has(named.name)) {
    const inner = new Set(seen).add(named.name);
    for (const f of Object.values(named.getFields())) rows.push(...inputRows(`${prefix}.${f.name}`, f, inner));
  }
  return rows;
}

function resultLines(field: AnyField, codes: Set<string>): string[] {
  const named = getNamedType(field.type);
  if (!isUnionType(named)) {
    const linked = isObjectType(named) || isEnumType(named) ? ` (see [${code(named.name)}](#${anchor(named.name)}))` : '';
    return [`Returns ${code(String(field.type))}${linked}.`];
  }
  const members = named.getTypes().map((t) => {
    const c = errorCodeOf(t.name, codes);
    return `- [${code(t.name)}](#${anchor(t.name)})${c ? ` (${code(c)})` : ''}`;
  });
  return [`Returns ${code(String(field.type))}, one of:`, '', ...members];
}

/** `login (mutation)` → #login-mutation: operation anchors never collide with a type's (`user` / `User`). */
const opLink = (kind: string, name: string) => `[${code(name)}](#${anchor(`${name}-${kind}`)})`;

function operation(kind: string, field: AnyField, codes: Set<string>): string {
  const args = field.args.map((a) => `${a.name}: ${String(a.type)}`).join(', ');
  const out = [`### ${code(field.name)} (${kind})`, '', '```graphql', `${field.name}${args ? `(${args})` : ''}: ${String(field.type)}`, '```', ''];
  if (field.description) out.push(field.description, '');
  const scopes = authScopesOf(field);
  const who = sessionOnly(field) ? 'a signed-in session (not an API key)' : 'a session or an API key';
  out.push(
    `- **Access**: ${scopes === undefined ? 'public (no credentials needed)' : `${who}${scopes.length ? ` with scope ${scopes.map(code).join(', ')}` : ''}`}`,
  );
  const rules = rateLimitRulesOf(field);
  if (rules.length > 0) out.push(`- **Rate limits** (defaults): ${rules.map(describeRule).join('; ')}`);
  if (field.deprecationReason) out.push(`- **Deprecated**: ${field.deprecationReason}`);
  out.push('');
  if (field.args.length > 0) {
    out.push('| variable | type | meaning |', '|---|---|---|');
    for (const a of field.args) out.push(...inputRows(a.name, a, new Set()));
    out.push('');
  }
  out.push(...resultLines(field, codes), '');
  return out.join('\n');
}

function typeSection(t: GraphQLNamedType): string {
  const out = [`### ${t.name}`, ''];
  if (t.description) out.push(t.description, '');
  if (isObjectType(t) || isInterfaceType(t)) {
    const interfaces = t.getInterfaces().map((i) => code(i.name));
    if (interfaces.length > 0) out.push(`Implements ${interfaces.join(', ')}.`, '');
    out.push('| field | type | meaning |', '|---|---|---|');
    for (const f of Object.values(t.getFields())) {
      const scopes = authScopesOf(f as AnyField);
      const args = f.args.length ? `(${f.args.map((a) => `${a.name}: ${String(a.type)}`).join(', ')})` : '';
      const guard = scopes?.length ? ` Needs ${scopes.map(code).join(', ')}.` : '';
      out.push(`| ${code(f.name + args)} | ${code(String(f.type))} | ${cell(f.description)}${guard} |`);
    }
  } else if (isUnionType(t)) {
    out.push(`One of ${t.getTypes().map((m) => `[${code(m.name)}](#${anchor(m.name)})`).join(', ')}.`);
  } else if (isEnumType(t)) {
    out.push('| value | meaning |', '|---|---|');
    for (const v of t.getValues()) out.push(`| ${code(v.name)} | ${cell(v.description)}${v.deprecationReason ? ` (deprecated: ${cell(v.deprecationReason)})` : ''} |`);
  } else if (isInputObjectType(t)) {
    out.push('| field | type | meaning |', '|---|---|---|');
    for (const f of Object.values(t.getFields())) out.push(`| ${code(f.name)} | ${code(String(f.type))} | ${cell(f.description)} |`);
  } else {
    out.push('A scalar.');
  }
  out.push('');
  return out.join('\n');
}

function scopesSection(s: GraphQLSchema): string {
  const needing = new Map<string, string[]>();
  for (const [kind, root] of rootsOf(s)) {
    for (const f of Object.values(root.getFields())) {
      for (const scope of authScopesOf(f as AnyField) ?? []) needing.set(scope, [...(needing.get(scope) ?? []), opLink(kind, f.name)]);
    }
  }
  const heldBy = (scope: string) =>
    (USER_SCOPES as readonly string[]).includes(scope) ? 'USER, ADMIN' : (ADMIN_ONLY_SCOPES as readonly string[]).includes(scope) ? 'ADMIN' : 'no role grants it';
  const out = [
    '## Scopes',
    '',
    'A role grants its scopes with everything they imply; an access token carries the expanded set, an API key a subset of its owner’s (checked at creation and at every use).',
    '',
    '| scope | held by role | implies | operations needing it |',
    '|---|---|---|---|',
  ];
  for (const scope of ALL_SCOPES) {
    const implies = expandScopes([scope]).filter((x) => x !== scope);
    const ops = needing.get(scope) ?? [];
    out.push(`| ${code(scope)} | ${heldBy(scope)} | ${implies.map(code).join(' ') || '—'} | ${ops.join(', ') || '—'} |`);
  }
  out.push('');
  return out.join('\n');
}

function errorCodesSection(s: GraphQLSchema, codes: string[]): string {
  const errorTypes = Object.values(s.getTypeMap()).filter((t) => isObjectType(t) && t.getInterfaces().some((i) => i.name === 'Error'));
  const set = new Set(codes);
  const carriers = new Map<string, string[]>();
  for (const t of errorTypes) {
    const c = errorCodeOf(t.name, set);
    if (c) carriers.set(c, [...(carriers.get(c) ?? []), t.name]);
  }
  const out = [
    '## Error codes of result members',
    '',
    'Expected outcomes are members of an operation’s result union; each error member implements `Error { code message }`. Branch on `code`.',
    '',
    '| code | error type |',
    '|---|---|',
  ];
  for (const c of codes) out.push(`| ${code(c)} | ${(carriers.get(c) ?? []).map((n) => `[${code(n)}](#${anchor(n)})`).join(', ') || '—'} |`);
  out.push('');
  return out.join('\n');
}

/** The generated part of docs/api.md (after the marker). */
export function generatedReference(s: GraphQLSchema = schema): string {
  const codeEnum = s.getType('ErrorCode');
  const codes = isEnumType(codeEnum) ? codeEnum.getValues().map((v) => v.name) : [];
  const codeSet = new Set(codes);
  const parts: string[] = [];
  parts.push('## Operations', '');
  for (const [kind, root] of rootsOf(s)) {
    const fields = Object.values(root.getFields()) as AnyField[];
    parts.push(`- ${kind}: ${fields.map((f) => opLink(kind, f.name)).join(' · ')}`);
  }
  parts.push('');
  for (const [kind, root] of rootsOf(s)) {
    const fields = Object.values(root.getFields()) as AnyField[];
    parts.push(`## ${kind[0]!.toUpperCase()}${kind.slice(1)} operations`, '', ...fields.map((f) => operation(kind, f, codeSet)));
  }
  parts.push(scopesSection(s));
  parts.push(errorCodesSection(s, codes));
  const named = Object.values(s.getTypeMap()).filter((t) => !t.name.startsWith('__') && t !== s.getQueryType() && t !== s.getMutationType() && t !== s.getSubscriptionType());
  const groups: [string, (t: GraphQLNamedType) => boolean][] = [
    ['Object types', (t) => isObjectType(t) || isInterfaceType(t)],
    ['Unions', isUnionType],
    ['Input types', isInputObjectType],
    ['Enums', isEnumType],
  ];
  for (const [title, is] of groups) {
    parts.push(`## ${title}`, '', ...named.filter(is).map(typeSection));
  }
  const scalars = named.filter((t) => !isObjectType(t) && !isInterfaceType(t) && !isUnionType(t) && !isInputObjectType(t) && !isEnumType(t));
  parts.push('## Scalars', '', ...scalars.map((t) => `- ${code(t.name)}${t.description ? `: ${cell(t.description)}` : ''}`), '');
  return parts.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

/** docs/api.md as it should be: its hand-written head, the marker, then the generated reference. */
export function apiReference(current: string = readFileSync(API_MD, 'utf8')): string {
  const at = current.indexOf(GENERATED_MARKER);
  if (at < 0) throw new Error(`docs/api.md has lost its marker line: ${GENERATED_MARKER}`);
  return `${current.slice(0, at)}${GENERATED_MARKER}\n\n${generatedReference()}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(API_MD, apiReference());
  console.log('docs/api.md written');
}
