/**
 * One declaration per guarded field: `...guard('sessions:read')` both enforces the scopes (at
 * resolve time, and at subscribe time for subscriptions) and prints `@auth(scopes: [...])` into
 * the SDL, so codegen consumers see exactly what is enforced.
 */
import { GraphQLError } from 'graphql';
import { forbiddenForApiKeys, type Context } from '../context';
import { hasScope, type Scope } from '../modules/authz/scopes';

export function guard(...scopes: Scope[]) {
  return guarded(scopes, { sessionOnly: false });
}

/** Credential management (password, MFA, keys, sessions): never reachable with an API key. */
export function sessionGuard(...scopes: Scope[]) {
  return guarded(scopes, { sessionOnly: true });
}

function guarded(scopes: Scope[], opts: { sessionOnly: boolean }) {
  return {
    // Printed, so clients (and docs/api.md) see that API keys are refused. No `extensions` here:
    // a field's other declarations (oncePerDocument) use that key, and a spread would replace them.
    directives: { auth: opts.sessionOnly ? { scopes, sessionOnly: true } : { scopes } },
    authScopes: async (_parent: unknown, _args: unknown, ctx: Context) => {
      const viewer = await ctx.requireViewer();
      if (opts.sessionOnly && viewer.kind !== 'session') throw forbiddenForApiKeys();
      const missing = scopes.filter((s) => !hasScope(viewer.scopes, s));
      if (missing.length > 0) {
        throw new GraphQLError(`This needs the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`, {
          extensions: { code: 'FORBIDDEN', missingScopes: missing },
        });
      }
      return true;
    },
  } as const;
}
