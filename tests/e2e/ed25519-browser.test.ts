/**
 * Same accept/reject decisions in Chromium as in Node: our real Ed25519 module, bundled and
 * served on loopback (tests/bench/chromium-page.ts), runs every Wycheproof case through both
 * backends inside headless Chromium. Skipped, with a printed reason, when /usr/bin/chromium is
 * missing, unless PATCHTRAIL_REQUIRE_BROWSER=1, which turns that into a failure.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openEd25519Page, type Ed25519Page } from '../bench/chromium-page.ts';
import { describeBrowser } from './browser.ts';
import { loadVector } from '../helpers/vectors.ts';

interface WycheproofFile {
  testGroups: {
    publicKey: { pk: string };
    tests: { tcId: number; msg: string; sig: string; result: 'valid' | 'invalid' }[];
  }[];
}
interface RfcCase {
  name: string;
  secretKey: string;
  publicKey: string;
  message: string;
  signature: string;
}

const wycheproof = loadVector<WycheproofFile>('wycheproof-ed25519/ed25519_test.json');
const rfc = loadVector<RfcCase[]>('rfc8032/ed25519.json');

describeBrowser('Ed25519 in headless Chromium (strict RFC 8032)', () => {
  let opened: Ed25519Page | undefined;

  beforeAll(async () => {
    opened = await openEd25519Page();
  });
  afterAll(async () => {
    await opened?.close();
  });

  const page = (): Ed25519Page['page'] => {
    if (opened === undefined) throw new Error('Chromium page did not open');
    return opened.page;
  };

  it('has Ed25519 in WebCrypto, so WebCrypto is the default backend there too', async () => {
    const backend = await page().evaluate(() => window.patchtrailEd25519.ed25519.defaultBackend());
    expect(backend).toBe('webcrypto');
  });

  it('gives all 151 Wycheproof cases their expected decision with both backends', async () => {
    const cases = wycheproof.testGroups.flatMap((group) =>
      group.tests.map((t) => ({ tcId: t.tcId, pk: group.publicKey.pk, msg: t.msg, sig: t.sig })),
    );
    expect(cases).toHaveLength(151);
    const expected = new Map(
      wycheproof.testGroups.flatMap((g) => g.tests.map((t) => [t.tcId, t.result === 'valid'])),
    );

    const decisions = await page().evaluate(async (all) => {
      const { ed25519, fromHex } = window.patchtrailEd25519;
      const out = [];
      for (const c of all) {
        const [pk, msg, sig] = [fromHex(c.pk), fromHex(c.msg), fromHex(c.sig)];
        const webcrypto = await ed25519.verify(pk, msg, sig, 'webcrypto');
        const noble = await ed25519.verify(pk, msg, sig, 'noble');
        out.push({ tcId: c.tcId, webcrypto, noble });
      }
      return out;
    }, cases);

    const disagreements = decisions
      .map((d) => ({ ...d, expected: expected.get(d.tcId) }))
      .filter((d) => d.webcrypto !== d.expected || d.noble !== d.expected);
    if (disagreements.length > 0) {
      console.error('Chromium disagrees with Wycheproof:', JSON.stringify(disagreements));
    }
    expect(decisions).toHaveLength(151);
    expect(disagreements).toEqual([]);
  });

  it('signs the RFC 8032 §7.1 vectors byte for byte with both backends', async () => {
    const signatures = await page().evaluate(async (vectors) => {
      const { ed25519, fromHex } = window.patchtrailEd25519;
      const out = [];
      for (const v of vectors) {
        for (const backend of ['webcrypto', 'noble'] as const) {
          const sign = await ed25519.makeSigner(fromHex(v.secretKey), backend);
          const signature = await sign(fromHex(v.message));
          out.push({
            name: v.name,
            backend,
            hex: Array.from(signature, (b) => b.toString(16).padStart(2, '0')).join(''),
          });
        }
      }
      return out;
    }, rfc);

    expect(signatures).toHaveLength(rfc.length * 2);
    for (const s of signatures) {
      expect(s.hex, `RFC 8032 TEST ${s.name}, ${s.backend}`).toBe(
        rfc.find((v) => v.name === s.name)?.signature,
      );
    }
  });
});
