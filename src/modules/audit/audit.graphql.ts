import { GraphQLError } from 'graphql';
import { builder } from '../../graphql/builder';
import { guard } from '../../graphql/guard';
import { BadInputError } from '../../lib/bad-input';
import { addSeconds } from '../../lib/clock';
import { hasScope } from '../authz/scopes';
import { AUDIT_ACTIONS, checkAuditFilter, type AuditLogRow } from './audit.service';

export const AuditActionEnum = builder.enumType('AuditAction', {
  description: 'What happened, in the past tense.',
  values: AUDIT_ACTIONS,
});

const AuditLogRef = builder.objectRef<AuditLogRow>('AuditLog').implement({
  description: 'One security event. Entries are hash-chained and append-only.',
  fields: (t) => ({
    id: t.exposeID('id'),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    action: t.field({ type: AuditActionEnum, resolve: (e) => e.action as (typeof AUDIT_ACTIONS)[number] }),
    success: t.exposeBoolean('success'),
    actorUserId: t.exposeID('actorUserId', { nullable: true, description: 'Who acted, when not the subject (or the same user).' }),
    userId: t.exposeID('userId', { nullable: true, description: 'Whom it concerns.' }),
    ipAddress: t.exposeString('ipAddress', { nullable: true }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
    sessionId: t.exposeID('sessionId', { nullable: true }),
    apiKeyId: t.exposeID('apiKeyId', { nullable: true }),
    details: t.field({ type: 'JSON', resolve: (e) => e.details }),
  }),
});

const AuditLogEdgeRef = builder.objectRef<{ cursor: string; node: AuditLogRow }>('AuditLogEdge').implement({
  fields: (t) => ({ cursor: t.exposeString('cursor'), node: t.field({ type: AuditLogRef, resolve: (e) => e.node }) }),
});
const PageInfoRef = builder.objectRef<{ hasNextPage: boolean; endCursor: string | null }>('PageInfo').implement({
  fields: (t) => ({
    hasNextPage: t.exposeBoolean('hasNextPage'),
    hasPreviousPage: t.boolean({ resolve: () => false }),
    startCursor: t.string({ nullable: true, resolve: () => null }),
    endCursor: t.exposeString('endCursor', { nullable: true }),
  }),
});
const AuditLogConnectionRef = builder
  .objectRef<{ edges: { cursor: string; node: AuditLogRow }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }>('AuditLogConnection')
  .implement({
    description: 'Newest first. Cursors stay valid while new events arrive.',
    fields: (t) => ({
      edges: t.field({ type: [AuditLogEdgeRef], resolve: (c) => c.edges }),
      pageInfo: t.field({ type: PageInfoRef, resolve: (c) => c.pageInfo }),
    }),
  });

export const AuditLogFilterInput = builder.inputType('AuditLogFilter', {
  fields: (t) => ({
    userId: t.id({ required: false, description: 'Someone else’s id needs audit:read:all.' }),
    actions: t.field({ type: [AuditActionEnum], required: false, description: 'Only these actions.' }),
    success: t.boolean({ required: false, description: 'Only successes (true) or only failures (false).' }),
    from: t.field({ type: 'DateTime', required: false, description: 'Only events at or after this time.' }),
    to: t.field({ type: 'DateTime', required: false, description: 'Only events at or before this time.' }),
    ipAddress: t.string({ required: false, description: 'Only events from this exact client address.' }),
  }),
});

const AuditChainProblemEnum = builder.enumType('AuditChainProblem', {
  values: { ALTERED: { description: 'The entry’s content no longer matches its hash.' }, MISSING: { description: 'An entry was removed.' }, OUT_OF_ORDER: { description: 'Entries were reordered or replaced.' } },
});
const AuditChainReportRef = builder
  .objectRef<{ valid: boolean; entriesChecked: number; firstBrokenSeq: number | null; firstBrokenId: string | null; problem: 'ALTERED' | 'MISSING' | 'OUT_OF_ORDER' | null; checkedAt: Date }>(
    'AuditChainReport',
  )
  .implement({
    fields: (t) => ({
      valid: t.exposeBoolean('valid'),
      entriesChecked: t.exposeInt('entriesChecked'),
      firstBrokenPosition: t.string({ nullable: true, description: 'Chain position of the first bad entry.', resolve: (r) => (r.firstBrokenSeq === null ? null : String(r.firstBrokenSeq)) }),
      firstBrokenId: t.exposeID('firstBrokenId', { nullable: true }),
      problem: t.field({ type: AuditChainProblemEnum, nullable: true, resolve: (r) => r.problem }),
      checkedAt: t.expose('checkedAt', { type: 'DateTime' }),
    }),
  });

const AlertCountsRef = builder.objectRef<Record<'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL', number>>('AlertCounts').implement({
  fields: (t) => ({
    low: t.int({ resolve: (c) => c.LOW }),
    medium: t.int({ resolve: (c) => c.MEDIUM }),
    high: t.int({ resolve: (c) => c.HIGH }),
    critical: t.int({ resolve: (c) => c.CRITICAL }),
  }),
});

const SecurityOverviewRef = builder
  .objectRef<{
    failedLoginsLastHour: number;
    failedLoginsLastDay: number;
    activeLockouts: number;
    activeSessions: number;
    mfaAdoptionRate: number;
    users: number;
    alertsBySeverity: Record<'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL', number>;
  }>('SecurityOverview')
  .implement({
    fields: (t) => ({
      failedLoginsLastHour: t.exposeInt('failedLoginsLastHour'),
      failedLoginsLastDay: t.exposeInt('failedLoginsLastDay'),
      activeLockouts: t.exposeInt('activeLockouts'),
      activeSessions: t.exposeInt('activeSessions'),
      users: t.exposeInt('users'),
      mfaAdoptionRate: t.exposeFloat('mfaAdoptionRate', { description: 'Share of active accounts with MFA on, 0 to 1.' }),
      alertsBySeverity: t.field({
        type: AlertCountsRef,
        description: 'Alerts raised in the last 24 hours.',
        resolve: (o) => o.alertsBySeverity,
      }),
    }),
  });

const CURSOR_PREFIX = 'audit:';
const encodeCursor = (seq: number) => Buffer.from(CURSOR_PREFIX + seq).toString('base64url');
function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const seq = Number(text.slice(CURSOR_PREFIX.length));
  if (!text.startsWith(CURSOR_PREFIX) || !Number.isSafeInteger(seq) || seq < 1) throw new BadInputError('The cursor is not valid.', 'after');
  return seq;
}

