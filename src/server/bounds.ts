/**
 * Checks the servers run on what an untrusted client sends, before anything recursive or
 * per-address touches it: how deep a JSON text nests, and which address a client counts as.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { isLoopback } from './args.ts';

/**
 * Whether a JSON text nests arrays and objects more than `limit` deep, found by one pass
 * without recursion: JSON.stringify recurses, and a 10 KB text of 5,000 brackets overflowed
 * the stack when the signaling server re-serialised it (a RangeError out of ws's handler ended
 * the process). Brackets inside strings do not count; the text need not be valid JSON
 * (JSON.parse judges that afterwards).
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash: the next character is escaped, whatever it is
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

const unmapped = (address: string): string =>
  /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] ?? address;

function ipv6Groups(address: string): string[] | undefined {
  const [head = '', tail, extra] = address.split('::');
  if (extra !== undefined) return undefined;
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  return [...left, ...Array<string>(missing).fill('0'), ...right];
}

/**
 * The key a client's address is counted under, for bounds per address: an IPv4 address as it
 * is (also when written IPv4-mapped, `::ffff:192.0.2.1`), and an IPv6 address by its /64, the
 * block one host is usually given (counting single IPv6 addresses would let one host take
 * 2^64 shares).
 */
export function addressKey(address: string | undefined): string {
  if (address === undefined || address === '') return '?';
  const remote = unmapped(address);
  if (!remote.includes(':')) return remote;
  const groups = ipv6Groups(remote.split('%', 1)[0] ?? '');
  if (groups === undefined) return remote;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * The address key of the client behind an upgrade request. A request from loopback that names
 * a forwarded address (`X-Forwarded-For`, its last entry: what the nearest proxy saw) is a TLS
 * reverse proxy on this machine speaking for a client, as the README suggests serving the app
 * to others: counted by the proxy's own address, every client would share one. The header is
 * believed from loopback only; anyone else could write any address in it.
 */
export function clientAddress(request: IncomingMessage): string {
  const remote = unmapped(request.socket.remoteAddress ?? '');
  const forwarded = request.headers['x-forwarded-for'];
  if (isLoopback(remote) && typeof forwarded === 'string') {
    const nearest = forwarded.split(',').at(-1)?.trim() ?? '';
    if (isIP(nearest) !== 0) return addressKey(nearest);
  }
  return addressKey(remote);
}
