import { isIP } from 'node:net';

/**
 * The client address. Without TRUST_PROXY it is the socket's peer, and X-Forwarded-For is
 * ignored entirely (anyone can send it). With TRUST_PROXY=n (true means 1) the n proxies in front
 * of us are trusted: each appends the address it saw, so the client is the n-th entry from the
 * right. Entries further left came from the client and are never believed.
 */
export function clientIp(socketAddress: string | undefined, forwardedFor: string | null, trustedHops: number): string {
  if (trustedHops > 0 && forwardedFor) {
    const entries = forwardedFor.split(',').map((s) => s.trim());
    const candidate = normalizeIp(entries[entries.length - trustedHops] ?? '');
    if (isIP(candidate)) return candidate;
  }
  return normalizeIp(socketAddress ?? '') || 'unknown';
}

/** `::ffff:1.2.3.4` (an IPv4 client on a dual-stack socket) → `1.2.3.4`. */
export function normalizeIp(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1]! : ip;
}

/**
 * What abuse counters are keyed by: an IPv4 address as it is, an IPv6 address by its /64 (one
 * subscriber usually holds a whole /64, so counting single addresses would be no limit at all).
 */
export function ipGroup(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const hextets = expandIPv6(ip);
  return hextets ? `${hextets.slice(0, 4).join(':')}::/64` : ip;
}

/** Eight 4-digit lower-case hextets, or undefined when `ip` is not IPv6. */
export function expandIPv6(ip: string): string[] | undefined {
  if (isIP(ip) !== 6) return undefined;
  let text = ip.split('%')[0]!.toLowerCase();
  // A trailing dotted quad (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) becomes two hextets.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = text.slice(0, v4.index) + ((a << 8) | b).toString(16) + ':' + ((c << 8) | d).toString(16);
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((h) => h.padStart(4, '0'));
}

/**
 * The network an address belongs to, for counting distinct sources: an IPv4 address by its
 * /`v4Prefix` (default /24), an IPv6 address by its /`v6Prefix` (default /64). One subscriber,
 * one office or one cloud host rarely spans more than one such network, so "failures from N
 * networks" means "failures from N parties", which a single stranger cannot fake cheaply.
 */
export function netGroup(ip: string, prefixes: { v4: number; v6: number } = { v4: 24, v6: 64 }): string {
  const version = isIP(ip);
  if (version === 4) {
    const bits = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    const mask = prefixes.v4 === 0 ? 0 : Math.floor(bits / 2 ** (32 - prefixes.v4)) * 2 ** (32 - prefixes.v4);
    const octets = [24, 16, 8, 0].map((s) => Math.floor(mask / 2 ** s) % 256);
    return `${octets.join('.')}/${prefixes.v4}`;
  }
  const hextets = expandIPv6(ip);
  if (!hextets) return ip;
  // Spelled like ipGroup: the hextets the prefix touches (masked), then `::` for the rest.
  const kept = hextets.slice(0, Math.ceil(prefixes.v6 / 16)).map((h, i) => {
    const bits = Math.min(16, prefixes.v6 - i * 16);
    return (parseInt(h, 16) & (0xffff << (16 - bits)) & 0xffff).toString(16).padStart(4, '0');
  });
  return `${kept.join(':')}${kept.length < 8 ? '::' : ''}/${prefixes.v6}`;
}
