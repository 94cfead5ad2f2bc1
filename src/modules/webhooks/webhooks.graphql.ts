import { auditMeta } from '../../context';
import { builder } from '../../graphql/builder';
import { errorType, expected, resultUnion } from '../../graphql/errors';
import { guard } from '../../graphql/guard';
import { BadInputError } from '../../lib/bad-input';
import { InvalidWebhookUrlError } from './webhooks.errors';
import { NotFoundError } from '../../lib/errors';
import { NotFoundErrorRef } from '../sessions/sessions.graphql';
import type { Webhook, WebhookDelivery } from './webhooks.service';
import type { WebhookAttemptRow } from './webhooks.table';

const DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;

const WebhookRef = builder.objectRef<Webhook>('Webhook').implement({
  description:
    'A receiver of security alerts. Each alert is POSTed as `{"alert": SecurityAlert}` with the headers `x-webhook-id`, ' +
    '`x-webhook-delivery` (the same on retries: drop duplicates by it), `x-webhook-timestamp` (Unix seconds) and ' +
    '`x-webhook-signature: v1=<hex HMAC-SHA256 keyed with the whole secret over "<timestamp>.<raw body>">`. ' +
    'Any 2xx answer counts as delivered; anything else is retried with exponential backoff.',
  fields: (t) => ({
    id: t.exposeID('id'),
    url: t.exposeString('url'),
    description: t.exposeString('description', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    createdBy: t.exposeID('createdBy', { nullable: true, description: 'The admin who created it.' }),
  }),
});

const CreateWebhookPayloadRef = builder.objectRef<{ __typename: 'CreateWebhookPayload'; webhook: Webhook; secret: string }>('CreateWebhookPayload').implement({
  fields: (t) => ({
    webhook: t.field({ type: WebhookRef, resolve: (p) => p.webhook }),
    secret: t.exposeString('secret', { description: 'The signing secret (`whsec_…`), shown this once. It is stored encrypted and never shown again.' }),
  }),
});

const DeleteWebhookSuccessRef = builder.objectRef<{ __typename: 'DeleteWebhookSuccess'; webhookId: string }>('DeleteWebhookSuccess').implement({
  fields: (t) => ({ webhookId: t.exposeID('webhookId') }),
});

const WebhookDeliveryStatusEnum = builder.enumType('WebhookDeliveryStatus', {
  values: {
    PENDING: { description: 'Waiting for its next attempt (nextAttemptAt).' },
    DELIVERED: { description: 'The receiver answered 2xx.' },
    FAILED: { description: 'Out of attempts, or the webhook was deleted.' },
  },
});

const WebhookAttemptRef = builder.objectRef<WebhookAttemptRow>('WebhookAttempt').implement({
  description: 'One finished POST of a delivery.',
  fields: (t) => ({
    attempt: t.exposeInt('attempt', { description: '1 for the first attempt.' }),
    attemptedAt: t.expose('attemptedAt', { type: 'DateTime' }),
    statusCode: t.exposeInt('statusCode', { nullable: true, description: 'Null when no HTTP answer came (network error, timeout).' }),
    error: t.exposeString('error', { nullable: true, description: 'Why it did not count as delivered; null when it did.' }),
  }),
});

const WebhookDeliveryRef = builder.objectRef<WebhookDelivery>('WebhookDelivery').implement({
  description: 'One alert for one webhook, with its attempts.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Sent as `x-webhook-delivery`.' }),
    webhookId: t.exposeID('webhookId'),
    alertId: t.exposeID('alertId'),
    status: t.field({ type: WebhookDeliveryStatusEnum, resolve: (d) => d.status as (typeof DELIVERY_STATUSES)[number] }),
    attempts: t.exposeInt('attempts', { description: 'Attempts made so far (including one in progress).' }),
    lastAttemptAt: t.expose('lastAttemptAt', { type: 'DateTime', nullable: true }),
    lastStatusCode: t.exposeInt('lastStatusCode', { nullable: true }),
    lastError: t.exposeString('lastError', { nullable: true }),
    nextAttemptAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the next attempt is due; null once DELIVERED or FAILED.',
      resolve: (d) => (d.status === 'PENDING' ? d.nextAttemptAt : null),
    }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    attemptLog: t.field({ type: [WebhookAttemptRef], description: 'Every finished attempt, oldest first.', resolve: (d) => d.attemptLog }),
  }),
});

const InvalidWebhookUrlErrorRef = errorType(InvalidWebhookUrlError, {
  description: 'The URL is refused: it must be https:// to a public address (not loopback, private or link-local), without credentials.',
});
const CreateWebhookResult = resultUnion('CreateWebhookResult', 'The new webhook and its secret (shown once), or why the URL was refused.', [
  CreateWebhookPayloadRef,
  InvalidWebhookUrlErrorRef,
]);
const DeleteWebhookResult = resultUnion('DeleteWebhookResult', 'The deleted webhook, or NotFoundError.', [DeleteWebhookSuccessRef, NotFoundErrorRef]);

const CreateWebhookInput = builder.inputType('CreateWebhookInput', {
  fields: (t) => ({
    url: t.string({
      required: true,
      description:
        'https:// to a public address. The host is resolved again at every delivery and a non-public address is refused then too. Redirects are not followed. (Loopback and private receivers, and http:// to them, only with WEBHOOK_ALLOW_PRIVATE=1, for development.)',
    }),
    description: t.string({ required: false, description: 'At most 200 characters.' }),
  }),
});

builder.queryFields((t) => ({
  webhooks: t.field({
    type: [WebhookRef],
    ...guard('security:read'),
    description: 'Webhooks that receive security alerts, newest first. Secrets are never shown here.',
    resolve: (_root, _args, ctx) => ctx.services.webhooks.list(),
  }),

  webhookDeliveries: t.field({
    type: [WebhookDeliveryRef],
    ...guard('security:read'),
    description: 'The delivery log, newest first: of one webhook, or of all. `first` is at most 100 (default 20).',
    args: { webhookId: t.arg.id({ required: false }), first: t.arg.int({ required: false }) },
    resolve: (_root, { webhookId, first }, ctx) => {
      if (first != null && first < 1) throw new BadInputError('first must be at least 1.', 'first');
      return ctx.services.webhooks.deliveries({ webhookId: webhookId == null ? null : String(webhookId), first: Math.min(first ?? 20, 100) });
    },
  }),
}));

builder.mutationFields((t) => ({
  createWebhook: t.field({
    type: CreateWebhookResult,
    ...guard('users:write'),
    description: 'Registers a receiver for every security alert from now on. The signing secret is in the answer, once.',
    args: { input: t.arg({ type: CreateWebhookInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const viewer = await ctx.requireViewer();
      return expected([InvalidWebhookUrlError], async () => ({
        __typename: 'CreateWebhookPayload' as const,
        ...(await ctx.services.webhooks.create(input, auditMeta(ctx, viewer))),
      }));
    },
  }),

  deleteWebhook: t.field({
    type: DeleteWebhookResult,
    ...guard('users:write'),
    description: 'Stops deliveries to a webhook; pending ones are marked FAILED. Its delivery log stays readable.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      const viewer = await ctx.requireViewer();
      return expected([NotFoundError], async () => {
        await ctx.services.webhooks.remove(String(id), auditMeta(ctx, viewer));
        return { __typename: 'DeleteWebhookSuccess' as const, webhookId: String(id) };
      });
    },
  }),
}));
