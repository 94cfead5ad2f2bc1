/**
 * Encryption at rest for the few secrets we must be able to read back (signing keys, later TOTP
 * secrets). AES-256-GCM with a fresh 96-bit nonce per message; the caller's `aad` (a key id, a
 * user id) is bound in, so a ciphertext copied to another row fails authentication instead of
 * decrypting. Sub-keys are derived with HKDF so one ENCRYPTION_KEY never serves two purposes.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export interface Sealer {
  seal(plaintext: Buffer | string, aad: string): string;
  open(sealed: string, aad: string): Buffer;
  /** A 32-byte key for another purpose, derived from the master key. */
  derive(purpose: string): Buffer;
}

export function createSealer(masterKey: Buffer): Sealer {
  if (masterKey.length !== 32) throw new Error('encryption key must be 32 bytes');
  const derive = (purpose: string) => Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), purpose, 32));
  const key = derive('at-rest-encryption');
  return {
    derive,
    seal(plaintext, aad) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    open(sealed, aad) {
      const [version, iv, body, tag] = sealed.split('.');
      if (version !== VERSION || !iv || body === undefined || !tag) throw new Error('malformed ciphertext');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
    },
  };
}
