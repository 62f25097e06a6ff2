import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  createBundle,
  MAX_BUNDLE_BYTES,
  verifyBundle,
  type Bundle,
  type VerifyResult,
} from '../../src/core/index.ts';
import { canonicalBytes } from '../../src/core/encoding/canonical-json.ts';
import { signEnvelope } from '../../src/core/envelope/dsse.ts';
import { attested, bytesOf, NOW, SAMPLE_DIFF, sampleBundle, signer } from '../helpers/bundles.ts';

const b64 = (text: string | Uint8Array) => Buffer.from(text).toString('base64');
const unb64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');

function code(result: VerifyResult): string {
  return result.ok ? 'OK' : result.problem.code;
}

/** Re-signs an edited author statement with `byte`'s key, as an attacker with a key could. */
async function resigned(
  bundle: Bundle,
  edit: (statement: Record<string, unknown>) => unknown,
  byte = 1,
) {
  const statement = JSON.parse(unb64(bundle.envelope.payload)) as Record<string, unknown>;
  const edited = edit(statement) ?? statement;
  const payload =
    typeof edited === 'string' ? new TextEncoder().encode(edited) : canonicalBytes(edited);
  const envelope = await signEnvelope('application/vnd.in-toto+json', payload, await signer(byte));
  return { ...bundle, envelope };
}

