/**
 * `checkVerified`: the agent's check from a report verified before (the app's verify worker),
 * so a large bundle is not verified twice. It must reach the same outcome as `checkPatch` on
 * the bytes, step for step after the first.
 */
import { describe, expect, it } from 'vitest';
import {
  appendAttestation,
  createBundle,
  makeSeedSigner,
  serializeBundle,
  utf8Encode,
  verifyBundle,
  type BundleReport,
  type Signer,
} from '../../src/core/index.ts';
import { checkPatch, checkVerified, type DecisionOutcome } from '../../src/core/agent/agent.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';

const T = '2026-11-22T10:20:00Z';
const NOW = new Date(T);
const DIFF = '--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-old\n+new\n';
const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));
const decide = (r: { attesters: readonly { verdict: string }[] }): DecisionOutcome => ({
  decision: r.attesters.some((a) => a.verdict === 'fail') ? 'deny' : 'allow',
  hash: `sha256:${'d'.repeat(64)}`,
  reasons: [],
  explanation: {},
});

async function reportOf(bytes: Uint8Array): Promise<BundleReport> {
  const verified = await verifyBundle(bytes);
  if (!verified.ok) throw new Error(verified.problem.message);
  return verified.report;
}

describe('checkVerified', () => {
  it('decides as checkPatch does for registered, unknown and failing bundles', async () => {
    const [admin, dev, reviewer, stranger] = [
      await signer(1),
      await signer(2),
      await signer(3),
      await signer(4),
    ];
    const ledger = await Ledger.found(admin, { name: 't', admins: [admin.did], threshold: 1 }, T);
    await ledger.append(dev, 'register', { name: 'dev' }, T);
    await ledger.append(reviewer, 'register', { name: 'rita' }, T);
    const ok = await createBundle({ diff: DIFF, signer: dev, reason: 'fix', now: NOW });
    const failed = await appendAttestation(ok, {
      signer: reviewer,
      role: 'reviewer',
      verdict: 'fail',
      now: NOW,
    });
    const unknown = await createBundle({ diff: DIFF, signer: stranger, reason: 'fix', now: NOW });
    for (const [bundle, status] of [
      [ok, 'allowed'],
      [failed, 'denied'],
      [unknown, 'rejected'],
    ] as const) {
      const bytes = utf8Encode(serializeBundle(bundle));
      const options = { ledger, decide, now: NOW };
      const fromBytes = await checkPatch(bytes, options);
      const fromReport = await checkVerified(await reportOf(bytes), options);
      expect(fromReport.status).toBe(status);
      expect(fromReport.status).toBe(fromBytes.status);
      expect(fromReport.patch).toBe(fromBytes.patch);
      expect(fromReport.steps.slice(1)).toEqual(fromBytes.steps.slice(1));
      expect(fromReport.steps[0]).toMatchObject({ step: 'verify-signature', ok: true });
    }
  });

  it('stops a bundle with a change no apply carries out before the policy, either way', async () => {
    const [admin, dev] = [await signer(1), await signer(2)];
    const ledger = await Ledger.found(admin, { name: 't', admins: [admin.did], threshold: 1 }, T);
    await ledger.append(dev, 'register', { name: 'dev' }, T);
    const binary =
      'diff --git a/logo.png b/logo.png\nindex 1111111..2222222 100644\n' +
      'Binary files a/logo.png and b/logo.png differ\n' +
      'diff --git a/b.bin b/b.bin\nindex 6772730..4e0e1df 100644\nGIT binary patch\n' +
      'literal 7\nOcmZQzWKPP=GXeku?E!EA\n\nliteral 6\nNcmZQzWJ=1+0{{Yf0X+Z!\n\n' +
      'diff --git a/link b/link\nnew file mode 120000\nindex 0000000..d09b807\n--- /dev/null\n' +
      '+++ b/link\n@@ -0,0 +1 @@\n+../outside\n\\ No newline at end of file\n';
    const bundle = await createBundle({ diff: DIFF + binary, signer: dev, reason: 'x', now: NOW });
    const bytes = utf8Encode(serializeBundle(bundle));
    const report = await reportOf(bytes);
    expect(report.unappliable).toEqual([
      { path: 'logo.png', what: 'binary patch' },
      { path: 'b.bin', what: 'binary patch' },
      { path: 'link', what: 'symbolic link' },
    ]);
    expect(report.predicate.files).toEqual(['a.txt', 'logo.png', 'b.bin', 'link']);
    const options = { ledger, decide, now: NOW };
    for (const result of [await checkPatch(bytes, options), await checkVerified(report, options)]) {
      expect(result.status).toBe('rejected');
      expect(result.decision).toBeUndefined();
      expect(result.steps.at(-1)).toMatchObject({
        step: 'extract-metadata',
        ok: false,
        code: 'MALFORMED_INPUT',
        message:
          'no apply carries out logo.png (a binary patch), b.bin (a binary patch), link (a symbolic link)',
      });
    }
    // A text-only bundle from the same author is allowed: the stop is the binary patch's.
    const text = await createBundle({ diff: DIFF, signer: dev, reason: 'x', now: NOW });
    expect((await reportOf(utf8Encode(serializeBundle(text)))).unappliable).toEqual([]);
  });
});
