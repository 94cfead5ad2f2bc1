import { describe, expect, it } from 'vitest';
import { createSealer } from '../../src/lib/crypto';
import { parseDuration } from '../../src/lib/duration';
import { clientIp, expandIPv6, ipGroup, netGroup } from '../../src/lib/ip';
import { hmacSha256, randomToken, safeEqual, sha256 } from '../../src/lib/tokens';
import { expandScopes, scopesForRoles } from '../../src/modules/authz/scopes';
import { emailProblem, normalizeEmail } from '../../src/modules/users/email';

describe('durations', () => {
  it.each([
    ['30s', 30], ['15m', 900], ['7d', 604800], ['1h30m', 5400], ['90', 90], ['2w', 1209600], [' 1H ', 3600],
  ])('%s is %i seconds', (raw, seconds) => expect(parseDuration(raw)).toBe(seconds));
  it.each(['', 'forever', '10 minutes', '-5s', '1.5h', 's'])('refuses %j', (raw) => expect(parseDuration(raw)).toBeUndefined());
});

describe('client address', () => {
  it('ignores X-Forwarded-For unless the proxy is trusted', () => {
    expect(clientIp('10.0.0.9', '203.0.113.7', 0)).toBe('10.0.0.9');
    expect(clientIp('10.0.0.9', '203.0.113.7', 1)).toBe('203.0.113.7');
  });
  it('believes only what the trusted proxies appended: the n-th entry from the right', () => {
    // The client sent "198.51.100.66" itself; our one proxy appended what it saw.
    expect(clientIp('10.0.0.9', '198.51.100.66, 203.0.113.7', 1)).toBe('203.0.113.7');
    expect(clientIp('10.0.0.9', '198.51.100.66, 203.0.113.7, 10.0.0.1', 2)).toBe('203.0.113.7');
    // Fewer entries than trusted hops: the socket.
    expect(clientIp('10.0.0.9', '203.0.113.7', 2)).toBe('10.0.0.9');
  });
  it('falls back to the socket when the forwarded value is not an address', () => {
    expect(clientIp('10.0.0.9', 'evil<script>', 1)).toBe('10.0.0.9');
  });
  it('unwraps IPv4-mapped IPv6 addresses', () => {
    expect(clientIp('::ffff:192.0.2.1', null, 0)).toBe('192.0.2.1');
    expect(clientIp('2001:db8::1', null, 0)).toBe('2001:db8::1');
  });
  it('groups IPv6 clients by /64 and leaves IPv4 addresses alone', () => {
    expect(ipGroup('2001:db8:1:2:aaaa::1')).toBe('2001:0db8:0001:0002::/64');
    expect(ipGroup('2001:DB8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:0db8:0001:0002::/64');
    expect(ipGroup('2001:db8:1:3::1')).toBe('2001:0db8:0001:0003::/64');
    expect(ipGroup('::1')).toBe('0000:0000:0000:0000::/64');
    expect(ipGroup('64:ff9b::192.0.2.1')).toBe('0064:ff9b:0000:0000::/64');
    expect(ipGroup('192.0.2.1')).toBe('192.0.2.1');
    expect(expandIPv6('::ffff:192.0.2.1')).toEqual(['0000', '0000', '0000', '0000', '0000', 'ffff', 'c000', '0201']);
    expect(expandIPv6('192.0.2.1')).toBeUndefined();
  });
});

describe('networks (for the account-wide lock)', () => {
  it('groups IPv4 by /24 and IPv6 by /64 by default, any prefix on request', () => {
    expect(netGroup('192.0.2.77')).toBe('192.0.2.0/24');
    expect(netGroup('192.0.2.1')).toBe(netGroup('192.0.2.254'));
    expect(netGroup('192.0.3.1')).not.toBe(netGroup('192.0.2.1'));
    expect(netGroup('10.1.2.3', { v4: 16, v6: 64 })).toBe('10.1.0.0/16');
    expect(netGroup('10.1.2.3', { v4: 32, v6: 64 })).toBe('10.1.2.3/32');
    expect(netGroup('2001:db8:1:2:aaaa::1')).toBe(ipGroup('2001:db8:1:2::9'));
    expect(netGroup('2001:db8:1:2ff::1', { v4: 24, v6: 56 })).toBe('2001:0db8:0001:0200::/56');
    expect(netGroup('2001:db8:1:2::1', { v4: 24, v6: 128 })).toBe('2001:0db8:0001:0002:0000:0000:0000:0001/128');
    expect(netGroup('unknown')).toBe('unknown');
  });
});

describe('tokens', () => {
  it('makes 256-bit URL-safe tokens that differ every time', () => {
    const a = randomToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(Array.from({ length: 1000 }, () => randomToken())).size).toBe(1000);
  });
  it('hashes to the known SHA-256 of a value (base64url)', () => {
    expect(sha256('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
    expect(hmacSha256(Buffer.from('key'), 'The quick brown fox jumps over the lazy dog')).toBe('97yD9DBThCSxMpjmqm-xQ-9NWaFJRhdZl0edvC0aPNg');
  });
  it('compares in constant time and is false for different lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});

describe('sealing secrets at rest', () => {
  const sealer = createSealer(Buffer.alloc(32, 7));
  it('round-trips and never repeats a ciphertext', () => {
    const a = sealer.seal('secret', 'row-1');
    expect(sealer.open(a, 'row-1').toString()).toBe('secret');
    expect(sealer.seal('secret', 'row-1')).not.toBe(a);
    expect(a).not.toContain('secret');
  });
  it('refuses a ciphertext moved to another row, tampered with, or opened with another key', () => {
    const a = sealer.seal('secret', 'row-1');
    expect(() => sealer.open(a, 'row-2')).toThrow();
    const parts = a.split('.');
    parts[2] = Buffer.from('SECRET').toString('base64url');
    expect(() => sealer.open(parts.join('.'), 'row-1')).toThrow();
    expect(() => createSealer(Buffer.alloc(32, 8)).open(a, 'row-1')).toThrow();
  });
  it('derives distinct sub-keys per purpose', () => {
    expect(sealer.derive('a').equals(sealer.derive('b'))).toBe(false);
    expect(sealer.derive('a').equals(sealer.derive('a'))).toBe(true);
  });
});

describe('scopes', () => {
  it('grants a user the contract’s scopes and an admin the admin ones on top', () => {
    expect(scopesForRoles(['USER'])).toEqual(
      ['apikeys:read', 'apikeys:write', 'audit:read', 'mfa:write', 'profile:read', 'profile:write', 'sessions:read', 'sessions:write'],
    );
    expect(scopesForRoles(['USER', 'ADMIN'])).toEqual(expect.arrayContaining(['users:read', 'users:write', 'audit:read:all', 'alerts:read', 'security:read']));
    expect(scopesForRoles(['USER', 'ADMIN'])).not.toContain('admin');
  });
  it('expands write to read, audit:read:all to audit:read, and admin to everything', () => {
    expect(expandScopes(['users:write'])).toEqual(['users:read', 'users:write']);
    expect(expandScopes(['audit:read:all'])).toEqual(['audit:read', 'audit:read:all']);
    expect(expandScopes(['admin'])).toEqual(expect.arrayContaining(['users:write', 'alerts:read', 'audit:read']));
    // No invented scopes: mfa:write implies no mfa:read, as the contract has none.
    expect(expandScopes(['mfa:write'])).toEqual(['mfa:write']);
  });
});

describe('e-mail addresses', () => {
  it('normalises by trimming, NFC and lower-casing', () => {
    expect(normalizeEmail('  Jose\u0301@Example.COM ')).toBe('jos\u00e9@example.com');
  });
  it.each(['', 'plain', 'a@b', 'a b@example.com', 'a@exa mple.com', `${'x'.repeat(65)}@example.com`, `a@${'x'.repeat(250)}.com`, 'a\u0000@example.com'])(
    'refuses %j',
    (raw) => expect(emailProblem(normalizeEmail(raw))).toBeDefined(),
  );
  it('accepts ordinary and international addresses', () => {
    expect(emailProblem('ada+tag@example.co.uk')).toBeUndefined();
    expect(emailProblem(normalizeEmail('jos\u00e9@b\u00fccher.de'))).toBeUndefined();
  });
  // Threat: two accounts for one mailbox. Each spelling of the same mailbox has one normal form.
  it('gives one form to a trailing dot, an IDN domain in Unicode or punycode, and full-width letters', () => {
    for (const raw of ['Ada@B\u00fccher.DE', 'ada@b\u00fccher.de.', 'ada@xn--bcher-kva.de', 'ADA@XN--BCHER-KVA.DE.', 'ada@b\uff55\u0308cher.de']) {
      expect(normalizeEmail(raw)).toBe('ada@xn--bcher-kva.de');
    }
  });
  // Threat: an address that reads as someone else's, or that the mail layer splits in two.
  it.each([
    ['a zero-width space in the domain (UTS #46 would drop it)', 'ada@exa\u200bmple.com'],
    ['a zero-width joiner in the local part', 'a\u200dda@example.com'],
    ['a soft hyphen (format character)', 'a\u00adda@example.com'],
    ['a right-to-left override', 'ada\u202e@example.com'],
    ['a bidi isolate', '\u2066ada@example.com'],
    ['a byte-order mark inside', 'ad\ufeffa@example.com'],
    ['a Hangul filler', 'ada\u3164@example.com'],
    ['a lone high surrogate', 'ada\ud800@example.com'],
    ['a lone low surrogate in the domain', 'ada@exam\udc00ple.com'],
    ['a comma', 'ada,eve@example.com'],
    ['an angle bracket', 'ada<eve@example.com'],
    ['a line separator', 'ada\u2028@example.com'],
    ['two trailing dots', 'ada@example.com..'],
  ])('refuses %s', (_name, raw) => expect(emailProblem(normalizeEmail(raw))).toBeDefined());
});
