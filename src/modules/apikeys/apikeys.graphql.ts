import { auditMeta } from '../../context';
import { builder } from '../../graphql/builder';
import { errorType, expected, resultUnion } from '../../graphql/errors';
import { sessionGuard } from '../../graphql/guard';
import { NotFoundError } from '../../lib/errors';
import { ReauthRequiredError } from '../mfa/mfa.errors';
import { ReauthRequiredErrorRef } from '../mfa/mfa.graphql';
import { NotFoundErrorRef } from '../sessions/sessions.graphql';
import { InvalidScopeError } from './apikeys.errors';
import { API_KEY_PREFIX, type ApiKeyRow } from './apikeys.service';

const ApiKeyRef = builder.objectRef<ApiKeyRow>('ApiKey').implement({
  description: 'An API key. The secret is shown once, at creation or rotation, never again.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    prefix: t.string({ description: 'The non-secret start of the key: the fixed prefix and the key id.', resolve: (k) => API_KEY_PREFIX + k.id.replace(/-/g, '') }),
    lastFour: t.exposeString('lastFour'),
    scopes: t.exposeStringList('scopes', { description: 'At every use, intersected with what the owner holds then.' }),
    allowedIps: t.exposeStringList('allowedIps', { description: 'Addresses and CIDR ranges; empty means anywhere.' }),
    rateLimitPerMinute: t.exposeInt('rateLimitPerMinute', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true, description: 'Updated in batches, a few seconds behind.' }),
    lastUsedIp: t.exposeString('lastUsedIp', { nullable: true }),
    useCount: t.exposeInt('useCount'),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

const CreateApiKeyPayloadRef = builder.objectRef<{ __typename: 'CreateApiKeyPayload'; apiKey: ApiKeyRow; secret: string }>('CreateApiKeyPayload').implement({
  fields: (t) => ({
    apiKey: t.field({ type: ApiKeyRef, resolve: (p) => p.apiKey }),
    secret: t.exposeString('secret', { description: 'The whole key, shown this once. Send it as Authorization: Bearer or X-Api-Key.' }),
  }),
});
const RevokeApiKeySuccessRef = builder.objectRef<{ __typename: 'RevokeApiKeySuccess'; apiKey: ApiKeyRow }>('RevokeApiKeySuccess').implement({
  fields: (t) => ({ apiKey: t.field({ type: ApiKeyRef, resolve: (p) => p.apiKey }) }),
});
const InvalidScopeErrorRef = errorType(InvalidScopeError, {
  description: 'Unknown scopes, or scopes the caller does not hold.',
  fields: (t) => ({ invalidScopes: t.exposeStringList('invalidScopes') }),
});

const CreateApiKeyResult = resultUnion('CreateApiKeyResult', 'The key and its secret (shown once), or why not.', [
  CreateApiKeyPayloadRef,
  InvalidScopeErrorRef,
  ReauthRequiredErrorRef,
]);
const RotateApiKeyResult = resultUnion('RotateApiKeyResult', 'The new secret (shown once); the old one works until the grace period ends.', [
  CreateApiKeyPayloadRef,
  NotFoundErrorRef,
]);
const RevokeApiKeyResult = resultUnion('RevokeApiKeyResult', 'The revoked key, or NotFoundError.', [RevokeApiKeySuccessRef, NotFoundErrorRef]);

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'Yours to recognise it by: 1 to 100 characters, trimmed, no control characters.' }),
    scopes: t.stringList({ required: true, description: 'A subset of your own scopes. Admin scopes need a recent sign-in.' }),
    expiresAt: t.field({ type: 'DateTime', required: false, description: 'After this the key stops working (API_KEY_EXPIRED). Absent: it never expires.' }),
    allowedIps: t.stringList({ required: false, description: 'IPv4/IPv6 addresses or CIDR ranges.' }),
    rateLimitPerMinute: t.int({ required: false, description: 'Requests a minute the key may make (1 to 1,000,000); over it: RATE_LIMITED. Absent: no per-key limit.' }),
  }),
});
const RotateApiKeyInput = builder.inputType('RotateApiKeyInput', {
  fields: (t) => ({
    id: t.id({ required: true, description: 'The key to rotate.' }),
    gracePeriodSeconds: t.int({ required: false, description: 'How long the old secret keeps working (default 0, at most 7 days).' }),
  }),
});

builder.queryField('apiKeys', (t) =>
  t.field({
    type: [ApiKeyRef],
    ...sessionGuard('apikeys:read'),
    description: 'Your API keys, newest first (revoked ones included). Never the secrets.',
    resolve: async (_root, _args, ctx) => ctx.services.apiKeys.list((await ctx.requireSession()).userId),
  }),
);

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreateApiKeyResult,
    ...sessionGuard('apikeys:write'),
    description: 'Creates an API key; the secret is in the answer, once.',
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const viewer = await ctx.requireSession();
      return expected([InvalidScopeError, ReauthRequiredError], async () => {
        if (ctx.services.apiKeys.isPrivileged(input.scopes)) ctx.services.credentials.requireRecentAuth(viewer);
        const created = await ctx.services.apiKeys.create({ userId: viewer.userId, scopes: viewer.scopes }, input, auditMeta(ctx, viewer));
        return { __typename: 'CreateApiKeyPayload' as const, ...created };
      });
    },
  }),

  rotateApiKey: t.field({
    type: RotateApiKeyResult,
    ...sessionGuard('apikeys:write'),
    description: 'Issues a new secret for a key; the old one keeps working for gracePeriodSeconds, then stops.',
    args: { input: t.arg({ type: RotateApiKeyInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const viewer = await ctx.requireSession();
      return expected([NotFoundError], async () => ({
        __typename: 'CreateApiKeyPayload' as const,
        ...(await ctx.services.apiKeys.rotate(viewer.userId, String(input.id), input.gracePeriodSeconds ?? 0, auditMeta(ctx, viewer))),
      }));
    },
  }),

  revokeApiKey: t.field({
    type: RevokeApiKeyResult,
    ...sessionGuard('apikeys:write'),
    description: 'Stops a key on every instance from the next request.',
    args: { id: t.arg.id({ required: true, description: 'The key to revoke.' }) },
    resolve: async (_root, { id }, ctx) => {
      const viewer = await ctx.requireSession();
      return expected([NotFoundError], async () => ({
        __typename: 'RevokeApiKeySuccess' as const,
        apiKey: await ctx.services.apiKeys.revoke(viewer.userId, String(id), auditMeta(ctx, viewer)),
      }));
    },
  }),
}));
