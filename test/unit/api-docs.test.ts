import { readFileSync } from 'node:fs';
import { isEnumType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema';
import { apiReference, GENERATED_MARKER } from '../../src/scripts/print-docs';

const apiMd = () => readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');

describe('docs/api.md', () => {
  it('is the reference generated from the Pothos schema (run `npm run docs` when this fails)', () => {
    const current = apiMd();
    expect(current).toContain(GENERATED_MARKER);
    expect(current).toBe(apiReference(current));
  });

  it('documents every operation with its scopes and rate limits', () => {
    const doc = apiMd();
    for (const root of [schema.getQueryType()!, schema.getMutationType()!, schema.getSubscriptionType()!]) {
      for (const name of Object.keys(root.getFields())) expect(doc).toContain(`### \`${name}\` (${root.name.toLowerCase()})`);
    }
    expect(doc).toMatch(/### `login` \(mutation\)[\s\S]*?`login`: 10 per 1m per client address; `login.account`: 20 per 1h per `input.email`/);
    expect(doc).toMatch(/### `updateProfile` \(mutation\)[\s\S]*?a session or an API key with scope `profile:write`/);
    expect(doc).toMatch(/### `revokeSession` \(mutation\)[\s\S]*?a signed-in session \(not an API key\) with scope `sessions:write`/);
  });

  it('names each error member by its code (FooBarError carries FOO_BAR), so the code table is complete', () => {
    const codeEnum = schema.getType('ErrorCode');
    if (!isEnumType(codeEnum)) throw new Error('ErrorCode is not an enum');
    const codes = new Set(codeEnum.getValues().map((v) => v.name));
    const errorTypes = Object.values(schema.getTypeMap()).filter((t) => isObjectType(t) && t.getInterfaces().some((i) => i.name === 'Error'));
    for (const t of errorTypes) {
      const derived = t.name.replace(/Error$/, '').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
      expect(codes, t.name).toContain(derived);
    }
  });

  it('is what the README points at, and the README points at nothing outside the repository', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('](docs/api.md)');
    expect(readme).not.toMatch(/\]\(\.\.\//);
  });
});
