/**
 * Threat: server-side request forgery. An admin (or whoever stole an admin session) points a
 * webhook at the cloud metadata service, a database on the private network or the server's own
 * loopback, and reads the answers, or the delivery errors, as a port scanner would.
 *
 * Choices:
 * - Only 'unicast' addresses in ipaddr.js's classification are public; everything else (loopback,
 *   private, link-local, carrier-grade NAT, multicast, reserved, 6to4/Teredo/NAT64 wrappers, …)
 *   is refused. IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is judged as the IPv4 address it carries.
 * - At creation the URL is parsed with WHATWG URL, which already rewrites the encoded forms of an
 *   address (`127.1`, `0x7f000001`, `2130706433`, `[::ffff:7f00:1]`) to their canonical form, so
 *   one check covers them all; `localhost` names are refused too.
 * - At delivery the host is resolved again (DNS may have changed, or been made to change), every
 *   resolved address must be public, and the socket connects to exactly the addresses that were
 *   checked: the check is the resolver the connection uses (`lookup`), so nothing can swap the
 *   address between check and connect.
 * - Redirects are never followed: node's http client does not follow them.
 * - The delivery log keeps a short reason of our own, never the socket error: "ECONNREFUSED
 *   10.0.0.5:22" would turn the log into a port scanner's output.
 *
 * `allowPrivate` (WEBHOOK_ALLOW_PRIVATE=1) lifts the address check, for receivers on a developer's
 * machine; off by default everywhere.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Whether `address` (an IP literal, IPv6 with or without brackets) is a public unicast address. */
export function isPublicAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (isIP(bare) === 0) return false;
  try {
    let parsed = ipaddr.parse(bare);
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
    return parsed.range() === 'unicast';
  } catch {
    return false;
  }
}

/** An IP literal as WHATWG URL leaves it in `hostname` (IPv6 in brackets), else undefined. */
export function ipLiteral(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) !== 0 ? bare : undefined;
}

const isLocalhostName = (hostname: string) => {
  const name = hostname.replace(/\.$/, '').toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost');
};

/**
 * Where the URL points, as far as can be told without resolving it: 'non-public' for an address
 * literal outside public unicast or a localhost name, 'name' for a host name (checked at delivery).
 */
export function classifyHost(url: URL): 'public' | 'non-public' | 'name' {
  const literal = ipLiteral(url.hostname);
  if (literal !== undefined) return isPublicAddress(literal) ? 'public' : 'non-public';
  return isLocalhostName(url.hostname) ? 'non-public' : 'name';
}

/** The delivery went nowhere because the destination is not public (or not resolvable). */
export class DestinationRefusedError extends Error {
  override readonly name = 'DestinationRefusedError';
}

/** A resolver for the http client that only ever hands it addresses it has checked. */
export function checkedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0, hints: options.hints ?? 0 }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      if (addresses.length === 0) return callback(new DestinationRefusedError('The host has no address.'), '', 0);
      // Every address, not just the first: the client may fall back to any of them.
      if (!allowPrivate && !addresses.every((a) => isPublicAddress(a.address))) {
        return callback(new DestinationRefusedError('The host resolves to a non-public address.'), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

export interface PostOptions {
  headers: Record<string, string>;
  body: string;
  /** Aborts the attempt (timeout, shutdown). */
  signal: AbortSignal;
  allowPrivate: boolean;
}

/**
 * One POST to `url` with the address checks above; resolves with the status once the response
 * headers arrive (the body is discarded). No redirect is followed, no proxy is consulted.
 */
export function postChecked(url: URL, opts: PostOptions): Promise<number> {
  const literal = ipLiteral(url.hostname);
  // An address literal is connected to without any lookup: check it here.
  if (literal !== undefined && !opts.allowPrivate && !isPublicAddress(literal)) {
    return Promise.reject(new DestinationRefusedError('The address is not public.'));
  }
  const request = url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : undefined;
  if (!request) return Promise.reject(new DestinationRefusedError('Unsupported protocol.'));
  return new Promise<number>((resolve, reject) => {
    const req = request({
      method: 'POST',
      protocol: url.protocol,
      hostname: literal ?? url.hostname,
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      headers: { ...opts.headers, 'content-length': String(Buffer.byteLength(opts.body)) },
      // One connection per attempt: a pooled socket would skip the lookup above.
      agent: false,
      lookup: checkedLookup(opts.allowPrivate),
      signal: opts.signal,
    });
    req.on('response', (res: IncomingMessage) => {
      res.resume();
      res.on('error', () => {});
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
