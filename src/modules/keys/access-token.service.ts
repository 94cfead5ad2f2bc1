/**
 * Access tokens: JWTs per RFC 9068 (`typ: at+jwt`), signed with EdDSA/Ed25519 so any resource
 * server can verify them from the JWKS alone. Verification pins the algorithm, issuer, audience
 * and type: `alg: none`, HS256 "signed" with our public key, a foreign issuer or a token of
 * another type (an ID token, a refresh token) are all refused before any claim is trusted.
 * Checking a token never touches the database; revocation is the caller's one kv lookup.
 */
import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock';
import { addSeconds, epochSeconds } from '../../lib/clock';
import { ACCESS_TOKEN_ALG, type KeyService } from './keys.service';

export const ACCESS_TOKEN_TYP = 'at+jwt';

export interface AccessTokenClaims {
  sub: string;
  sid: string;
  scopes: string[];
  amr: string[];
  authTime: number;
  jti: string;
  iat: number;
  exp: number;
}

export class AccessTokenError extends Error {
  constructor(readonly reason: 'TOKEN_EXPIRED' | 'INVALID_TOKEN') {
    super(reason === 'TOKEN_EXPIRED' ? 'The access token has expired.' : 'The access token is invalid.');
  }
}

export interface AccessTokenService {
  issue(input: { userId: string; sessionId: string; scopes: string[]; amr: string[]; authTime: Date; notAfter: Date; now: Date }): Promise<{ token: string; expiresAt: Date }>;
  verify(token: string): Promise<AccessTokenClaims>;
}

export function createAccessTokenService(deps: { keys: KeyService; clock: Clock; issuer: string; audience: string; ttl: number }): AccessTokenService {
  const { keys, clock, issuer, audience, ttl } = deps;
  return {
    async issue({ userId, sessionId, scopes, amr, authTime, notAfter, now }) {
      // Never outlive the session that stands behind the token.
      const expiresAt = new Date(Math.min(addSeconds(now, ttl).getTime(), notAfter.getTime()));
      const { kid, key } = keys.signingKey();
      const token = await new SignJWT({ sid: sessionId, scope: scopes.join(' '), amr, auth_time: epochSeconds(authTime) })
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, typ: ACCESS_TOKEN_TYP, kid })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(userId)
        .setJti(randomUUID())
        .setIssuedAt(epochSeconds(now))
        .setExpirationTime(epochSeconds(expiresAt))
        .sign(key);
      return { token, expiresAt: new Date(epochSeconds(expiresAt) * 1000) };
    },
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(
          token,
          async (header) => {
            const key = header.kid ? await keys.verificationKey(header.kid) : undefined;
            if (!key) throw new AccessTokenError('INVALID_TOKEN');
            return key;
          },
          {
            algorithms: [ACCESS_TOKEN_ALG],
            issuer,
            audience,
            typ: ACCESS_TOKEN_TYP,
            currentDate: clock.now(),
            requiredClaims: ['sub', 'sid', 'jti', 'iat', 'exp', 'scope'],
          },
        ));
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw new AccessTokenError('TOKEN_EXPIRED');
        throw new AccessTokenError('INVALID_TOKEN');
      }
      const { sub, sid, scope, amr, auth_time: authTime, jti, iat, exp } = payload as JWTPayload & Record<string, unknown>;
      if (typeof sid !== 'string' || typeof scope !== 'string' || !Array.isArray(amr) || typeof authTime !== 'number') {
        throw new AccessTokenError('INVALID_TOKEN');
      }
      return { sub: sub!, sid, scopes: scope.split(' ').filter(Boolean), amr: amr as string[], authTime, jti: jti!, iat: iat!, exp: exp! };
    },
  };
}
