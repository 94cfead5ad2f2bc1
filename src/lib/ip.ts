import { isIP } from 'node:net';

/**
 * The client address. Without TRUST_PROXY it is the socket's peer, and X-Forwarded-For is
 * ignored entirely (anyone can send it). With TRUST_PROXY the left-most valid address of
 * X-Forwarded-For is the client, as our own proxy appended what it saw.
 */
export function clientIp(socketAddress: string | undefined, forwardedFor: string | null, trustProxy: boolean): string {
  if (trustProxy && forwardedFor) {
    const first = forwardedFor.split(',')[0]?.trim() ?? '';
    if (isIP(normalizeIp(first))) return normalizeIp(first);
  }
  return normalizeIp(socketAddress ?? '') || 'unknown';
}

/** `::ffff:1.2.3.4` (an IPv4 client on a dual-stack socket) → `1.2.3.4`. */
export function normalizeIp(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1]! : ip;
}
