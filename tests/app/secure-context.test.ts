/** When the browser withholds WebCrypto (not a secure context), the app says why and what to do. */
import { describe, expect, it } from 'vitest';
import { insecureContext } from '../../src/app/secure-context.ts';

const page = (secure: boolean, subtle: unknown, host = '192.168.1.20:4173') => ({
  isSecureContext: secure,
  crypto: { subtle },
  location: { host, protocol: 'http:' },
});

describe('insecure context', () => {
  it('is nothing to say on a secure page with WebCrypto', () => {
    expect(insecureContext(page(true, {}))).toBeUndefined();
    expect(insecureContext({ crypto: { subtle: {} } })).toBeUndefined(); // Node: no flag at all
  });

  it('names the address and the way out when the page is not secure or has no WebCrypto', () => {
    const said = insecureContext(page(false, undefined));
    expect(said).toContain('http://192.168.1.20:4173');
    expect(said).toContain('over https, or at http://localhost or http://127.0.0.1');
    expect(insecureContext(page(true, undefined))).toBeDefined();
    expect(insecureContext(page(false, {}))).toBeDefined();
    expect(insecureContext({})).toContain('this address');
  });
});
