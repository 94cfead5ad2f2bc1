import { Repeater } from 'graphql-yoga';
import { builder } from '../../graphql/builder';
import { sessionGuard } from '../../graphql/guard';
import type { Pubsub } from '../../pubsub';
import { ALERT_TYPES, SEVERITIES, type AlertPayload, type Severity } from './alerts.service';

export const AlertSeverityEnum = builder.enumType('AlertSeverity', { values: SEVERITIES });
export const SecurityAlertTypeEnum = builder.enumType('SecurityAlertType', { values: ALERT_TYPES });

const SecurityAlertRef = builder.objectRef<AlertPayload>('SecurityAlert').implement({
  description: 'Something security-relevant happened: raised by a rule over the audit log.',
  fields: (t) => ({
    id: t.exposeID('id'),
    type: t.field({ type: SecurityAlertTypeEnum, resolve: (a) => a.type }),
    severity: t.field({ type: AlertSeverityEnum, resolve: (a) => a.severity }),
    userId: t.exposeID('userId', { nullable: true }),
    ipAddress: t.exposeString('ipAddress', { nullable: true }),
    message: t.exposeString('message'),
    occurredAt: t.field({ type: 'DateTime', resolve: (a) => new Date(a.occurredAt) }),
    details: t.field({ type: 'JSON', resolve: (a) => a.details }),
  }),
});

const SecurityAlertFilterInput = builder.inputType('SecurityAlertFilter', {
  fields: (t) => ({
    minSeverity: t.field({ type: AlertSeverityEnum, required: false, description: 'Only this severity and above.' }),
    types: t.field({ type: [SecurityAlertTypeEnum], required: false }),
  }),
});

/** Alerts for one subscriber until it unsubscribes or its session is revoked. */
function alertStream(pubsub: Pubsub, sessionId: string, filter: { minSeverity?: Severity | null; types?: string[] | null }) {
  const min = SEVERITIES.indexOf(filter.minSeverity ?? 'LOW');
  const wanted = (a: AlertPayload) => SEVERITIES.indexOf(a.severity) >= min && (!filter.types?.length || filter.types.includes(a.type));
  return new Repeater<AlertPayload>(async (push, stop) => {
    const alerts = pubsub.subscribe('alerts')[Symbol.asyncIterator]();
    const revoked = pubsub.subscribe('sessionRevoked')[Symbol.asyncIterator]();
    const pump = async () => {
      for (let next = await alerts.next(); !next.done; next = await alerts.next()) if (wanted(next.value)) await push(next.value);
    };
    const watch = async () => {
      for (let next = await revoked.next(); !next.done; next = await revoked.next()) if (next.value === sessionId) return stop();
    };
    void pump().catch(stop);
    void watch().catch(stop);
    await stop;
    await Promise.allSettled([alerts.return?.(), revoked.return?.()]);
  });
}

builder.subscriptionType({});
builder.subscriptionField('securityAlerts', (t) =>
  t.field({
    type: SecurityAlertRef,
    ...sessionGuard('alerts:read'),
    description: 'Live security alerts from every instance, over SSE or WebSocket. Ends when the subscribing session is revoked.',
    args: { filter: t.arg({ type: SecurityAlertFilterInput, required: false }) },
    subscribe: async (_root, { filter }, ctx) => {
      const viewer = await ctx.requireSession();
      return alertStream(ctx.services.pubsub, viewer.sessionId, { minSeverity: filter?.minSeverity, types: filter?.types });
    },
    resolve: (alert) => alert,
  }),
);
