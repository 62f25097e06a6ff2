/** Who counts as an attester of a bundle: distinct keys with a valid attestation, never the author. */
import { describe, expect, it } from 'vitest';
import { verifyParsedBundle } from '../../src/core/index.ts';
import { attested, sampleBundle, signer } from '../helpers/bundles.ts';

describe('bundle attesters', () => {
  it("lists the author's own attestation but does not count it as an attester", async () => {
    const bundle = await attested(await attested(await sampleBundle(1), 1), 2);
    const result = await verifyParsedBundle(bundle);
    if (!result.ok) throw new Error(result.problem.message);
    const author = (await signer(1)).did;
    expect(result.report.attestations.map((a) => a.did)).toEqual([author, (await signer(2)).did]);
    expect(result.report.attesters).toEqual({ pass: [(await signer(2)).did], fail: [] });
  });

  it('with a trust set, the author attesting itself is still not an attester', async () => {
    const bundle = await attested(await sampleBundle(1), 1);
    const author = (await signer(1)).did;
    const result = await verifyParsedBundle(bundle, { trusted: [author] });
    expect(result.ok && result.report.attesters).toEqual({ pass: [], fail: [] });
  });
});
