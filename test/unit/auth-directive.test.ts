/**
 * The @auth directive in the printed SDL is documentation codegen consumers rely on: it must be
 * on exactly the fields that enforce scopes, with exactly the scopes enforced.
 */
import { isInterfaceType, isObjectType, Kind, parse, type ObjectTypeDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema';
import { printedSchema } from '../../src/scripts/print-schema';

function enforced(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(isObjectType(type) || isInterfaceType(type)) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const options = (field.extensions as { pothosOptions?: { authScopes?: unknown; directives?: { auth?: { scopes: string[] } } } }).pothosOptions;
      if (options?.authScopes) out.set(`${type.name}.${field.name}`, options.directives?.auth?.scopes ?? ['<no @auth>']);
    }
  }
  return out;
}

function printed(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const def of parse(printedSchema()).definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    for (const field of (def as ObjectTypeDefinitionNode).fields ?? []) {
      const auth = field.directives?.find((d) => d.name.value === 'auth');
      if (!auth) continue;
      const arg = auth.arguments?.find((a) => a.name.value === 'scopes');
      const scopes = arg?.value.kind === Kind.LIST ? arg.value.values.map((v) => (v.kind === Kind.STRING ? v.value : '?')) : [];
      out.set(`${def.name.value}.${field.name.value}`, scopes);
    }
  }
  return out;
}

describe('@auth in the printed schema', () => {
  it('is on every field that enforces scopes, with the same scopes, and on no other field', () => {
    const a = enforced();
    const b = printed();
    expect(a.size).toBeGreaterThan(15);
    expect(Object.fromEntries(b)).toEqual(Object.fromEntries(a));
  });

  it('guards the operations the contract puts behind a scope', () => {
    const b = printed();
    expect(b.get('Query.sessions')).toEqual(['sessions:read']);
    expect(b.get('Query.auditLogs')).toEqual(['audit:read']);
    expect(b.get('Query.verifyAuditChain')).toEqual(['audit:read:all']);
    expect(b.get('Query.securityOverview')).toEqual(['security:read']);
    expect(b.get('Subscription.securityAlerts')).toEqual(['alerts:read']);
    expect(b.get('Mutation.setUserRoles')).toEqual(['users:write']);
    // Public by design: a client needs these without a token.
    for (const open of ['Mutation.login', 'Mutation.register', 'Mutation.rotateRefresh', 'Mutation.verifyMfaLogin', 'Query.me']) expect(b.has(open)).toBe(false);
  });
});
