import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeSeedSigner } from '../../src/core/crypto/signer.ts';
import {
  cosignCheckpoint,
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  verifyCheckpointConsistency,
  verifyCheckpointInclusion,
  verifyCosignedCheckpoint,
  type Checkpoint,
} from '../../src/core/ledger/checkpoint.ts';
import { MerkleTree, emptyRoot, hashLeaf } from '../../src/core/ledger/merkle.ts';
import {
  addSignatures,
  formatVerifierKey,
  makeCosigner,
  makeNoteSigner,
  makeVerifierKey,
  parseNote,
  parseVerifierKey,
  type NoteSigner,
} from '../../src/core/ledger/note.ts';
import { loadVector } from '../helpers/vectors.ts';
import { codeOf } from '../helpers/codes.ts';

interface NoteCase {
  name: string;
  verifierKey: string;
  signedNote: string | null;
}
interface ParseOnlyCase {
  name: string;
  signedNote: string;
  expectedCheckpoint?: {
    origin: string;
    treeSize: number;
    rootHashBase64: string;
    rootHashHex: string;
    extensionLines: string[];
  };
}

const notes = loadVector<{ cases: NoteCase[] }>('c2sp-note/notes.json').cases;
const parseOnly = loadVector<{ cases: ParseOnlyCase[] }>('c2sp-note/parse-only.json').cases;

const ORIGIN = 'example.com/ledger';
const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const seed = (n: number): Uint8Array => new Uint8Array(32).fill(n);
const leaves = Array.from({ length: 100 }, (_, i) => new TextEncoder().encode(`entry ${i}`));

async function setup(): Promise<{
  tree: MerkleTree;
  log: NoteSigner;
  witnesses: NoteSigner[];
  checkpointAt: (size: number) => Checkpoint;
}> {
  const tree = MerkleTree.fromLeaves(leaves);
  const log = makeNoteSigner(ORIGIN, await makeSeedSigner(seed(1)));
  const witnesses = await Promise.all(
    [2, 3, 4].map(async (n) =>
      makeCosigner(`witness.example/w${n}`, await makeSeedSigner(seed(n)), () => 1_700_000_000 + n),
    ),
  );
  const checkpointAt = (size: number): Checkpoint => ({
    origin: ORIGIN,
    size,
    rootHash: tree.root(size),
    extensions: [],
  });
  return { tree, log, witnesses, checkpointAt };
}