describe('patch bundle', () => {
  it('creates a DSSE-signed in-toto statement whose subject is the diff', async () => {
    const bundle = await sampleBundle();
    const statement = JSON.parse(unb64(bundle.envelope.payload));
    expect(statement._type).toBe('https://in-toto.io/Statement/v1');
    expect(statement.subject[0].digest.sha256).toBe(
      createHash('sha256').update(SAMPLE_DIFF).digest('hex'),
    );
    expect(statement.predicate).toMatchObject({
      creation_timestamp: '2026-11-22T10:00:00Z',
      creator_identity: (await signer(1)).did,
      reason_for_patch: 'Fix greeting typo',
      affected_components: ['greet'],
      patch_diff: SAMPLE_DIFF,
      path_strip: 1,
      files: ['src/greet.c'],
    });
  });

  it('verifies integrity only without a trust set, and says so', async () => {
    const result = await verifyBundle(bytesOf(await sampleBundle()));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.report.trustChecked).toBe(false);
    expect(result.report.author).toMatchObject({ status: 'valid', trusted: null });
    expect(result.report.diffDigest).toBe(createHash('sha256').update(SAMPLE_DIFF).digest('hex'));
  });

  it('accepts a trusted author and refuses an author outside the trusted set with UNKNOWN_AUTHOR', async () => {
    const bytes = bytesOf(await sampleBundle());
    expect(code(await verifyBundle(bytes, { trusted: [(await signer(1)).did] }))).toBe('OK');
    expect(code(await verifyBundle(bytes, { trusted: [(await signer(2)).did] }))).toBe(
      'UNKNOWN_AUTHOR',
    );
    expect(code(await verifyBundle(bytes, { trusted: [] }))).toBe('UNKNOWN_AUTHOR');
  });

  it('appends attestations without invalidating earlier signatures; a key counts once', async () => {
    const one = await attested(await sampleBundle(), 2, 'reviewer', 'looks right');
    const two = await attested(one, 3, 'tester');
    const three = await attested(two, 2, 'reviewer', 'second look');
    expect(three.envelope).toEqual((await sampleBundle()).envelope);
    const result = await verifyBundle(bytesOf(three));
    if (!result.ok) throw new Error(result.problem.message);
    expect(result.report.attestations.map((a) => [a.role, a.status, a.repeat ?? false])).toEqual([
      ['reviewer', 'valid', false],
      ['tester', 'valid', false],
      ['reviewer', 'valid', true],
    ]);
    expect(result.report.attesters.pass).toEqual([(await signer(2)).did, (await signer(3)).did]);
    expect(result.report.attestations[0]?.note).toBe('looks right');
    // Signing identical content again is idempotent (Ed25519 is deterministic).
    expect((await attested(one, 2, 'reviewer', 'looks right')).attestation_signatures).toHaveLength(
      1,
    );
  });

  it('marks attesters outside the trust set as untrusted and does not count them', async () => {
    const bundle = await attested(await sampleBundle(), 2);
    const result = await verifyBundle(bytesOf(bundle), { trusted: [(await signer(1)).did] });
    if (!result.ok) throw new Error(result.problem.message);
    expect(result.report.attestations[0]?.trusted).toBe(false);
    expect(result.report.attesters.pass).toEqual([]);
  });

  it('returns plain data that survives structured cloning (postMessage), codes included', async () => {
    const bundle = await attested(await sampleBundle(), 2);
    const att = bundle.attestation_signatures[0] as Bundle['envelope'];
    const forged = { ...att, payload: b64(unb64(att.payload).replace('pass', 'fail')) };
    const result = await verifyBundle(bytesOf({ ...bundle, attestation_signatures: [forged] }));
    expect(structuredClone(result)).toEqual(result);
    expect(result.ok ? undefined : result.report?.attestations[0]?.problem?.code).toBe(
      'INVALID_SIGNATURE',
    );
  });

  it('refuses to attest a bundle that fails verification', async () => {
    const bundle = await sampleBundle();
    const tampered = {
      ...bundle,
      envelope: {
        ...bundle.envelope,
        payload: b64(unb64(bundle.envelope.payload).replace('typo', 'tpyo')),
      },
    };
    await expect(attested(tampered, 2)).rejects.toMatchObject({ code: 'INVALID_SIGNATURE' });
  });

  describe('rejects bad input with a code', () => {
    const cases: [string, (b: Bundle) => Promise<Uint8Array | Bundle | object>, string][] = [
      ['non-JSON', async () => new TextEncoder().encode('hello'), 'MALFORMED_INPUT'],
      ['truncated JSON', async (b) => bytesOf(b).subarray(0, 200), 'MALFORMED_INPUT'],
      ['invalid UTF-8', async () => Uint8Array.from([0x7b, 0xff, 0x7d]), 'MALFORMED_INPUT'],
      ['a wrong type', async (b) => ({ ...b, attestation_signatures: {} }), 'MALFORMED_INPUT'],
      [
        'a missing field',
        async (b) => ({ mediaType: b.mediaType, envelope: b.envelope }),
        'MALFORMED_INPUT',
      ],
      ['an unknown top-level field', async (b) => ({ ...b, extra: 1 }), 'MALFORMED_INPUT'],
      [
        'invalid base64',
        async (b) => ({
          ...b,
          envelope: { ...b.envelope, payload: `${b.envelope.payload.slice(0, -4)}A===` },
        }),
        'MALFORMED_INPUT',
      ],
      [
        'a wrong payload type',
        async (b) => ({ ...b, envelope: { ...b.envelope, payloadType: 'text/plain' } }),
        'MALFORMED_INPUT',
      ],
      [
        'a duplicated author signature',
        async (b) => ({
          ...b,
          envelope: {
            ...b.envelope,
            signatures: [...b.envelope.signatures, ...b.envelope.signatures],
          },
        }),
        'MALFORMED_INPUT',
      ],
      [
        'an altered payload',
        async (b) => ({
          ...b,
          envelope: {
            ...b.envelope,
            payload: b64(unb64(b.envelope.payload).replace('typo', 'tpyo')),
          },
        }),
        'INVALID_SIGNATURE',
      ],
      [
        'a signature claimed by another key',
        async (b) => ({
          ...b,
          envelope: {
            ...b.envelope,
            signatures: [
              { keyid: (await signer(2)).did, sig: b.envelope.signatures[0]?.sig ?? '' },
            ],
          },
        }),
        'INVALID_SIGNATURE',
      ],
      [
        'a statement signed by someone other than its creator',
        (b) => resigned(b, () => undefined, 2),
        'INVALID_SIGNATURE',
      ],
      [
        'an unknown predicate type',
        (b) => resigned(b, (s) => ({ ...s, predicateType: 'https://slsa.dev/provenance/v1' })),
        'INVALID_METADATA',
      ],
      [
        'a predicate field of the wrong type',
        (b) =>
          resigned(b, (s) => ({
            ...s,
            predicate: { ...(s.predicate as object), affected_components: 'greet' },
          })),
        'INVALID_METADATA',
      ],
      [
        'a non-canonical signed payload',
        (b) => resigned(b, (s) => JSON.stringify(s, null, 1)),
        'INVALID_METADATA',
      ],
      [
        'a subject digest that does not match the diff',
        (b) =>
          resigned(b, (s) => ({
            ...s,
            subject: [{ name: 'x', digest: { sha256: '0'.repeat(64) } }],
          })),
        'INVALID_METADATA',
      ],
      [
        'an impossible timestamp',
        (b) =>
          resigned(b, (s) => ({
            ...s,
            predicate: { ...(s.predicate as object), creation_timestamp: '2026-02-30T00:00:00Z' },
          })),
        'INVALID_METADATA',
      ],
      [
        'a non-UTC timestamp',
        (b) =>
          resigned(b, (s) => ({
            ...s,
            predicate: {
              ...(s.predicate as object),
              creation_timestamp: '2026-02-03T00:00:00+01:00',
            },
          })),
        'INVALID_METADATA',
      ],
      [
        'a file list that hides a touched path',
        (b) =>
          resigned(b, (s) => ({
            ...s,
            predicate: { ...(s.predicate as object), files: ['README'] },
          })),
        'INVALID_METADATA',
      ],
      [
        'an oversized file',
        async () => new Uint8Array(MAX_BUNDLE_BYTES + 1).fill(0x20),
        'TOO_LARGE',
      ],
    ];
    it.each(cases)('%s', async (_why, make, expected) => {
      const made = await make(await sampleBundle());
      const bytes = made instanceof Uint8Array ? made : bytesOf(made);
      expect(code(await verifyBundle(bytes))).toBe(expected);
    });

    it('a signed diff that is not a diff', async () => {
      const bundle = await sampleBundle();
      const notADiff = 'just prose\n';
      const digest = createHash('sha256').update(notADiff).digest('hex');
      const forged = await resigned(bundle, (s) => ({
        ...s,
        subject: [{ name: 'p', digest: { sha256: digest } }],
        predicate: { ...(s.predicate as object), patch_diff: notADiff },
      }));
      expect(code(await verifyBundle(bytesOf(forged)))).toBe('INVALID_METADATA');
      await expect(
        createBundle({ diff: notADiff, signer: await signer(1), reason: 'x', now: NOW }),
      ).rejects.toMatchObject({ code: 'MALFORMED_INPUT' });
    });

    it('a tampered, misdirected or duplicated attestation', async () => {
      const bundle = await attested(await sampleBundle(), 2);
      const att = bundle.attestation_signatures[0] as Bundle['envelope'];
      const tampered = { ...att, payload: b64(unb64(att.payload).replace('pass', 'fail')) };
      expect(
        code(await verifyBundle(bytesOf({ ...bundle, attestation_signatures: [tampered] }))),
      ).toBe('INVALID_SIGNATURE');
      const other = await attested(await sampleBundle(5), 2);
      const moved = { ...bundle, attestation_signatures: other.attestation_signatures };
      expect(code(await verifyBundle(bytesOf(moved)))).toBe('INVALID_METADATA');
      const duplicated = { ...bundle, attestation_signatures: [att, att] };
      expect(code(await verifyBundle(bytesOf(duplicated)))).toBe('MALFORMED_INPUT');
    });
  });

  it('tamper sweep: every single-byte change is rejected or provably harmless', async () => {
    const bundle = await attested(await sampleBundle(), 2, 'reviewer', 'ok');
    const original = bytesOf(bundle);
    const good = await verifyBundle(original);
    if (!good.ok) throw new Error('fixture must verify');
    const fingerprint = (r: VerifyResult) =>
      r.ok
        ? JSON.stringify([
            r.report.payloadDigest,
            r.report.predicate,
            r.report.author.did,
            r.report.attestations,
          ])
        : '';
    const expected = fingerprint(good);
    const tally = { rejected: 0, harmless: 0 };
    for (let i = 0; i < original.length; i++) {
      for (const mask of [0x01, 0x20]) {
        const bytes = original.slice();
        bytes[i] = (bytes[i] ?? 0) ^ mask;
        const result = await verifyBundle(bytes);
        if (!result.ok) tally.rejected++;
        else {
          expect(fingerprint(result), `byte ${i} ^ ${mask}`).toBe(expected);
          tally.harmless++;
        }
      }
    }
    console.info(
      `tamper sweep: ${original.length} bytes x 2 masks: ${tally.rejected} rejected, ${tally.harmless} harmless`,
    );
    expect(tally.rejected + tally.harmless).toBe(original.length * 2);
    expect(tally.rejected).toBeGreaterThan(original.length * 1.9);
  });
});

describe('bundle parser properties', () => {
  it('never throws on arbitrary bytes or on arbitrary JSON grafted into a real bundle', async () => {
    const fc = (await import('fast-check')).default;
    const bundle = await sampleBundle();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const result = await verifyBundle(bytes);
        expect(result.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
    const paths = [
      ['mediaType'],
      ['envelope'],
      ['envelope', 'payload'],
      ['envelope', 'signatures'],
      ['envelope', 'signatures', 0],
      ['envelope', 'signatures', 0, 'sig'],
      ['attestation_signatures'],
      ['attestation_signatures', 0],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.jsonValue(), async (path, value) => {
        const copy = structuredClone(bundle) as unknown as Record<string | number, unknown>;
        let node = copy;
        for (const key of path.slice(0, -1))
          node = (node[key] ?? {}) as Record<string | number, unknown>;
        node[path.at(-1) as string | number] = value;
        const result = await verifyBundle(bytesOf(copy));
        if (result.ok) expect(result.report.payloadDigest).toBeTypeOf('string');
        else expect(result.problem.code).toMatch(/^[A-Z_]+$/);
      }),
      { numRuns: 500 },
    );
  });
});
