/**
 * Password hashing with argon2id (OWASP: m=19456 KiB, t=2, p=1 by default).
 *
 * argon2 is the one deliberately slow thing we do, and it runs on libuv's thread pool, the same
 * pool WebCrypto (jose: signing and verifying access tokens) and fs use. Unbounded, a burst of
 * logins would occupy every pool thread and stall token checks on unrelated requests. So at
 * most `concurrency` hashes run at once (default 2 of the pool's 4 threads); the rest queue here.
 *
 * Unknown e-mails cost the same as known ones: `verifyDummy` runs a real verify against a hash
 * made with the same parameters, so timing does not reveal whether an account exists.
 */
import argon2 from 'argon2';
import pLimit from 'p-limit';
import type { Argon2Params } from '../../config';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** `rehash` is true when the stored hash was made with other parameters than today's. */
  verify(hash: string, password: string): Promise<{ ok: boolean; rehash: boolean }>;
  verifyDummy(password: string): Promise<void>;
}

export function createPasswordHasher(params: Argon2Params, concurrency: number): PasswordHasher {
  const limit = pLimit(concurrency);
  const options = { type: argon2.argon2id, ...params } as const;
  let dummy: Promise<string> | undefined;
  const hash = (password: string) => limit(() => argon2.hash(password, options));
  const verify = async (stored: string, password: string) => {
    let ok = false;
    try {
      ok = await limit(() => argon2.verify(stored, password));
    } catch {
      ok = false; // a malformed stored hash never authenticates
    }
    return { ok, rehash: ok && argon2.needsRehash(stored, options) };
  };
  return {
    hash,
    verify,
    async verifyDummy(password) {
      dummy ??= hash('dummy password for unknown accounts');
      await verify(await dummy, password);
    },
  };
}
