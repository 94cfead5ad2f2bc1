// Plugins and scalars only; types live next to their modules.
import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { Context } from '../context';
import { hasScope } from '../modules/authz/scopes';

export const builder = new SchemaBuilder<{
  Context: Context;
  AuthScopes: { authenticated: boolean; scope: string };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
  Directives: {
    auth: { locations: 'FIELD_DEFINITION'; args: { scopes: string[] } };
    rateLimit: { locations: 'FIELD_DEFINITION'; args: { rule: string; max: number; window: string; identityArgs?: string[] } };
  };
  DefaultFieldNullability: false;
}>({
  plugins: [ScopeAuthPlugin, DirectivesPlugin],
  defaultFieldNullability: false,
  // graphql-tools' printer (schema/schema.graphql) reads directives keyed by name.
  directives: { useGraphQLToolsUnorderedDirectives: true },
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: async (ctx) => {
      const viewer = await ctx.viewer();
      return {
        authenticated: viewer !== null,
        scope: (needed: string) => viewer !== null && hasScope(viewer.scopes, needed),
      };
    },
    // guard() below throws precise errors itself; this is the fallback for plain authScopes maps.
    unauthorizedError: (_parent, _ctx, _info, result) => new GraphQLError(result.message, { extensions: { code: 'FORBIDDEN' } }),
  },
});

builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('JSON', JSONResolver);
builder.queryType({});
builder.mutationType({});
