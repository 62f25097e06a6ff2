/**
 * Two copies of one patch travel apart (one reviewed, one not, or reviewed by different
 * people): the Inbox keeps one bundle with every valid attestation either carries, each once,
 * and one per key: the newer, or at one time a fail over a pass (a bundle counts a key's first
 * attestation only, so appending a reviewer's fail would hide it).
 */
import { describe, expect, it } from 'vitest';
import {
  appendAttestation,
  mergeAttestations,
  verifyBundle,
  type Bundle,
  type CheckedCopy,
} from '../../src/core/index.ts';
import { attested, bytesOf, NOW, sampleBundle, signer } from '../helpers/bundles.ts';

async function checked(bundle: Bundle): Promise<CheckedCopy> {
  const result = await verifyBundle(bytesOf(bundle));
  if (!result.ok) throw new Error(result.problem.message);
  return { bundle, attestations: result.report.attestations };
}

async function verdicts(bundle: Bundle): Promise<string[]> {
  const result = await verifyBundle(bytesOf(bundle));
  if (!result.ok) throw new Error(result.problem.message);
  return result.report.attestations.map((a) => `${a.role} ${a.verdict ?? ''}`);
}

const review = async (bundle: Bundle, byte: number, verdict: 'pass' | 'fail', at = NOW) =>
  appendAttestation(bundle, { signer: await signer(byte), role: 'reviewer', verdict, now: at });

describe('mergeAttestations', () => {
  it('adds what the other copy carries and the kept one lacks, each envelope once, in order', async () => {
    const plain = await sampleBundle();
    const byRita = await attested(plain, 2);
    const byRitaAndSam = await attested(byRita, 3, 'tester');
    const bySam = await attested(plain, 3, 'tester');

    expect(mergeAttestations(await checked(byRita), await checked(plain))).toEqual({
      bundle: byRita,
      added: 0,
      replaced: 0,
    });
    expect(mergeAttestations(await checked(byRitaAndSam), await checked(bySam)).added).toBe(0);
    const joined = mergeAttestations(await checked(byRita), await checked(bySam));
    expect([joined.added, joined.replaced]).toEqual([1, 0]);
    expect(joined.bundle.attestation_signatures).toEqual(byRitaAndSam.attestation_signatures);
    expect(joined.bundle.envelope).toEqual(byRita.envelope);
    expect(await verdicts(joined.bundle)).toEqual(['reviewer pass', 'tester pass']);
  });

  it("keeps one attestation per key: a reviewer's later fail, or a fail at the same time, stands over the pass", async () => {
    const plain = await sampleBundle();
    const passed = await review(plain, 2, 'pass');
    const failedSameTime = await review(plain, 2, 'fail');
    const failedLater = await review(plain, 2, 'fail', new Date(NOW.getTime() + 60_000));
    for (const failed of [failedSameTime, failedLater]) {
      const merged = mergeAttestations(await checked(passed), await checked(failed));
      expect([merged.added, merged.replaced]).toEqual([0, 1]);
      expect(await verdicts(merged.bundle)).toEqual(['reviewer fail']);
    }
    // The other way round: an older pass does not take the place of the fail.
    const kept = mergeAttestations(await checked(failedLater), await checked(passed));
    expect([kept.added, kept.replaced]).toEqual([0, 0]);
    expect(await verdicts(kept.bundle)).toEqual(['reviewer fail']);
  });

  it('carries no invalid attestation over', async () => {
    const plain = await sampleBundle();
    const byRita = await attested(plain, 2);
    const [envelope] = byRita.attestation_signatures;
    if (envelope === undefined) throw new Error('no attestation');
    const forged = {
      ...envelope,
      signatures: envelope.signatures.map((s) => ({ ...s, sig: `A${s.sig.slice(1)}` })),
    };
    const copy = { ...plain, attestation_signatures: [forged] };
    // The whole copy fails (INVALID_SIGNATURE), its author's signature still holds.
    const result = await verifyBundle(bytesOf(copy));
    expect(result.ok).toBe(false);
    const attestations = result.report?.attestations ?? [];
    expect(attestations.map((a) => a.status)).toEqual(['invalid']);
    expect(mergeAttestations(await checked(plain), { bundle: copy, attestations }).added).toBe(0);
  });
});
