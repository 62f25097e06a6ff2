/**
 * Two copies of one patch travel apart (one reviewed, one not, or reviewed by different
 * people): the Inbox keeps one bundle with every attestation either carries, each once.
 */
import { describe, expect, it } from 'vitest';
import { mergeAttestations, verifyBundle } from '../../src/core/index.ts';
import { attested, bytesOf, sampleBundle } from '../helpers/bundles.ts';

describe('mergeAttestations', () => {
  it('adds what the other copy carries and the kept one lacks, each envelope once, in order', async () => {
    const plain = await sampleBundle();
    const byRita = await attested(plain, 2);
    const byRitaAndSam = await attested(byRita, 3, 'tester');
    const bySam = await attested(plain, 3, 'tester');

    expect(mergeAttestations(byRita, plain)).toEqual({ bundle: byRita, added: 0 });
    expect(mergeAttestations(byRitaAndSam, bySam).added).toBe(0);
    const joined = mergeAttestations(byRita, bySam);
    expect(joined.added).toBe(1);
    expect(joined.bundle.attestation_signatures).toEqual(byRitaAndSam.attestation_signatures);
    expect(joined.bundle.envelope).toEqual(byRita.envelope);
    // The same envelope twice in the other copy still counts once.
    const doubled = {
      ...bySam,
      attestation_signatures: [...bySam.attestation_signatures, ...bySam.attestation_signatures],
    };
    expect(mergeAttestations(plain, doubled).added).toBe(1);

    const report = await verifyBundle(bytesOf(joined.bundle));
    expect(report.ok && report.report.attestations.map((a) => a.verdict)).toEqual(['pass', 'pass']);
  });
});
