import { GraphQLError } from 'graphql';
import { BadInputError } from '../../lib/bad-input';
import { auditMeta, type Context } from '../../context';
import { builder } from '../../graphql/builder';
import { oncePerDocument } from '../../graphql/once-per-document';
import { errorType, expected, resultUnion } from '../../graphql/errors';
import { sessionGuard } from '../../graphql/guard';
import { SessionRef } from '../sessions/sessions.graphql';
import { InvalidRefreshTokenError, NotFoundError, RefreshTokenReusedError } from '../sessions/sessions.errors';
import { UserRef } from '../users/users.graphql';
import { EmailTakenError, WeakPasswordError } from '../users/users.errors';
import { AccountLockedError, InvalidCredentialsError } from './auth.errors';
import type { AuthPayload, MfaChallengeShape } from './auth.service';
import { rateLimit, resolverRateLimits } from '../ratelimit/rate-limit.directive';

/**
 * Cookie mode: the refresh token travels only in an HttpOnly; Secure; SameSite=Strict cookie
 * scoped to /graphql, out of reach of page scripts. A request that relies on the cookie must
 * also carry the `x-graphql-csrf` header, which a cross-site form or image cannot add.
 * The `__Secure-` prefix makes browsers refuse the name from a plain-http page or without
 * Secure, so a network attacker cannot plant a cookie of that name. A token read from the cookie
 * is never put in a body: a page that can make the request (a same-site sibling) must not be
 * able to read the token out.
 */
export const REFRESH_COOKIE = '__Secure-refresh_token';
export const CSRF_HEADER = 'x-graphql-csrf';
const COOKIE_PATH = '/graphql';

export async function deliverRefresh(ctx: Context, payload: AuthPayload, useCookies: boolean): Promise<AuthPayload> {
  if (!useCookies) return payload;
  await ctx.request.cookieStore?.set({
    name: REFRESH_COOKIE,
    value: payload.refreshToken!,
    expires: payload.refreshTokenExpiresAt.getTime(),
    path: COOKIE_PATH,
    httpOnly: true,
    secure: true,
    sameSite: 'strict',
    domain: null,
  });
  return { ...payload, refreshToken: null };
}

async function clearRefreshCookie(ctx: Context) {
  if (await ctx.request.cookieStore?.get(REFRESH_COOKIE)) {
    await ctx.request.cookieStore?.delete({ name: REFRESH_COOKIE, path: COOKIE_PATH });
  }
}

export const AuthPayloadRef = builder.objectRef<AuthPayload>('AuthPayload').implement({
  description: 'A signed-in session: a short-lived access token and the refresh token that renews it.',
  fields: (t) => ({
    accessToken: t.exposeString('accessToken', { description: 'A JWT (RFC 9068) to send as `Authorization: Bearer`.' }),
    accessTokenExpiresAt: t.expose('accessTokenExpiresAt', { type: 'DateTime' }),
    refreshToken: t.exposeString('refreshToken', { nullable: true, description: 'Single use. Null in cookie mode.' }),
    refreshTokenExpiresAt: t.expose('refreshTokenExpiresAt', { type: 'DateTime' }),
    session: t.field({ type: SessionRef, resolve: (p) => ({ ...p.session, isCurrent: true }) }),
    user: t.field({ type: UserRef, resolve: (p) => p.user }),
    trustedDeviceToken: t.exposeString('trustedDeviceToken', { nullable: true }),
  }),
});

export const MfaMethodEnum = builder.enumType('MfaMethod', { values: ['TOTP', 'BACKUP_CODE'] as const });

const MfaChallengeRef = builder.objectRef<MfaChallengeShape>('MfaChallenge').implement({
  description: 'The password was right and the account has MFA: complete the login with verifyMfaLogin.',
  fields: (t) => ({
    challengeToken: t.exposeString('challengeToken'),
    methods: t.field({ type: [MfaMethodEnum], resolve: (c) => c.methods }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
  }),
});

export const InvalidCredentialsErrorRef = errorType(InvalidCredentialsError, {
  description: 'The e-mail address or the password is wrong (deliberately not saying which).',
});
export const AccountLockedErrorRef = errorType(AccountLockedError, {
  description: 'Too many failures: sign-in is locked until `lockedUntil` (null: until an administrator unlocks it), whether or not the password is right.',
  fields: (t) => ({ lockedUntil: t.expose('lockedUntil', { type: 'DateTime', nullable: true }) }),
});
const InvalidRefreshTokenErrorRef = errorType(InvalidRefreshTokenError, { description: 'Unknown, expired, or of an ended session.' });
const RefreshTokenReusedErrorRef = errorType(RefreshTokenReusedError, {
  description: 'A spent refresh token was presented again: the whole session has been revoked.',
});

const LoginResult = resultUnion('LoginResult', 'A session, an MFA challenge, or why not.', [
  AuthPayloadRef,
  MfaChallengeRef,
  InvalidCredentialsErrorRef,
  AccountLockedErrorRef,
]);
const RotateRefreshResult = resultUnion('RotateRefreshResult', 'New tokens; the presented refresh token is spent.', [
  AuthPayloadRef,
  InvalidRefreshTokenErrorRef,
  RefreshTokenReusedErrorRef,
]);

const LoginInput = builder.inputType('LoginInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true }),
    trustedDeviceToken: t.string({ required: false, description: 'From an earlier verifyMfaLogin(trustDevice: true).' }),
    useCookies: t.boolean({ required: false, description: 'Put the refresh token in an HttpOnly cookie instead of the body.' }),
  }),
});

