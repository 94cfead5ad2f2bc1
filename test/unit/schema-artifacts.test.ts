import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printedSchema } from '../../src/scripts/print-schema';

describe('schema/schema.graphql', () => {
  it('is the SDL printed from the Pothos schema (run `npm run schema` when this fails)', () => {
    expect(readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8')).toBe(printedSchema());
  });

  it('shows the contract’s result unions with exactly their members', () => {
    const sdl = printedSchema();
    expect(sdl).toContain('union LoginResult = AccountLockedError | AuthPayload | InvalidCredentialsError | MfaChallenge');
    expect(sdl).toContain('union RegisterResult = AuthPayload | EmailTakenError | WeakPasswordError');
    expect(sdl).toContain('union RotateRefreshResult = AuthPayload | InvalidRefreshTokenError | RefreshTokenReusedError');
    expect(sdl).toContain('union RevokeSessionResult = NotFoundError | RevokeSessionSuccess');
    // Session-only fields say so, so a client knows an API key will be refused.
    expect(sdl).toMatch(/sessions: \[Session!\]! @auth\(scopes: \["sessions:read"\], sessionOnly: true\)/);
    expect(sdl).toContain('updateProfile(input: UpdateProfileInput!): UpdateProfileResult! @auth(scopes: ["profile:write"])');
  });
});
