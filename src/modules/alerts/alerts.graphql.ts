import { GraphQLError } from 'graphql';
import { Repeater } from 'graphql-yoga';
import { builder } from '../../graphql/builder';
import { sessionGuard } from '../../graphql/guard';
import type { Pubsub } from '../../pubsub';
import type { Watch } from '../sessions/sessions.watch';
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

type Ending = { ending: GraphQLError };

/**
 * Alerts for one subscriber until it unsubscribes or its authorization ends (token expiry,
 * session revoked, scope lost): then one last event carries the error, and the stream completes.
 */
function alertStream(pubsub: Pubsub, startWatch: () => Watch, filter: { minSeverity?: Severity | null; types?: string[] | null }) {
  const min = SEVERITIES.indexOf(filter.minSeverity ?? 'LOW');
  const wanted = (a: AlertPayload) => SEVERITIES.indexOf(a.severity) >= min && (!filter.types?.length || filter.types.includes(a.type));
  return new Repeater<AlertPayload | Ending>(async (push, stop) => {
    const watch = startWatch();
    const alerts = pubsub.subscribe('alerts')[Symbol.asyncIterator]();
    const end = async (ending: GraphQLError) => {
      await push({ ending });
      stop();
    };
    const pump = async () => {
      for (let next = await alerts.next(); !next.done; next = await alerts.next()) {
        if (!wanted(next.value)) continue;
        // Events can be missed: nothing is delivered without checking the caller again.
        if (await watch.recheck()) return;
        await push(next.value);
      }
    };
    void watch.ended.then(end);
    void pump().catch(stop);
    await stop;
    watch.stop();
    await alerts.return?.();
  });
}

builder.subscriptionType({});
builder.subscriptionField('securityAlerts', (t) =>
  t.field({
    type: SecurityAlertRef,
    ...sessionGuard('alerts:read'),
    description:
      'Live security alerts from every instance, over SSE or WebSocket. The stream ends with a last error when its access token expires ' +
      '(UNAUTHENTICATED, reason TOKEN_EXPIRED: refresh and subscribe again), when its session ends (UNAUTHENTICATED, SESSION_REVOKED), ' +
      'or when the caller loses alerts:read (FORBIDDEN).',
    args: { filter: t.arg({ type: SecurityAlertFilterInput, required: false }) },
    subscribe: async (_root, { filter }, ctx) => {
      const viewer = await ctx.requireSession();
      const watch = () => ctx.services.sessionWatch.watch(viewer, ['alerts:read']);
      return alertStream(ctx.services.pubsub, watch, { minSeverity: filter?.minSeverity, types: filter?.types });
    },
    resolve: (event) => {
      if ('ending' in event) throw event.ending;
      return event;
    },
  }),
);
