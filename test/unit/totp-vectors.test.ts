import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { base32Decode, totpAt } from '../support/totp';

interface Vectors {
  seeds_ascii: Record<string, string>;
  vectors: { time: number; algorithm: 'SHA1' | 'SHA256' | 'SHA512'; digits: number; totp: string }[];
}
// RFC 6238 Appendix B, copied into the repository (test/fixtures/; its "source" field says where from).
const data = JSON.parse(readFileSync(new URL('../fixtures/rfc6238-vectors.json', import.meta.url), 'utf8')) as Vectors;

describe('the tests’ own TOTP generator', () => {
  it.each(data.vectors)('matches RFC 6238 at t=$time with $algorithm', ({ time, algorithm, digits, totp }) => {
    const key = Buffer.from(data.seeds_ascii[algorithm]!, 'ascii');
    expect(totpAt(key, time, { digits, algorithm: algorithm.toLowerCase() })).toBe(totp);
  });

  it('decodes base32 as RFC 4648 does', () => {
    expect(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ').toString('ascii')).toBe('12345678901234567890');
  });
});