describe('checkpoint text (tlog-checkpoint)', () => {
  it.each(parseOnly.filter((c) => c.expectedCheckpoint !== undefined))(
    'parses the spec example $name',
    (c) => {
      const checkpoint = parseCheckpoint(parseNote(c.signedNote).text);
      expect({
        origin: checkpoint.origin,
        treeSize: checkpoint.size,
        rootHashBase64: Buffer.from(checkpoint.rootHash).toString('base64'),
        rootHashHex: hexOf(checkpoint.rootHash),
        extensionLines: checkpoint.extensions,
      }).toEqual(c.expectedCheckpoint);
      expect(formatCheckpoint(checkpoint)).toBe(parseNote(c.signedNote).text);
    },
  );

  it('round-trips extension lines and the empty tree', () => {
    const checkpoint = {
      origin: ORIGIN,
      size: 0,
      rootHash: emptyRoot(),
      extensions: ['ext one', 'ext two'],
    };
    const text = formatCheckpoint(checkpoint);
    expect(text).toBe(
      `${ORIGIN}\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next one\next two\n`,
    );
    expect(parseCheckpoint(text)).toEqual(checkpoint);
  });

  const good = `${ORIGIN}\n12\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n`;
  it.each([
    ['no final newline', good.slice(0, -1)],
    ['two lines', `${ORIGIN}\n12\n`],
    ['an empty origin', good.replace(ORIGIN, '')],
    ['a leading zero', good.replace('\n12\n', '\n012\n')],
    ['a plus sign', good.replace('\n12\n', '\n+12\n')],
    ['a negative size', good.replace('\n12\n', '\n-1\n')],
    ['a space after the size', good.replace('\n12\n', '\n12 \n')],
    ['a hex size', good.replace('\n12\n', '\n0xc\n')],
    ['a 31-byte root', `${ORIGIN}\n12\n${Buffer.alloc(31).toString('base64')}\n`],
    ['a URL-safe root', `${ORIGIN}\n12\n_-${'A'.repeat(41)}=\n`],
    ['an unpadded root', good.replace('=\n', '\n')],
    ['an empty extension line', `${good}\n`],
    ['a control character', good.replace(ORIGIN, `${ORIGIN}\u0007`)],
  ])('rejects a checkpoint with %s', async (_what, text) => {
    expect(parseCheckpoint(good).size).toBe(12);
    expect(await codeOf(() => parseCheckpoint(text))).toBe('MALFORMED_INPUT');
  });

  it('parses any text to a checkpoint or a coded rejection, and round-trips what it accepts', async () => {
    const line = fc.constantFrom(
      ORIGIN,
      '12',
      '0',
      '012',
      emptyRootBase64(),
      'ext',
      '',
      ' ',
      '\u0007',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 6 }), fc.boolean(), async (lines, newline) => {
        const text = lines.join('\n') + (newline ? '\n' : '');
        const code = await codeOf(() => parseCheckpoint(text));
        expect(code === 'no error' || code === 'MALFORMED_INPUT').toBe(true);
        if (code === 'no error') expect(formatCheckpoint(parseCheckpoint(text))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects sizes above 2^53 - 1 as TOO_LARGE', async () => {
    const big = `${ORIGIN}\n9007199254740992\n${emptyRootBase64()}\n`;
    expect(await codeOf(() => parseCheckpoint(big))).toBe('TOO_LARGE');
    const max = `${ORIGIN}\n9007199254740991\n${emptyRootBase64()}\n`;
    expect(parseCheckpoint(max).size).toBe(Number.MAX_SAFE_INTEGER);
  });
});

function emptyRootBase64(): string {
  return Buffer.from(emptyRoot()).toString('base64');
}

describe('signed checkpoints', () => {
  it('opens the go.sum tree heads of x/mod (origin given, since it differs from the key name)', async () => {
    for (const name of ['xmod-sumdb-tree-5', 'xmod-sumdb-tree-6']) {
      const c = notes.find((n) => n.name === name);
      const key = parseVerifierKey(c?.verifierKey ?? '');
      const note = c?.signedNote ?? '';
      const checkpoint = await openCheckpoint(note, key, 'go.sum database tree');
      expect(checkpoint.size).toBe(name.endsWith('5') ? 5 : 6);
      expect(await codeOf(() => openCheckpoint(note, key))).toBe('INVALID_METADATA');
    }
  });

  it('signs, opens, and rejects tampering or the wrong log key', async () => {
    const { log, checkpointAt } = await setup();
    const note = await signCheckpoint(checkpointAt(60), log);
    expect(await openCheckpoint(note, log.key)).toEqual(checkpointAt(60));
    const tampered = note.replace('\n60\n', '\n61\n');
    expect(await codeOf(() => openCheckpoint(tampered, log.key))).toBe('INVALID_SIGNATURE');
    const other = makeNoteSigner(ORIGIN, await makeSeedSigner(seed(99)));
    expect(await codeOf(() => openCheckpoint(note, other.key))).toBe('UNKNOWN_AUTHOR');
    const notACheckpoint = await addSignatures(`${ORIGIN}\nhello\n\n\u2014 x AAAAAAA=\n`, [log]);
    expect(await codeOf(() => openCheckpoint(notACheckpoint, log.key))).toBe('MALFORMED_INPUT');
  });

  it('counts distinct witnesses against a threshold', async () => {
    const { log, witnesses, checkpointAt } = await setup();
    const [w2, w3, w4] = witnesses as [NoteSigner, NoteSigner, NoteSigner];
    let note = await signCheckpoint(checkpointAt(100), log);
    note = await cosignCheckpoint(note, log.key, w2);
    note = await cosignCheckpoint(note, log.key, w3);
    const policy = { logKey: log.key, witnesses: [w2.key, w3.key, w4.key] };

    const result = await verifyCosignedCheckpoint(note, { ...policy, threshold: 2 });
    expect(result.checkpoint).toEqual(checkpointAt(100));
    expect(result.cosignatures.map((c) => [c.key.name, c.timestamp])).toEqual([
      ['witness.example/w2', 1_700_000_002],
      ['witness.example/w3', 1_700_000_003],
    ]);
    expect(await codeOf(() => verifyCosignedCheckpoint(note, { ...policy, threshold: 3 }))).toBe(
      'POLICY_DENIED',
    );
    await expect(verifyCosignedCheckpoint(note, { ...policy, threshold: 4 })).rejects.toThrow(
      RangeError,
    );
  });

  it('does not count one witness twice, nor the log as its own witness', async () => {
    const { log, witnesses, checkpointAt } = await setup();
    const w2 = witnesses[0] as NoteSigner;
    const w2Plain = makeNoteSigner('w2-plain', await makeSeedSigner(seed(2))); // same key as w2
    const logAsWitness = makeCosigner(ORIGIN, await makeSeedSigner(seed(1)), () => 5);
    let note = await signCheckpoint(checkpointAt(100), log);
    note = await addSignatures(note, [w2, w2Plain, logAsWitness]);
    const policy = {
      logKey: log.key,
      witnesses: [w2.key, w2Plain.key, logAsWitness.key],
      threshold: 2,
    };
    expect(await codeOf(() => verifyCosignedCheckpoint(note, policy))).toBe('POLICY_DENIED');
    const one = await verifyCosignedCheckpoint(note, { ...policy, threshold: 1 });
    expect(one.cosignatures.map((c) => c.key.name)).toEqual(['witness.example/w2']);
  });

  it('rejects a bad cosignature by a trusted witness and ignores unknown ones', async () => {
    const { log, witnesses, checkpointAt } = await setup();
    const [w2, w3] = witnesses as [NoteSigner, NoteSigner];
    const signed = await cosignCheckpoint(
      await signCheckpoint(checkpointAt(100), log),
      log.key,
      w2,
    );
    const stranger = makeCosigner('stranger', await makeSeedSigner(seed(50)), () => 7);
    const withStranger = await addSignatures(signed, [stranger]);
    const policy = { logKey: log.key, witnesses: [w2.key, w3.key], threshold: 1 };
    expect((await verifyCosignedCheckpoint(withStranger, policy)).cosignatures).toHaveLength(1);

    // A w3 line over another checkpoint, pasted under this one.
    const otherNote = await cosignCheckpoint(
      await signCheckpoint(checkpointAt(99), log),
      log.key,
      w3,
    );
    const pasted = `${signed}${otherNote.split('\n').at(-2) ?? ''}\n`;
    expect(await codeOf(() => verifyCosignedCheckpoint(pasted, policy))).toBe('INVALID_SIGNATURE');
  });

  it('will not cosign a checkpoint the log did not sign', async () => {
    const { log, witnesses, checkpointAt } = await setup();
    const forger = makeNoteSigner(ORIGIN, await makeSeedSigner(seed(66)));
    const forged = await signCheckpoint(checkpointAt(100), forger);
    const code = await codeOf(() => cosignCheckpoint(forged, log.key, witnesses[0] as NoteSigner));
    expect(code).toBe('UNKNOWN_AUTHOR');
  });
});

describe('proofs against checkpoints', () => {
  it('verifies consistency between two checkpoints of one log', async () => {
    const { tree, checkpointAt } = await setup();
    const proof = tree.consistencyProof(60, 100);
    expect(verifyCheckpointConsistency(checkpointAt(60), checkpointAt(100), proof)).toBe(true);
    expect(verifyCheckpointConsistency(checkpointAt(61), checkpointAt(100), proof)).toBe(false);
    expect(verifyCheckpointConsistency(checkpointAt(100), checkpointAt(60), proof)).toBe(false);
    const otherLog = { ...checkpointAt(100), origin: 'example.com/other' };
    expect(verifyCheckpointConsistency(checkpointAt(60), otherLog, proof)).toBe(false);
    const forked = {
      ...checkpointAt(100),
      rootHash: MerkleTree.fromLeaves(leaves.slice(1)).root(),
    };
    expect(verifyCheckpointConsistency(checkpointAt(60), forked, proof)).toBe(false);
    expect(verifyCheckpointConsistency(checkpointAt(100), checkpointAt(100), [])).toBe(true);
  });

  it('treats the empty tree as a prefix of every tree, with an empty proof', async () => {
    const { checkpointAt } = await setup();
    expect(verifyCheckpointConsistency(checkpointAt(0), checkpointAt(100), [])).toBe(true);
    const bogusEmpty = { ...checkpointAt(0), rootHash: new Uint8Array(32) };
    expect(verifyCheckpointConsistency(bogusEmpty, checkpointAt(100), [])).toBe(false);
    const padded = [new Uint8Array(32)];
    expect(verifyCheckpointConsistency(checkpointAt(0), checkpointAt(100), padded)).toBe(false);
  });

  it('verifies that an entry is in a checkpointed tree', async () => {
    const { tree, checkpointAt } = await setup();
    const proof = tree.inclusionProof(42, 60);
    const leaf = hashLeaf(leaves[42] as Uint8Array);
    expect(verifyCheckpointInclusion(checkpointAt(60), 42, leaf, proof)).toBe(true);
    expect(verifyCheckpointInclusion(checkpointAt(60), 43, leaf, proof)).toBe(false);
    expect(verifyCheckpointInclusion(checkpointAt(100), 42, leaf, proof)).toBe(false);
    expect(verifyCheckpointInclusion(checkpointAt(40), 42, leaf, proof)).toBe(false);
    const otherLeaf = hashLeaf(leaves[41] as Uint8Array);
    expect(verifyCheckpointInclusion(checkpointAt(60), 42, otherLeaf, proof)).toBe(false);
  });

  it('verifies a proof carried with a cosigned checkpoint end to end', async () => {
    const { tree, log, witnesses, checkpointAt } = await setup();
    let note = await signCheckpoint(checkpointAt(100), log);
    for (const witness of witnesses) note = await cosignCheckpoint(note, log.key, witness);
    // A device without the ledger gets: the note, the leaf, its index and the proof.
    // It trusts the log and the witnesses through their vkeys, configured out of band.
    const trustedLog = parseVerifierKey(
      formatVerifierKey(makeVerifierKey(ORIGIN, log.key.publicKey)),
    );
    const { checkpoint } = await verifyCosignedCheckpoint(note, {
      logKey: trustedLog,
      witnesses: witnesses.map((w) => parseVerifierKey(formatVerifierKey(w.key))),
      threshold: 3,
    });
    const proof = tree.inclusionProof(7, 100);
    expect(verifyCheckpointInclusion(checkpoint, 7, hashLeaf(leaves[7] as Uint8Array), proof)).toBe(
      true,
    );
  });
});
