import UAParser from 'ua-parser-js';
import { auditMeta } from '../../context';
import { builder } from '../../graphql/builder';
import { errorType, expected, resultUnion } from '../../graphql/errors';
import { sessionGuard } from '../../graphql/guard';
import { NotFoundError } from './sessions.errors';
import type { SessionRow } from './sessions.table';

interface DeviceShape {
  browser: string | null;
  os: string | null;
  type: string;
}

/** A user's sessions mostly share a few user agents, and parsing one costs tens of µs: kept, bounded. */
const PARSED_LIMIT = 1000;
const parsed = new Map<string, DeviceShape>();

export function parseDevice(userAgent: string | null): DeviceShape {
  if (!userAgent) return { browser: null, os: null, type: 'unknown' };
  let device = parsed.get(userAgent);
  if (!device) {
    if (parsed.size >= PARSED_LIMIT) parsed.delete(parsed.keys().next().value!);
    parsed.set(userAgent, (device = Object.freeze(parseUncached(userAgent))));
  }
  return device;
}

function parseUncached(userAgent: string): DeviceShape {
  const ua = new UAParser(userAgent).getResult();
  const join = (name?: string, version?: string) => (name ? [name, version?.split('.')[0]].filter(Boolean).join(' ') : null);
  // ua-parser leaves device.type empty for desktops.
  const type = ua.device.type ?? (ua.browser.name || ua.os.name ? 'desktop' : 'unknown');
  return { browser: join(ua.browser.name, ua.browser.version), os: join(ua.os.name, ua.os.version), type };
}

export const DeviceRef = builder.objectRef<DeviceShape>('Device').implement({
  description: 'What the user agent says about the device (parsed, so it can be wrong or spoofed).',
  fields: (t) => ({
    browser: t.exposeString('browser', { nullable: true, description: 'e.g. "Firefox 133"' }),
    os: t.exposeString('os', { nullable: true, description: 'e.g. "Windows 10", "iOS 18"' }),
    type: t.exposeString('type', { description: 'desktop, mobile, tablet, console, smarttv, wearable, embedded or unknown' }),
  }),
});

export const SessionRef = builder.objectRef<SessionRow>('Session').implement({
  description: 'A signed-in device: one per login.',
  fields: (t) => ({
    id: t.exposeID('id'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastActiveAt: t.expose('lastActiveAt', { type: 'DateTime', description: 'Last sign-in or token refresh.' }),
    expiresAt: t.field({
      type: 'DateTime',
      description: 'When the session ends unless used again (idle timeout), never later than its absolute maximum age.',
      resolve: (s, _a, ctx) => ctx.services.sessions.endsAt(s),
    }),
    ipAddress: t.exposeString('ipAddress', { nullable: true }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
    device: t.field({ type: DeviceRef, resolve: (s) => parseDevice(s.userAgent) }),
    current: t.boolean({
      description: 'Whether this is the session making the request.',
      // A session just issued (login, rotation) is the caller's own even before it sends its token.
      resolve: async (s, _a, ctx) => {
        const viewer = await ctx.viewer();
        return (s as { isCurrent?: boolean }).isCurrent ?? (viewer?.kind === 'session' && viewer.sessionId === s.id);
      },
    }),
    mfaVerified: t.exposeBoolean('mfaVerified', { description: 'Whether this session passed a second factor (assurance level 2).' }),
    assuranceLevel: t.int({
      description: 'Authenticator assurance: 1 for a password (or a trusted device), 2 after a second factor.',
      resolve: (s) => (s.mfaVerified ? 2 : 1),
    }),
    authenticatedAt: t.expose('authenticatedAt', { type: 'DateTime', description: 'When a credential was last proved in this session.' }),
  }),
});

interface RevokeSessionSuccess {
  __typename: 'RevokeSessionSuccess';
  sessionId: string;
}
const RevokeSessionSuccessRef = builder.objectRef<RevokeSessionSuccess>('RevokeSessionSuccess').implement({
  fields: (t) => ({ sessionId: t.exposeID('sessionId') }),
});
export const NotFoundErrorRef = errorType(NotFoundError, { description: 'No such thing, or not yours (the same answer).' });
const RevokeSessionResult = resultUnion('RevokeSessionResult', 'The revoked session, or NotFoundError.', [RevokeSessionSuccessRef, NotFoundErrorRef]);

builder.queryField('sessions', (t) =>
  t.field({
    type: [SessionRef],
    ...sessionGuard('sessions:read'),
    description: "The caller's active sessions, most recently used first.",
    resolve: async (_root, _args, ctx) => ctx.services.sessions.listActive((await ctx.requireSession()).userId),
  }),
);

builder.mutationFields((t) => ({
  revokeSession: t.field({
    type: RevokeSessionResult,
    ...sessionGuard('sessions:write'),
    description: 'Ends one of your sessions; its tokens stop working on the very next request.',
    args: { id: t.arg.id({ required: true, description: 'One of your sessions (`sessions { id }`); any other id answers NotFoundError.' }) },
    resolve: async (_root, { id }, ctx) => {
      const viewer = await ctx.requireSession();
      return expected([NotFoundError], async () => {
        await ctx.services.sessions.revoke(viewer.userId, String(id), 'revoked', auditMeta(ctx, viewer));
        return { __typename: 'RevokeSessionSuccess' as const, sessionId: String(id) };
      });
    },
  }),
  revokeOtherSessions: t.int({
    ...sessionGuard('sessions:write'),
    description: 'Ends every session but this one. Returns how many ended.',
    resolve: async (_root, _args, ctx) => {
      const viewer = await ctx.requireSession();
      return ctx.services.sessions.revokeAllExcept(viewer.userId, viewer.sessionId, 'revoked_others', auditMeta(ctx, viewer));
    },
  }),
  revokeAllSessions: t.int({
    ...sessionGuard('sessions:write'),
    description: 'Ends every session, this one included. Returns how many ended. Needs a recent sign-in (REAUTH_REQUIRED otherwise).',
    resolve: async (_root, _args, ctx) => {
      const viewer = await ctx.requireSession();
      ctx.services.credentials.requireRecentAuth(viewer);
      return ctx.services.sessions.revokeAllExcept(viewer.userId, null, 'revoked_all', auditMeta(ctx, viewer));
    },
  }),
}));

