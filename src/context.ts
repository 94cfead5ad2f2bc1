/**
 * Per-request context. Who is calling is resolved lazily and at most once: requests that do
 * not need an identity (register, login, rotateRefresh) never verify a token, so a stale
 * Authorization header cannot break a refresh. When a field does need one, a bad token is an
 * UNAUTHENTICATED error with a reason (TOKEN_EXPIRED tells the client to refresh), never null.
 */
import { GraphQLError } from 'graphql';
import { unauthenticated } from './graphql/auth-errors';
import { protectionUnavailable } from './modules/ratelimit/rate-limit.service';
import type { Services } from './services';
import type { Config } from './config';
import type { Logger } from './logger';
import { AccessTokenError } from './modules/keys/access-token.service';
import { API_KEY_PREFIX, type ApiKeyViewer } from './modules/apikeys/apikeys.service';

export interface SessionViewer {
  kind: 'session';
  userId: string;
  sessionId: string;
  scopes: string[];
  amr: string[];
  authTime: Date;
  /** When the access token expires: long-lived operations (subscriptions) end then. */
  expiresAt: Date;
}
export type Viewer = SessionViewer | ApiKeyViewer;

export interface RequestInfo {
  ip: string;
  userAgent: string | null;
  requestId: string;
}

export interface Context {
  services: Services;
  config: Config;
  logger: Logger;
  request: Request;
  info: RequestInfo;
  /** The caller, or null when no credentials were presented. Throws UNAUTHENTICATED for bad ones. */
  viewer(): Promise<Viewer | null>;
  /** Like viewer(), but anonymous is an error too. */
  requireViewer(): Promise<Viewer>;
  /** A signed-in session: API keys are refused (they never manage credentials). */
  requireSession(): Promise<SessionViewer>;
}

/** Query parameters that would put a credential into URLs (logs, history, Referer): refused. */
const CREDENTIAL_PARAMS = new Set(['api_key', 'apikey', 'access_token', 'token', 'key', 'x-api-key']);

/** Refuses any request carrying a credential-like query parameter, whatever it asks for. */
export function refuseCredentialsInUrl(url: string): void {
  if (!url.includes('?')) return;
  for (const name of new URL(url, 'http://x').searchParams.keys()) {
    if (CREDENTIAL_PARAMS.has(name.toLowerCase())) {
      throw unauthenticated('Credentials are never accepted in the URL: send Authorization: Bearer or X-Api-Key.', 'CREDENTIAL_IN_URL');
    }
  }
}

export function forbiddenForApiKeys(): GraphQLError {
  return new GraphQLError('API keys cannot manage credentials (password, e-mail, MFA, API keys, sessions): use a signed-in session.', {
    extensions: { code: 'FORBIDDEN', reason: 'SESSION_REQUIRED' },
  });
}

export function bearerFrom(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : '';
}

/** Who the Authorization header says is calling: null without one, UNAUTHENTICATED when bad. */
export async function authenticate(
  services: Services,
  authorization: string | null | undefined,
  extra: { apiKey?: string | null; ip?: string } = {},
): Promise<Viewer | null> {
  const bearer = bearerFrom(authorization);
  if (extra.apiKey != null || bearer?.startsWith(API_KEY_PREFIX)) {
    return services.apiKeys.authenticate((extra.apiKey ?? bearer ?? '').trim(), extra.ip ?? 'unknown');
  }
  if (bearer === undefined) return null;
  if (bearer === '') throw unauthenticated('The Authorization header must be "Bearer <token>".', 'INVALID_TOKEN');
  try {
    const claims = await services.accessTokens.verify(bearer);
    const state = await services.sessions.tokenState(claims.sid, claims.sub);
    if (!state.active) throw unauthenticated('The session behind this access token has ended.', 'SESSION_REVOKED');
    return {
      kind: 'session',
      userId: claims.sub,
      sessionId: claims.sid,
      // Roles changed since this token was issued: its scopes follow the roles, not the token.
      scopes: state.liveRoles ? services.scopesFor(state.liveRoles, { mfaVerified: claims.amr.includes('otp') }) : claims.scopes,
      amr: claims.amr,
      authTime: new Date(claims.authTime * 1000),
      expiresAt: new Date(claims.exp * 1000),
    };
  } catch (error) {
    if (error instanceof AccessTokenError) throw unauthenticated(error.message, error.reason);
    throw error;
  }
}

export function createContext(input: {
  services: Services;
  config: Config;
  logger: Logger;
  request: Request;
  info: RequestInfo;
  authorization: string | null | undefined;
}): Context {
  refuseCredentialsInUrl(input.request.url);
  let resolved: Promise<Viewer | null> | undefined;
  const viewer = () =>
    (resolved ??= authenticate(input.services, input.authorization, {
      apiKey: input.request.headers.get('x-api-key'),
      ip: input.info.ip,
    }).catch((error: unknown) => {
      if (error instanceof GraphQLError) throw error;
      // Revocation and live roles could not be checked (Redis or the database is down):
      // refuse, clearly and retryably, rather than trust the token unchecked.
      input.logger.error({ err: (error as Error).message }, 'could not check credentials: refusing');
      throw protectionUnavailable('Credentials cannot be checked right now. Please try again in a few seconds.');
    }));
  const requireViewer = async () => {
    const v = await viewer();
    if (!v) throw unauthenticated('Sign in first: this needs an access token.');
    return v;
  };
  return {
    ...input,
    viewer,
    requireViewer,
    async requireSession() {
      const v = await requireViewer();
      if (v.kind !== 'session') throw forbiddenForApiKeys();
      return v;
    },
  };
}

/** Who acted, from where: what the audit log records next to each change. */
export const auditMeta = (ctx: Context, viewer?: Viewer | null) => ({
  ip: ctx.info.ip,
  userAgent: ctx.info.userAgent,
  actorUserId: viewer?.userId ?? null,
  sessionId: viewer?.kind === 'session' ? viewer.sessionId : null,
  apiKeyId: viewer?.kind === 'apiKey' ? viewer.apiKeyId : null,
});
