/**
 * Opaque bearer secrets. Each carries 256 bits from the CSPRNG, so guessing is hopeless and a
 * plain SHA-256 (no salt, no slow hash) is enough to store them: the database never holds a
 * value that could be presented back to us. Comparisons of secrets are constant-time.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('base64url');

export const hmacSha256 = (key: Buffer, value: string): string =>
  createHmac('sha256', key).update(value, 'utf8').digest('base64url');

/** Constant-time for equal lengths; lengths of our hashes are public and fixed. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
