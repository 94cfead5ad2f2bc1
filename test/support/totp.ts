/**
 * RFC 6238 TOTP written from the RFC with node:crypto, independent of otplib (the library under
 * test). Checked against the RFC's own vectors in test/unit/totp-vectors.test.ts.
 */
import { createHmac } from 'node:crypto';

export function base32Decode(input: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of input.replace(/=+$/, '').toUpperCase()) {
    const idx = alphabet.indexOf(ch);
    if (idx < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function hotp(key: Buffer, counter: number, digits = 6, algorithm = 'sha1'): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export function totpAt(key: Buffer, unixSeconds: number, opts: { digits?: number; algorithm?: string; period?: number } = {}): string {
  return hotp(key, Math.floor(unixSeconds / (opts.period ?? 30)), opts.digits ?? 6, opts.algorithm ?? 'sha1');
}

/** The 6-digit code for a base32 secret at `at`, shifted by `steps` 30-second steps. */
export const codeFor = (secretBase32: string, at: Date, steps = 0): string =>
  totpAt(base32Decode(secretBase32), Math.floor(at.getTime() / 1000) + steps * 30);
