/**
 * One declaration per rate-limited field: `...rateLimit({ rule: 'login', max: 10, window: '1m' })`
 * prints `@rateLimit(...)` into the SDL and is what the server enforces (schema.ts wraps every
 * field carrying it), so clients and codegen consumers see the same limits that apply. The
 * printed numbers are the defaults; RATE_LIMIT_<RULE> overrides them per deployment.
 */
import { defaultFieldResolver, DirectiveLocation, GraphQLDirective, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLString, isObjectType, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import type { Context } from '../../context';

export interface RateLimitRule {
  /** The rule's name, also its configuration key (`login.account` → RATE_LIMIT_LOGIN_ACCOUNT). */
  rule: string;
  max: number;
  /** A duration: 30s, 1m, 1h. */
  window: string;
  /** Count per these argument values across all addresses (default: per client IP). */
  identityArgs?: string[];
  /**
   * What a call over the limit gets, when not simply RATE_LIMITED. Such a rule is enforced by
   * its resolver (which knows more than the arguments), not by the wrapper:
   * - `silent`: the call answers as usual, but does nothing more (a per-account mail limit
   *   that a stranger can empty must not tell, nor refuse, anyone);
   * - `refusedUnlessTrustedDevice`: refused, except for a call that carries a valid trusted-device
   *   token of the account (a stranger cannot deny the owner's own device).
   */
  excess?: 'silent' | 'refusedUnlessTrustedDevice';
}

export function rateLimit(...rules: RateLimitRule[]) {
  return { directives: { rateLimit: rules } } as unknown as { directives: { rateLimit: RateLimitRule } };
}

export const rateLimitDirective = new GraphQLDirective({
  name: 'rateLimit',
  description:
    'At most `max` calls per `window`, counted per client IP (IPv6 per /64), or, with `identityArgs`, per those argument values across all addresses. Over the limit: RATE_LIMITED with `retryAfterSeconds`, unless `excess` says otherwise: `silent` (the call answers as usual and does nothing more) or `refusedUnlessTrustedDevice` (a call with a valid trusted-device token of the account passes). The numbers shown are the defaults; a deployment may override them.',
  isRepeatable: true,
  locations: [DirectiveLocation.FIELD_DEFINITION],
  args: {
    rule: { type: new GraphQLNonNull(GraphQLString) },
    max: { type: new GraphQLNonNull(GraphQLInt) },
    window: { type: new GraphQLNonNull(GraphQLString) },
    identityArgs: { type: new GraphQLList(new GraphQLNonNull(GraphQLString)) },
    excess: { type: GraphQLString },
  },
});

/** The rules declared on a field, in declaration order. */
export function rateLimitRulesOf(field: { extensions?: { directives?: unknown } | null }): RateLimitRule[] {
  const declared = (field.extensions?.directives as { rateLimit?: RateLimitRule | RateLimitRule[] } | undefined)?.rateLimit;
  return declared === undefined ? [] : Array.isArray(declared) ? declared : [declared];
}

/** The rules of the field being resolved that its resolver enforces itself (those with `excess`). */
export function resolverRateLimits(info: GraphQLResolveInfo): RateLimitRule[] {
  return rateLimitRulesOf(info.parentType.getFields()[info.fieldName]!).filter((r) => r.excess !== undefined);
}

/** Every rule counted per e-mail address, with its field: what unlocking an account forgets. */
export function accountRateLimits(schema: GraphQLSchema): { fieldName: string; rule: RateLimitRule }[] {
  const out: { fieldName: string; rule: RateLimitRule }[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      for (const rule of rateLimitRulesOf(field)) {
        if ((rule.identityArgs ?? []).some((a) => /email$/i.test(a))) out.push({ fieldName: field.name, rule });
      }
    }
  }
  return out;
}

/** Wraps every field that declares @rateLimit so its rules are counted before it resolves (except those its resolver enforces). */
export function enforceRateLimits(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const rules = rateLimitRulesOf(field).filter((r) => r.excess === undefined);
      if (rules.length === 0) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = async (parent, args, ctx: Context, info) => {
        await ctx.services.rateLimits.enforce(rules, { args, ip: ctx.info.ip, info });
        return resolve(parent, args, ctx, info);
      };
    }
  }
  return schema;
}