const RotateRefreshInput = builder.inputType('RotateRefreshInput', {
  fields: (t) => ({
    refreshToken: t.string({ required: false, description: 'Omit in cookie mode (then the `x-graphql-csrf` header is required).' }),
    useCookies: t.boolean({
      required: false,
      description:
        'Answer in cookie mode (the new refresh token in the cookie, null in the body). Defaults to true when the token comes from the cookie; `false` with a token from the cookie is refused (BAD_USER_INPUT, nothing spent): a token read from the cookie is never returned in a body.',
    }),
  }),
});

export const EmailTakenErrorRef = errorType(EmailTakenError, { description: 'An account with this e-mail address exists already.' });
export const WeakPasswordErrorRef = errorType(WeakPasswordError, {
  description: 'The password does not meet the policy; `reasons` says why, in words for the user.',
  fields: (t) => ({ reasons: t.exposeStringList('reasons') }),
});

const RegisterResult = resultUnion('RegisterResult', 'The new account, signed in; or why it was not created.', [
  AuthPayloadRef,
  EmailTakenErrorRef,
  WeakPasswordErrorRef,
]);

const RegisterInput = builder.inputType('RegisterInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true, description: 'Any characters; at least the policy minimum, at most 1,024.' }),
    displayName: t.string({ required: false }),
    useCookies: t.boolean({ required: false, description: 'Put the refresh token in an HttpOnly cookie instead of the body.' }),
  }),
});

builder.mutationField('register', (t) =>
  t.field({
    type: RegisterResult,
    ...oncePerDocument(),
    ...rateLimit({ rule: 'register', max: 5, window: '1h' }),
    description: 'Creates an account and signs it in.',
    args: { input: t.arg({ type: RegisterInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      expected([EmailTakenError, WeakPasswordError], async () =>
        deliverRefresh(ctx, await ctx.services.auth.register(input, { ip: ctx.info.ip, userAgent: ctx.info.userAgent }), input.useCookies ?? false),
      ),
  }),
);

export const meta = (ctx: Context) => ({ ip: ctx.info.ip, userAgent: ctx.info.userAgent });

builder.mutationFields((t) => ({
  login: t.field({
    type: LoginResult,
    ...oncePerDocument(),
    ...rateLimit(
      { rule: 'login', max: 10, window: '1m' },
      { rule: 'login.account', max: 20, window: '1h', identityArgs: ['input.email'], excess: 'refusedUnlessTrustedDevice' },
    ),
    description:
      'Signs in with e-mail and password. Failures lock sign-in progressively: first for the address they came from; for every address only once they came from at least three networks (LOCKOUT_ACCOUNT_MIN_GROUPS), so a stranger on one network cannot lock the owner out. A valid `trustedDeviceToken` of the account passes the failure locks and the per-account rate limit (never a disabled account); a completed password reset clears them.',
    args: { input: t.arg({ type: LoginInput, required: true }) },
    resolve: (_root, args, ctx, info) =>
      expected([InvalidCredentialsError, AccountLockedError], async () => {
        const { input } = args;
        const accountRateLimit = () => ctx.services.rateLimits.enforce(resolverRateLimits(info), { args, ip: ctx.info.ip, info });
        const result = await ctx.services.auth.login(input, meta(ctx), { accountRateLimit });
        return result.__typename === 'AuthPayload' ? deliverRefresh(ctx, result, input.useCookies ?? false) : result;
      }),
  }),

  rotateRefresh: t.field({
    type: RotateRefreshResult,
    ...oncePerDocument(),
    ...rateLimit({ rule: 'rotateRefresh', max: 30, window: '1m' }),
    description: 'Spends a refresh token for a new pair. Presenting a spent token revokes the whole session.',
    args: { input: t.arg({ type: RotateRefreshInput, required: false }) },
    resolve: async (_root, { input }, ctx) => {
      let token = input?.refreshToken ?? undefined;
      let fromCookie = false;
      if (!token) {
        const cookie = await ctx.request.cookieStore?.get(REFRESH_COOKIE);
        if (cookie?.value) {
          if (!ctx.request.headers.get(CSRF_HEADER)) {
            throw new GraphQLError(`Requests that rely on the refresh cookie must send the ${CSRF_HEADER} header.`, {
              extensions: { code: 'FORBIDDEN', reason: 'CSRF_HEADER_MISSING' },
            });
          }
          if (input?.useCookies === false) {
            throw new BadInputError('A refresh token read from the cookie is answered only with a cookie: omit useCookies or set it to true.', 'input.useCookies');
          }
          token = cookie.value;
          fromCookie = true;
        }
      }
      const result = await expected([InvalidRefreshTokenError, RefreshTokenReusedError], async () => {
        if (!token) throw new InvalidRefreshTokenError();
        return deliverRefresh(ctx, await ctx.services.auth.refresh(token, meta(ctx)), fromCookie || (input?.useCookies ?? false));
      });
      if (fromCookie && !('accessToken' in result)) await clearRefreshCookie(ctx);
      return result;
    },
  }),

  logout: t.boolean({
    ...sessionGuard(),
    description: 'Ends the calling session (its refresh token and access tokens stop working at once).',
    resolve: async (_root, _args, ctx) => {
      const viewer = await ctx.requireSession();
      // Already ended (a concurrent revoke): logging out is still a success.
      await expected([NotFoundError], () => ctx.services.sessions.revoke(viewer.userId, viewer.sessionId, 'logout', auditMeta(ctx, viewer)));
      await clearRefreshCookie(ctx);
      return true;
    },
  }),
}));