builder.queryFields((t) => ({
  auditLogs: t.field({
    type: AuditLogConnectionRef,
    ...guard('audit:read'),
    description: "Security events, newest first: the caller's own, or anyone's with audit:read:all. `first` is at most 100.",
    args: {
      filter: t.arg({ type: AuditLogFilterInput, required: false, description: 'All given conditions must hold.' }),
      first: t.arg.int({ required: false, description: 'Page size: 20 by default, at most 100 (also when given in a variable).' }),
      after: t.arg.string({ required: false, description: 'The `endCursor` of the previous page.' }),
    },
    resolve: async (_root, { filter, first, after }, ctx) => {
      const viewer = await ctx.requireViewer();
      const all = hasScope(viewer.scopes, 'audit:read:all');
      if (filter?.userId && filter.userId !== viewer.userId && !all) {
        throw new GraphQLError("Reading someone else's events needs the scope audit:read:all.", { extensions: { code: 'FORBIDDEN', missingScopes: ['audit:read:all'] } });
      }
      if (first != null && first < 1) throw new BadInputError('first must be at least 1.', 'first');
      const page = await ctx.services.audit.list(
        checkAuditFilter({ ...filter, userId: all ? (filter?.userId ?? null) : viewer.userId, actions: filter?.actions ?? null }),
        { first: Math.min(first ?? 20, 100), afterSeq: after ? decodeCursor(after) : null },
      );
      const edges = page.rows.map((node) => ({ cursor: encodeCursor(node.seq), node }));
      return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
    },
  }),

  verifyAuditChain: t.field({
    type: AuditChainReportRef,
    ...guard('audit:read:all'),
    description: 'Walks the whole chain and reports the first entry that was altered, removed or reordered.',
    resolve: async (_root, _args, ctx) => {
      const report = await ctx.services.audit.verifyChain();
      if (!report.valid) {
        await ctx.services.alerts.raise({
          type: 'AUDIT_CHAIN_BROKEN',
          severity: 'CRITICAL',
          userId: null,
          ipAddress: null,
          message: `The audit chain is broken at position ${report.firstBrokenSeq} (${report.problem?.toLowerCase()}).`,
          details: { position: report.firstBrokenSeq, problem: report.problem },
        });
      }
      return { ...report, checkedAt: ctx.services.clock.now() };
    },
  }),

  securityOverview: t.field({
    type: SecurityOverviewRef,
    ...guard('security:read'),
    description: 'Failed logins, lockouts, sessions and MFA adoption at a glance.',
    resolve: async (_root, _args, ctx) => {
      const now = ctx.services.clock.now();
      const [lastHour, lastDay, mfa, activeSessions, users, alertsBySeverity] = await Promise.all([
        ctx.services.audit.count('LOGIN_FAILED', addSeconds(now, -3600), false),
        ctx.services.audit.count('LOGIN_FAILED', addSeconds(now, -86400), false),
        ctx.services.mfa.counts(),
        ctx.services.sessions.countActive(),
        ctx.services.users.count(),
        ctx.services.alerts.countBySeverity(addSeconds(now, -86400)),
      ]);
      return {
        failedLoginsLastHour: lastHour,
        failedLoginsLastDay: lastDay,
        activeLockouts: mfa.locked,
        activeSessions,
        users,
        mfaAdoptionRate: users === 0 ? 0 : Math.round((mfa.enabled / users) * 1000) / 1000,
        alertsBySeverity,
      };
    },
  }),
}));
