/**
 * Access tokens: JWTs per RFC 9068 (`typ: at+jwt`), signed with EdDSA/Ed25519 so any resource
 * server can verify them from the JWKS alone. Verification pins the algorithm, issuer, audience
 * and type: `alg: none`, HS256 "signed" with our public key, a foreign issuer or a token of
 * another type (an ID token, a refresh token) are all refused before any claim is trusted.
 * Checking a token never touches the database; revocation is the caller's one kv lookup.
 *
 * Speed, without giving up any of that:
 * - Signing is synchronous Ed25519 (node:crypto) on the event loop: about 50 µs, where WebCrypto
 *   (what jose uses) queues a job on libuv's thread pool, behind any argon2 hashes holding it.
 * - A verified token's claims are kept (bounded, keyed by the token's SHA-256, never the token)
 *   until the token expires, so a client's next requests skip the signature check. What can
 *   change during a token's life is not in the cache: revocation and live roles are read from the
 *   kv on every request by the caller, expiry is checked against the clock on every hit, and a
 *   key withdrawn from the key set (`keys.canVerify`) voids the entries it verified.
 */
import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { KeyObject, randomUUID, sign } from 'node:crypto';
import { sha256 } from '../../lib/tokens';
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

/** Verified tokens kept at most; past it the oldest entry goes (a miss only costs a verify). */
export const VERIFIED_CACHE_SIZE = 10_000;
/** Far above any token we sign: longer ones are refused before hashing or parsing. */
const MAX_TOKEN_LENGTH = 4096;

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

export interface AccessTokenService {
  issue(input: { userId: string; sessionId: string; scopes: string[]; amr: string[]; authTime: Date; notAfter: Date; now: Date }): Promise<{ token: string; expiresAt: Date }>;
  verify(token: string): Promise<AccessTokenClaims>;
}

export function createAccessTokenService(deps: { keys: KeyService; clock: Clock; issuer: string; audience: string; ttl: number }): AccessTokenService {
  const { keys, clock, issuer, audience, ttl } = deps;
  const signers = new WeakMap<CryptoKey, KeyObject>();
  const verified = new Map<string, { claims: AccessTokenClaims; kid: string }>();

  function remember(hash: string, claims: AccessTokenClaims, kid: string) {
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
    verified.set(hash, { claims, kid });
  }

  return {
    async issue({ userId, sessionId, scopes, amr, authTime, notAfter, now }) {
      // Never outlive the session that stands behind the token.
      const expiresAt = new Date(Math.min(addSeconds(now, ttl).getTime(), notAfter.getTime()));
      const { kid, key } = keys.signingKey();
      let signer = signers.get(key);
      if (!signer) signers.set(key, (signer = KeyObject.from(key)));
      const header = base64url({ alg: ACCESS_TOKEN_ALG, typ: ACCESS_TOKEN_TYP, kid });
      const payload = base64url({
        sid: sessionId,
        scope: scopes.join(' '),
        amr,
        auth_time: epochSeconds(authTime),
        iss: issuer,
        aud: audience,
        sub: userId,
        jti: randomUUID(),
        iat: epochSeconds(now),
        exp: epochSeconds(expiresAt),
      });
      const signature = sign(null, Buffer.from(`${header}.${payload}`, 'utf8'), signer).toString('base64url');
      return { token: `${header}.${payload}.${signature}`, expiresAt: new Date(epochSeconds(expiresAt) * 1000) };
    },
    async verify(token) {
      if (token.length > MAX_TOKEN_LENGTH) throw new AccessTokenError('INVALID_TOKEN');
      const hash = sha256(token);
      const hit = verified.get(hash);
      if (hit) {
        if (epochSeconds(clock.now()) < hit.claims.exp && keys.canVerify(hit.kid)) return hit.claims;
        verified.delete(hash); // expired or its key withdrawn: the full check below says which
      }
      let payload: JWTPayload;
      let kid = '';
      try {
        ({ payload } = await jwtVerify(
          token,
          async (header) => {
            const key = header.kid ? await keys.verificationKey(header.kid) : undefined;
            if (!key) throw new AccessTokenError('INVALID_TOKEN');
            kid = header.kid!;
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
      // Frozen: the same object answers every request that presents this token.
      const claims = Object.freeze({
        sub: sub!,
        sid,
        scopes: Object.freeze(scope.split(' ').filter(Boolean)) as string[],
        amr: Object.freeze([...(amr as string[])]) as string[],
        authTime,
        jti: jti!,
        iat: iat!,
        exp: exp!,
      });
      remember(hash, claims, kid);
      return claims;
    },
  };
}
