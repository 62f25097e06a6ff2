/**
 * Checks the servers run on what an untrusted client sends, before anything recursive or
 * per-address touches it: how deep a JSON text nests, and which address a client counts as.
 */

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
export function addressKey(remote: string | undefined): string {
  if (remote === undefined || remote === '') return '?';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remote);
  if (mapped?.[1] !== undefined) return mapped[1];
  if (!remote.includes(':')) return remote;
  const groups = ipv6Groups(remote.split('%', 1)[0] ?? '');
  if (groups === undefined) return remote;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
