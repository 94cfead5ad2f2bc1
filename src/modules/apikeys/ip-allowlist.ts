/** IPv4/IPv6 addresses and CIDR ranges, parsed with node's BlockList (no hand-written matching). */
import { BlockList, isIP } from 'node:net';
import { normalizeIp } from '../../lib/ip';

/** The canonical entry, or undefined when it is neither an address nor a CIDR range. */
export function parseAllowEntry(raw: string): string | undefined {
  const text = raw.trim();
  const [address, bits, extra] = text.split('/');
  if (extra !== undefined || !address) return undefined;
  const family = isIP(normalizeIp(address));
  if (family === 0) return undefined;
  if (bits === undefined) return normalizeIp(address);
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > (family === 4 ? 32 : 128)) return undefined;
  return `${normalizeIp(address)}/${Number(bits)}`;
}

/** Builds the matcher once (it is cached with the key), then checks addresses cheaply. */
export function allowlist(entries: readonly string[]): (ip: string) => boolean {
  if (entries.length === 0) return () => true;
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const type = isIP(address!) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, Number(bits), type);
  }
  return (ip) => {
    const family = isIP(ip);
    return family !== 0 && list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
  };
}
