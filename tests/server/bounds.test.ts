/** The servers' checks on untrusted input (src/server/bounds.ts): JSON depth, address keys. */
import { describe, expect, it } from 'vitest';
import { addressKey, nestsDeeperThan } from '../../src/server/bounds.ts';

describe('nestsDeeperThan', () => {
  it('measures arrays and objects, not brackets inside strings or after escapes', () => {
    expect(nestsDeeperThan('{"a":[{"b":[]}]}', 4)).toBe(false);
    expect(nestsDeeperThan('{"a":[{"b":[[]]}]}', 4)).toBe(true);
    expect(nestsDeeperThan(`{"a":"${'['.repeat(100)}"}`, 1)).toBe(false);
    expect(nestsDeeperThan(`{"a":"\\"${'['.repeat(100)}"}`, 1)).toBe(false);
    expect(nestsDeeperThan(`["\\\\",${'['.repeat(3)}]`, 3)).toBe(true);
    expect(nestsDeeperThan('[]'.repeat(10_000), 1)).toBe(false);
  });

  it('scans a million brackets without recursing', () => {
    const deep = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    expect(nestsDeeperThan(deep, 16)).toBe(true);
    expect(nestsDeeperThan(deep, 1_000_000)).toBe(false);
  });
});

describe('addressKey', () => {
  it('keys IPv4 as written, also IPv4-mapped', () => {
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey(undefined)).toBe('?');
  });

  it('keys IPv6 by its /64, however it is spelled', () => {
    const key = '2001:db8:1:2::/64';
    for (const a of ['2001:db8:1:2::1', '2001:0db8:0001:0002:ffff::9', '2001:DB8:1:2:3:4:5:6'])
      expect(addressKey(a), a).toBe(key);
    expect(addressKey('2001:db8:1:3::1')).not.toBe(key);
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});
