/**
 * Enforces the `@rateLimit` declarations (see rate-limit.directive.ts) with graphql-rate-limit's
 * limiter over an atomic store: Redis when configured, so limits hold across instances, else
 * in-process. Per-IP rules count IPv6 clients by /64; rules with `identityArgs` count per those
 * argument values (e-mail addresses normalised first, so `A@x.org` and `a@x.org` share a count)
 * across every address.
 *
 * Fail closed: when the store cannot be reached, the guarded operation is refused with
 * SERVICE_UNAVAILABLE instead of running without a limit.
 */
import { GraphQLError, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { getFieldIdentity, getGraphQLRateLimiter } from 'graphql-rate-limit';
import type { Redis } from 'ioredis';
import type { RateLimitOverride } from '../../config';
import type { Clock } from '../../lib/clock';
import { ipGroup } from '../../lib/ip';
import type { Logger } from '../../logger';
import { normalizeEmail } from '../users/email';
import { AtomicRateLimitStore, memoryRateLimitBackend, redisRateLimitBackend, type RateLimitBackend } from './rate-limit.store';
import { parseDuration } from '../../lib/duration';
import { accountRateLimits, type RateLimitRule } from './rate-limit.directive';

type Call = { args: Record<string, unknown>; ip: string; info: GraphQLResolveInfo };

export interface RateLimitService {
  /** Counts this call against each rule; throws RATE_LIMITED (or SERVICE_UNAVAILABLE) when refused. */
  enforce(rules: readonly RateLimitRule[], call: Call): Promise<void>;
  /** Counts this call against each rule; false when one is over its limit (for `excess: silent`). */
  allows(rules: readonly RateLimitRule[], call: Call): Promise<boolean>;
  /** Forgets the buckets of rules counted per e-mail address for this address (unlock, completed reset). */
  forgetAccount(schema: GraphQLSchema, email: string): Promise<void>;
  /** The rule as enforced: its declared default, or the configured override. */
  effective(rule: RateLimitRule): { max: number; windowSeconds: number };
}

export function rateLimited(retryAfterSeconds: number, message = `Too many attempts. Try again in ${retryAfterSeconds} seconds.`): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'RATE_LIMITED', retryAfterSeconds, http: { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } } },
  });
}

/** The abuse-protection store (Redis) did not answer: refuse rather than run unlimited. */
export function protectionUnavailable(message = 'Sign-in is briefly unavailable. Please try again in a few seconds.'): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5, http: { status: 503, headers: { 'retry-after': '5' } } },
  });
}

export function createRateLimitService(deps: {
  redis: Redis | undefined;
  clock: Clock;
  logger: Logger;
  overrides: Record<string, RateLimitOverride>;
}): RateLimitService {
  const backend: RateLimitBackend = deps.redis ? redisRateLimitBackend(deps.redis) : memoryRateLimitBackend();
  const limiters = new Map<string, { store: AtomicRateLimitStore; limit: ReturnType<typeof getGraphQLRateLimiter> }>();

  function effective(rule: RateLimitRule) {
    const override = deps.overrides[rule.rule];
    return override ? { max: override.max, windowSeconds: override.window } : { max: rule.max, windowSeconds: parseDuration(rule.window)! };
  }

  function limiterFor(rule: RateLimitRule) {
    let entry = limiters.get(rule.rule);
    if (!entry) {
      const { max, windowSeconds } = effective(rule);
      const store = new AtomicRateLimitStore(backend, deps.clock, { name: rule.rule, max, windowMs: windowSeconds * 1000 });
      const limit = getGraphQLRateLimiter({ store, identifyContext: (context: { identity: string }) => context.identity });
      entry = { store, limit };
      limiters.set(rule.rule, entry);
    }
    return entry;
  }

  /** Counts one call; the seconds until it may come again when refused, else undefined. */
  async function hit(rule: RateLimitRule, { args, ip, info }: Call): Promise<number | undefined> {
    const { windowSeconds } = effective(rule);
    const { store, limit } = limiterFor(rule);
    const identityArgs = rule.identityArgs ?? [];
    const keyArgs = normalizeIdentityArgs(args, identityArgs);
    const identity = identityArgs.length > 0 ? '*' : ipGroup(ip);
    let refused: string | undefined;
    try {
      refused = await limit(
        { parent: undefined, args: keyArgs, context: { identity }, info },
        // max 1: the store answers with the atomic verdict (see AtomicRateLimitStore).
        { max: 1, window: String(windowSeconds * 1000), identityArgs },
      );
    } catch (error) {
      deps.logger.error({ err: (error as Error).message, rule: rule.rule }, 'rate-limit store unreachable: refusing');
      throw protectionUnavailable();
    }
    if (refused === undefined) return undefined;
    return store.takeRetryAfter({ contextIdentity: identity, fieldIdentity: getFieldIdentity(info.fieldName, identityArgs, keyArgs) });
  }

  return {
    effective,
    async enforce(rules, call) {
      for (const rule of rules) {
        const retryAfter = await hit(rule, call);
        if (retryAfter !== undefined) throw rateLimited(retryAfter);
      }
    },
    async allows(rules, call) {
      let allowed = true;
      for (const rule of rules) if ((await hit(rule, call)) !== undefined) allowed = false;
      return allowed;
    },
    async forgetAccount(schema, email) {
      for (const { fieldName, rule } of accountRateLimits(schema)) {
        const identityArgs = rule.identityArgs ?? [];
        const args: Record<string, unknown> = {};
        for (const path of identityArgs) {
          const parts = path.split('.');
          let target = args;
          parts.slice(0, -1).forEach((p) => (target = (target[p] ??= {}) as Record<string, unknown>));
          target[parts[parts.length - 1]!] = email;
        }
        const keyArgs = normalizeIdentityArgs(args, identityArgs);
        try {
          await limiterFor(rule).store.forget({ contextIdentity: '*', fieldIdentity: getFieldIdentity(fieldName, identityArgs, keyArgs) });
        } catch (error) {
          deps.logger.error({ err: (error as Error).message, rule: rule.rule }, 'rate-limit store unreachable: bucket not cleared');
          throw protectionUnavailable('The account could not be unlocked completely. Please try again in a few seconds.');
        }
      }
    },
  };
}

/** Copies only the identity arguments, with e-mail addresses normalised. */
function normalizeIdentityArgs(args: Record<string, unknown>, paths: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    const parts = path.split('.');
    let value: unknown = args;
    for (const p of parts) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[p] : undefined;
    if (typeof value === 'string' && /email$/i.test(parts[parts.length - 1]!)) value = normalizeEmail(value);
    let target = out;
    parts.slice(0, -1).forEach((p) => (target = (target[p] ??= {}) as Record<string, unknown>));
    target[parts[parts.length - 1]!] = value;
  }
  return out;
}
