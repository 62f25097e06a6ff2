/**
 * Ledger checkpoints, witnesses and proof packs. Interop: every note, cosignature and proof we
 * make is also checked by an independent verifier written below from the spec texts (C2SP
 * signed-note / tlog-cosignature, RFC 9162 §2.1) on node:crypto alone, and that verifier is
 * itself checked against the shared third-party vectors.
 */
import { createHash, verify as nodeVerify } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeSeedSigner, type Signer } from '../../src/core/crypto/signer.ts';
import { fromBase64, toBase64, utf8Decode, utf8Encode } from '../../src/core/encoding/bytes.ts';
import type { ErrorCode } from '../../src/core/errors.ts';
import {
  formatCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  verifyCheckpointConsistency,
  verifyCosignedCheckpoint,
} from '../../src/core/ledger/checkpoint.ts';
import type { Entry } from '../../src/core/ledger/entry.ts';
import { serializeEntries } from '../../src/core/ledger/file.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import { MerkleTree } from '../../src/core/ledger/merkle.ts';
import {
  addSignatures,
  formatVerifierKey,
  makeCosigner,
  makeNoteSigner,
  parseNote,
  type VerifierKey,
} from '../../src/core/ledger/note.ts';
import {
  makeProofPack,
  MAX_PROOF_PACK_BYTES,
  PROOF_PACK_MEDIA_TYPE,
  serializeProofPack,
  verifyProofPack,
  type ProofPack,
} from '../../src/core/ledger/proof-pack.ts';
import {
  cosignedNote,
  cosignLedgerCheckpoint,
  ledgerLog,
  ledgerOrigin,
  logVerifierKey,
  makeLedgerCheckpoint,
  readLedgerCheckpoint,
  witnessCheckpoint,
  witnessVerifierKey,
} from '../../src/core/ledger/proofs.ts';
import { VECTORS_DIR } from '../helpers/vectors.ts';
import { codeOf } from '../helpers/codes.ts';

// ---- An independent verifier, from the spec texts, on node:crypto only ----------------------

const sha256 = (...parts: (Uint8Array | string)[]): Buffer =>
  parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
const leafHash = (leaf: Uint8Array): Buffer => sha256(Uint8Array.of(0), leaf); // RFC 9162 §2.1.1
const nodeHash = (l: Uint8Array, r: Uint8Array): Buffer => sha256(Uint8Array.of(1), l, r);
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex'); // RFC 8410 SubjectPublicKeyInfo

function ed25519(publicKey: Uint8Array, message: string, signature: Uint8Array): boolean {
  const key = { key: Buffer.concat([SPKI_ED25519, publicKey]), format: 'der', type: 'spki' };
  return nodeVerify(null, Buffer.from(message), key as never, signature);
}

/** MTH(D[n]) by the recursive definition of RFC 9162 §2.1.1. */
function refRoot(leaves: readonly Uint8Array[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leafHash(leaves[0] as Uint8Array);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(refRoot(leaves.slice(0, k)), refRoot(leaves.slice(k)));
}

/** RFC 9162 §2.1.3.2. */
function refInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: Uint8Array[],
  root: Uint8Array,
) {
  if (index >= size || leaf.length !== 32) return false;
  let [fn, sn] = [index, size - 1];
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn / 2, Math.floor(sn / 2)];
    } else r = nodeHash(r, p);
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2, with transparency-dev's rules for size1 = 0 and size1 = size2. */
function refConsistency(
  n1: number,
  n2: number,
  proof: Uint8Array[],
  r1: Uint8Array,
  r2: Uint8Array,
) {
  if (n1 === 0 || n1 > n2) return false;
  if (n1 === n2) return proof.length === 0 && Buffer.from(r1).equals(r2);
  if (proof.length === 0) return false;
  const path = (n1 & (n1 - 1)) === 0 ? [r1, ...proof] : proof;
  let [fn, sn] = [n1 - 1, n2 - 1];
  while (fn % 2 === 1) [fn, sn] = [(fn - 1) / 2, Math.floor(sn / 2)];
  let fr: Buffer = Buffer.from(path[0] as Uint8Array);
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      [fr, sr] = [nodeHash(c, fr), nodeHash(c, sr)];
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn / 2, Math.floor(sn / 2)];
    } else sr = nodeHash(sr, c);
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return sn === 0 && fr.equals(r1) && sr.equals(r2);
}

/** C2SP signed-note + tlog-cosignature: the signed text if `vkey` signed the note, else null. */
function refOpenNote(note: string, vkey: string): { text: string; time?: bigint } | null {
  const [name = '', id = '', ...rest] = vkey.split('+');
  const material = Buffer.from(rest.join('+'), 'base64');
  const [type, publicKey] = [material[0], material.subarray(1)];
  const keyId = sha256(`${name}\n`, material).subarray(0, 4);
  if (keyId.toString('hex') !== id) return null;
  const split = note.lastIndexOf('\n\n');
  const text = note.slice(0, split + 1);
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const [dash, keyName, b64] = line.split(' ');
    if (dash !== '\u2014' || keyName !== name) continue;
    const sig = Buffer.from(b64 ?? '', 'base64');
    if (!sig.subarray(0, 4).equals(keyId)) continue;
    if (type === 1 && ed25519(publicKey, text, sig.subarray(4))) return { text };
    const time = sig.length === 76 ? sig.readBigUInt64BE(4) : -1n;
    const signed = `cosignature/v1\ntime ${time}\n${text}`;
    if (type === 4 && ed25519(publicKey, signed, sig.subarray(12))) return { text, time };
  }
  return null;
}

// ---- Fixtures ---------------------------------------------------------------------------------

const T = '2026-11-22T08:00:00Z';
const NOW = 1_795_000_000;
const bundleDigest = (n: number) => `sha256:${n.toString(16).padStart(2, '0').repeat(32)}`;
const PATCH = bundleDigest(0xab);
const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));

interface Team {
  ledger: Ledger;
  log: Signer;
  dev: Signer;
  reviewer: Signer;
  witnesses: Signer[];
  wkeys: VerifierKey[];
}

/** A ledger with a publish, two attestations and some noise, and three registered witnesses. */
async function team(): Promise<Team> {
  const [log, dev, reviewer, ...witnesses] = await Promise.all([1, 2, 3, 4, 5, 6].map(signer));
  const ledger = await Ledger.found(
    log as Signer,
    { name: 'team', admins: [(log as Signer).did], threshold: 1 },
    T,
  );
  for (const s of [dev, reviewer, ...witnesses] as Signer[])
    await ledger.append(s, 'register', { name: '' }, T);
  await publishAndAttest(ledger, dev as Signer, reviewer as Signer, PATCH);
  await publishAndAttest(ledger, dev as Signer, reviewer as Signer, bundleDigest(0xcd));
  const wkeys = witnesses.map((w) => witnessVerifierKey(w));
  return { ledger, log, dev, reviewer, witnesses, wkeys } as Team;
}

async function publishAndAttest(ledger: Ledger, dev: Signer, reviewer: Signer, patch: string) {
  const publish = {
    ...{ patch, diff: bundleDigest(1), creator: dev.did, reason: 'fix', components: [] },
    created: T,
  };
  await ledger.append(dev, 'publish', publish, T);
  const built = await ledger.append(dev, 'attest', { patch, reason: 'built' }, T);
  await ledger.append(reviewer, 'attest', { patch, reason: 'reviewed', parent: built.id }, T);
}

async function cosignBy(t: Team, witnesses: Signer[]) {
  for (const w of witnesses) await cosignLedgerCheckpoint(t.ledger, w, { time: T, timestamp: NOW });
}

const fileLines = (ledger: Ledger): Uint8Array[] =>
  utf8Decode(serializeEntries(ledger.all()))
    .split('\n')
    .slice(0, -1)
    .map((line) => utf8Encode(line));

// ---- Tests ------------------------------------------------------------------------------------

describe('the independent verifier agrees with the third-party vectors', () => {
  const cases = (kind: string) => {
    const dir = join(VECTORS_DIR, 'merkle/testdata', kind);
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>);
  };
  const b = (s: unknown) => Buffer.from(String(s), 'base64');
  const proof = (p: unknown) => ((p as string[] | null) ?? []).map(b);

  it('on every transparency-dev inclusion and consistency case', () => {
    for (const c of cases('inclusion'))
      expect(
        refInclusion(
          c.leafIdx as number,
          c.treeSize as number,
          b(c.leafHash),
          proof(c.proof),
          b(c.root),
        ),
      ).toBe(!c.wantErr);
    for (const c of cases('consistency'))
      expect(
        refConsistency(
          c.size1 as number,
          c.size2 as number,
          proof(c.proof),
          b(c.root1),
          b(c.root2),
        ),
      ).toBe(!c.wantErr);
  });

  it('on the single-key signed-note cases of golang.org/x/mod and C2SP', () => {
    const notes = JSON.parse(readFileSync(join(VECTORS_DIR, 'c2sp-note/notes.json'), 'utf8')) as {
      cases: {
        verifierKey: string;
        verifierKeys?: string[];
        signedNote: string | null;
        valid: boolean;
        expectedText?: string;
      }[];
    };
    const simple = notes.cases.filter(
      (c) => c.signedNote !== null && (c.verifierKeys?.length ?? 1) === 1 && c.valid,
    );
    expect(simple.length).toBeGreaterThan(3);
    for (const c of simple)
      expect(refOpenNote(c.signedNote as string, c.verifierKey)?.text).toBe(c.expectedText);
  });
});

describe('ledger checkpoints (C2SP tlog-checkpoint over RFC 9162)', () => {
  let t: Team;
  beforeAll(async () => {
    t = await team();
  });

  it('commits to the ledger file: leaf i is line i, and an independent verifier accepts the note', async () => {
    const made = await makeLedgerCheckpoint(t.ledger, t.log, { time: T });
    const vkey = formatVerifierKey(made.key);
    const origin = `patchtrail.dev/ledger/${t.ledger.id.slice(7, 23)}/${t.log.did}`;
    expect(made.key.name).toBe(origin);
    const opened = refOpenNote(made.note, vkey);
    expect(opened?.text).toBe(formatCheckpoint(made.checkpoint));
    const [originLine, size, root] = (opened?.text ?? '').split('\n');
    expect(originLine).toBe(origin);
    const lines = fileLines(t.ledger);
    expect(Number(size)).toBe(lines.length - 1); // the checkpoint entry itself comes after
    expect(root).toBe(refRoot(lines.slice(0, -1)).toString('base64'));
    expect(t.ledger.get(made.entry.id)?.kind).toBe('checkpoint');
    expect((await readLedgerCheckpoint(t.ledger.id, made.entry)).checkpoint).toEqual(
      made.checkpoint,
    );
  });

  it('successive checkpoints of a growing ledger are consistent, for us and the independent verifier', async () => {
    const first = await makeLedgerCheckpoint(t.ledger, t.log, { time: T });
    for (let i = 0; i < 13; i++)
      await t.ledger.append(t.dev, 'attest', { patch: bundleDigest(i), reason: 'tested' }, T);
    const second = await makeLedgerCheckpoint(t.ledger, t.log, { time: T });
    const [a, b] = [first.checkpoint, second.checkpoint];
    const proof = ledgerLog(t.ledger).tree.consistencyProof(a.size, b.size);
    expect(proof.length).toBeGreaterThan(0);
    expect(verifyCheckpointConsistency(a, b, proof)).toBe(true);
    expect(refConsistency(a.size, b.size, proof, a.rootHash, b.rootHash)).toBe(true);
    expect(verifyCheckpointConsistency(a, b, proof.slice(1))).toBe(false);
    const other = { ...b, rootHash: a.rootHash };
    expect(verifyCheckpointConsistency(a, other, proof)).toBe(false);
  });

  it('refuses a log name that is not a valid key name', () => {
    expect(() => ledgerOrigin(t.ledger.id, 'two words')).toThrow(TypeError);
    expect(() => ledgerOrigin(t.ledger.id, 'a+b')).toThrow(TypeError);
    expect(ledgerOrigin(t.ledger.id, 'ci.example')).toMatch(
      /^patchtrail\.dev\/ledger\/[0-9a-f]{16}\/ci\.example$/,
    );
  });
});

describe('witnesses (tlog-witness semantics, tlog-cosignature)', () => {
  it('cosigns the first checkpoint on its signature, later ones only with a consistency proof', async () => {
    const t = await team();
    const [w1 = t.log] = t.witnesses;
    const first = await makeLedgerCheckpoint(t.ledger, t.log, { time: T });
    const c1 = await cosignLedgerCheckpoint(t.ledger, w1, { time: T, timestamp: NOW });
    expect(c1.fresh).toBe(true);
    expect(c1.previousSize).toBeUndefined();
    const vkey = formatVerifierKey(t.wkeys[0] as VerifierKey);
    expect(refOpenNote(`${first.note}${c1.line}\n`, vkey)).toEqual({
      text: parseNote(first.note).text,
      time: BigInt(NOW),
    });
    const again = await cosignLedgerCheckpoint(t.ledger, w1, { time: T, timestamp: NOW + 1 });
    expect(again.fresh).toBe(false);
    expect(again.entry.id).toBe(c1.entry.id);

    await t.ledger.append(t.dev, 'attest', { patch: PATCH, reason: 'tested' }, T);
    const second = await makeLedgerCheckpoint(t.ledger, t.log, { time: T });
    const c2 = await cosignLedgerCheckpoint(t.ledger, w1, { time: T, timestamp: NOW + 2 });
    expect(c2.previousSize).toBe(first.checkpoint.size);
    expect(c2.target.entry.id).toBe(second.entry.id);
  });

  it('refuses a rollback, a second root for one size, a bad proof and a wrong log key, each with its code', async () => {
    const t = await team();
    const logKey = logVerifierKey(t.ledger.id, t.log);
    const cosigner = makeCosigner(t.wkeys[0]?.name ?? '', t.witnesses[0] as Signer, () => NOW);
    const tree = ledgerLog(t.ledger).tree;
    const at = (size: number) => ({
      origin: logKey.name,
      size,
      rootHash: tree.root(size),
      extensions: [],
    });
    const sign = (c: ReturnType<typeof at>) =>
      signCheckpoint(c, makeNoteSigner(logKey.name, t.log));
    const note = await sign(at(10));
    const proof = tree.consistencyProof(6, 10);
    const ok = await witnessCheckpoint({ note, logKey, cosigner, previous: at(6), proof });
    expect(ok.checkpoint.size).toBe(10);
    const forked = await sign({ ...at(10), rootHash: tree.root(9) });
    const cases: [string, () => Promise<unknown>, ErrorCode][] = [
      [
        'rollback',
        () => witnessCheckpoint({ note, logKey, cosigner, previous: at(11) }),
        'STALE_LEDGER',
      ],
      [
        'fork',
        () => witnessCheckpoint({ note: forked, logKey, cosigner, previous: at(10) }),
        'EQUIVOCATION',
      ],
      [
        'bad proof',
        () => witnessCheckpoint({ note, logKey, cosigner, previous: at(6), proof: proof.slice(1) }),
        'INVALID_METADATA',
      ],
      [
        'no proof',
        () => witnessCheckpoint({ note, logKey, cosigner, previous: at(6) }),
        'INVALID_METADATA',
      ],
      [
        'other key',
        () =>
          witnessCheckpoint({
            note,
            logKey: logVerifierKey(t.ledger.id, t.dev, t.log.did),
            cosigner,
          }),
        'UNKNOWN_AUTHOR',
      ],
      [
        'altered',
        () => witnessCheckpoint({ note: note.replace('\n10\n', '\n11\n'), logKey, cosigner }),
        'INVALID_SIGNATURE',
      ],
    ];
    for (const [what, attempt, code] of cases)
      expect([what, await codeOf(attempt)]).toEqual([what, code]);
  });

  it('refuses a checkpoint whose root is not this ledger file’s (another peer’s admission order)', async () => {
    const t = await team();
    const key = logVerifierKey(t.ledger.id, t.log);
    const bogus = { origin: key.name, size: 3, rootHash: new Uint8Array(32), extensions: [] };
    const note = await signCheckpoint(bogus, makeNoteSigner(key.name, t.log));
    await t.ledger.append(t.log, 'checkpoint', { note }, T);
    const attempt = cosignLedgerCheckpoint(t.ledger, t.witnesses[0] as Signer, {
      time: T,
      timestamp: NOW,
    });
    expect(await codeOf(() => attempt)).toBe('INVALID_METADATA');
  });

  it('counts distinct pinned witnesses against the threshold', async () => {
    const t = await team();
    const made = await makeLedgerCheckpoint(t.ledger, t.log, { time: T });
    await cosignBy(t, t.witnesses.slice(0, 2));
    const note = await cosignedNote(t.ledger, made);
    expect(parseNote(note).signatures).toHaveLength(3);
    const policy = (threshold: number) => ({ logKey: made.key, witnesses: t.wkeys, threshold });
    expect((await verifyCosignedCheckpoint(note, policy(2))).cosignatures).toHaveLength(2);
    expect(await codeOf(() => verifyCosignedCheckpoint(note, policy(3)))).toBe('POLICY_DENIED');
  });

  it('leaves out a recorded cosignature that its author did not make', async () => {
    const t = await team();
    const made = await makeLedgerCheckpoint(t.ledger, t.log, { time: T });
    const [w1, w2] = t.witnesses as [Signer, Signer];
    const c1 = await cosignLedgerCheckpoint(t.ledger, w1, { time: T, timestamp: NOW });
    // w2 records w1's line as its own: it must not count twice, nor for w2.
    await t.ledger.append(w2, 'cosign', { checkpoint: made.entry.id, signature: c1.line }, T);
    await t.ledger.append(t.dev, 'cosign', { checkpoint: made.entry.id, signature: 'junk' }, T);
    expect(parseNote(await cosignedNote(t.ledger, made)).signatures).toHaveLength(2);
  });
});

describe('proof packs', () => {
  let t: Team;
  let pack: ProofPack;
  let text: string;
  let opts: { witnesses: VerifierKey[]; threshold: number; logKey: VerifierKey };
  beforeAll(async () => {
    t = await team();
    await makeLedgerCheckpoint(t.ledger, t.log, { time: T });
    await cosignBy(t, t.witnesses.slice(0, 2));
    // An attestation after the checkpoint: not in this pack.
    await t.ledger.append(t.reviewer, 'attest', { patch: PATCH, reason: 'tested' }, T);
    const made = await makeProofPack(t.ledger, PATCH, { witnesses: t.wkeys, threshold: 2 });
    expect(made.omitted).toBe(1);
    pack = made.pack;
    text = serializeProofPack(pack);
    opts = { witnesses: t.wkeys, threshold: 2, logKey: logVerifierKey(t.ledger.id, t.log) };
  });

  it('round-trips: the lineage of a patch, verified without the ledger', async () => {
    expect(pack.mediaType).toBe(PROOF_PACK_MEDIA_TYPE);
    const report = await verifyProofPack(text, opts);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.lineage.map((s) => [s.kind, s.reason, s.author])).toEqual([
      ['publish', 'fix', t.dev.did],
      ['attest', 'built', t.dev.did],
      ['attest', 'reviewed', t.reviewer.did],
    ]);
    expect(report.lineage[2]?.parent).toBe(report.lineage[1]?.id);
    expect(report.witnesses.map((w) => w.name)).toEqual(t.wkeys.slice(0, 2).map((k) => k.name));
    // Without a pinned log key the pack's own vkey is used; the witnesses carry the trust.
    expect((await verifyProofPack(text, { ...opts, logKey: undefined })).ok).toBe(true);
  });

  it('is accepted by the independent verifier: log signature, cosignatures, inclusion proofs', () => {
    const logged = refOpenNote(pack.checkpoint, pack.logKey);
    expect(logged).not.toBeNull();
    for (const key of t.wkeys.slice(0, 2))
      expect(refOpenNote(pack.checkpoint, formatVerifierKey(key))?.time).toBe(BigInt(NOW));
    const { size, rootHash } = parseCheckpoint(logged?.text ?? '');
    const lines = fileLines(t.ledger);
    for (const item of pack.entries) {
      const leaf = fromBase64(item.entry);
      expect(Buffer.from(leaf).equals(lines[item.index] as Uint8Array)).toBe(true);
      const proof = item.proof.map((h) => fromBase64(h));
      expect(refInclusion(item.index, size, leafHash(leaf), proof, rootHash)).toBe(true);
    }
  });

  interface RawItem {
    index: number;
    entry: string;
    proof: string[];
  }
  interface RawPack {
    [field: string]: unknown;
    checkpoint: string;
    entries: RawItem[];
  }
  /** A pack text with one change, made when the test runs. */
  const edit = (change: (p: RawPack, first: RawItem, second: RawItem) => void) => () => {
    const copy = JSON.parse(text) as RawPack;
    change(copy, copy.entries[0] as RawItem, copy.entries[1] as RawItem);
    return JSON.stringify(copy);
  };
  const same = () => text;
  const none = () => ({});
  const flip = (b64: string, at: number) => {
    const bytes = fromBase64(b64);
    const i = at < 0 ? bytes.length + at : at;
    bytes[i] = (bytes[i] ?? 0) ^ 1;
    return toBase64(bytes);
  };
  const WITNESS_LINE = /^(\u2014 patchtrail\.dev\/witness\/\S+ )(\S+)$/m;
  const ZERO_HASH = toBase64(new Uint8Array(32));

  it.each<[string, () => string, () => Partial<typeof opts>, ErrorCode]>([
    [
      'entry bytes',
      edit((_p, _a, b) => void (b.entry = flip(b.entry, -5))),
      none,
      'INVALID_METADATA',
    ],
    [
      'a proof hash',
      edit((_p, a) => void (a.proof[0] = flip(a.proof[0] ?? '', 3))),
      none,
      'INVALID_METADATA',
    ],
    ['a leaf index', edit((_p, a) => void (a.index += 1)), none, 'INVALID_METADATA'],
    [
      'the checkpoint size',
      edit(
        (p) => void (p.checkpoint = p.checkpoint.replace(/\n(\d+)\n/, (_m, n) => `\n${+n + 1}\n`)),
      ),
      none,
      'INVALID_SIGNATURE',
    ],
    [
      'a cosignature',
      edit(
        (p) =>
          void (p.checkpoint = p.checkpoint.replace(
            WITNESS_LINE,
            (_m, head, sig) => head + flip(sig, 40),
          )),
      ),
      none,
      'INVALID_SIGNATURE',
    ],
    ['the patch', edit((p) => void (p.patch = bundleDigest(0xcd))), none, 'INVALID_METADATA'],
    ['the ledger', edit((p) => void (p.ledger = bundleDigest(0xee))), none, 'INVALID_METADATA'],
    [
      'the log key (pinned)',
      same,
      () => ({ logKey: logVerifierKey(t.ledger.id, t.dev, t.log.did) }),
      'UNKNOWN_AUTHOR',
    ],
    [
      'nothing, but other witnesses are pinned',
      same,
      () => ({ witnesses: t.wkeys.slice(2), threshold: 1 }),
      'POLICY_DENIED',
    ],
    ['nothing, but three witnesses are required', same, () => ({ threshold: 3 }), 'POLICY_DENIED'],
    ['a duplicated entry', edit((p, a) => void p.entries.push(a)), none, 'MALFORMED_INPUT'],
    [
      'the media type',
      edit((p) => void (p.mediaType = 'application/json')),
      none,
      'MALFORMED_INPUT',
    ],
    ['an extra field', edit((p) => void (p.extra = 1)), none, 'MALFORMED_INPUT'],
    [
      'a field named like a prototype member',
      edit((p) => void Object.assign(p, { toString: 1 })),
      none,
      'MALFORMED_INPUT',
    ],
    ['a non-base64 entry', edit((_p, a) => void (a.entry = '****')), none, 'MALFORMED_INPUT'],
    [
      'a 54-hash proof',
      edit((_p, a) => void (a.proof = Array<string>(54).fill(ZERO_HASH))),
      none,
      'MALFORMED_INPUT',
    ],
    ['no entries', edit((p) => void (p.entries = [])), none, 'MALFORMED_INPUT'],
    ['not JSON', () => text.slice(0, -10), none, 'MALFORMED_INPUT'],
    [
      '2000 entries',
      edit((p, a) => void (p.entries = Array<RawItem>(2000).fill(a))),
      none,
      'TOO_LARGE',
    ],
    [
      '9 MiB of padding',
      () => text.replace('{', `{"pad":"${'x'.repeat(MAX_PROOF_PACK_BYTES)}",`),
      none,
      'TOO_LARGE',
    ],
  ])('refuses a pack with altered %s', async (_what, make, override, code) => {
    const report = await verifyProofPack(make(), { ...opts, ...override() });
    expect(report.ok).toBe(false);
    expect(report.problems[0]?.code).toBe(code);
  });

  it('refuses an entry of another ledger that a log put in its tree', async () => {
    const elsewhere = { name: 'elsewhere', admins: [t.dev.did], threshold: 1 };
    const other = await Ledger.found(t.dev, elsewhere, T);
    const foreign = await other.append(t.dev, 'attest', { patch: PATCH, reason: 'applied' }, T);
    expect(other.id).not.toBe(t.ledger.id);
    const leaves = [...[...t.ledger.all()].map((e) => e.bytes), foreign.bytes];
    const tree = MerkleTree.fromLeaves(leaves);
    const key = logVerifierKey(t.ledger.id, t.log);
    const checkpoint = { origin: key.name, size: tree.size, rootHash: tree.root(), extensions: [] };
    let note = await signCheckpoint(checkpoint, makeNoteSigner(key.name, t.log));
    const cosigners = t.witnesses
      .slice(0, 2)
      .map((w, i) => makeCosigner(t.wkeys[i]?.name ?? '', w, () => NOW));
    note = await addSignatures(note, cosigners);
    const item = (i: number) => ({
      index: i,
      entry: toBase64(leaves[i] as Uint8Array),
      proof: tree.inclusionProof(i).map(toBase64),
    });
    const ours = [...t.ledger.all()].findIndex((e) => e.kind === 'publish');
    const forged = { ...pack, checkpoint: note, entries: [item(ours), item(tree.size - 1)] };
    const report = await verifyProofPack(JSON.stringify(forged), opts);
    expect(report.problems).toEqual([
      expect.objectContaining({
        code: 'INVALID_METADATA',
        entry: 1,
        message: expect.stringContaining('belongs to ledger'),
      }),
    ]);
    expect(report.lineage).toHaveLength(1);
  });

  it('refuses an entry about another patch, even with a valid proof', async () => {
    const log = ledgerLog(t.ledger);
    const size = Number(parseCheckpoint(parseNote(pack.checkpoint).text).size);
    const stranger = [...t.ledger.aboutPatch(bundleDigest(0xcd))][0] as Entry;
    const index = log.index.get(stranger.id) as number;
    const extra = {
      index,
      entry: toBase64(stranger.bytes),
      proof: log.tree.inclusionProof(index, size).map(toBase64),
    };
    const report = await verifyProofPack(edit((p) => void p.entries.push(extra))(), opts);
    expect(report.problems.map((p) => [p.code, p.entry])).toEqual([['INVALID_METADATA', 3]]);
  });

  it('is refused for the wrong patch when the verifier names one', async () => {
    const report = await verifyProofPack(text, { ...opts, patch: bundleDigest(0xcd) });
    expect(report.problems[0]?.code).toBe('INVALID_METADATA');
  });

  it('never throws on a mutated pack, and accepts one only if it means the same', async () => {
    const witnessesOnly = { ...opts, logKey: undefined };
    await fc.assert(
      fc.asyncProperty(fc.nat(text.length - 1), fc.string({ maxLength: 3 }), async (at, insert) => {
        const mutated = text.slice(0, at) + insert + text.slice(at + 1);
        const report = await verifyProofPack(mutated, witnessesOnly);
        expect(report.ok).toBe(report.problems.length === 0);
        if (report.ok) expect(JSON.parse(mutated)).toEqual(JSON.parse(text));
        else expect(report.problems[0]?.code).toMatch(/^[A-Z_]+$/);
      }),
      { numRuns: 200 },
    );
    for (const junk of ['null', '[]', '"x"', '{"entries":[1]}', '\u{1F600}', ''])
      expect((await verifyProofPack(junk, opts)).problems[0]?.code).toBe('MALFORMED_INPUT');
  });

  it('is not made when no checkpoint has enough cosignatures, or none covers the patch', async () => {
    const fresh = await team();
    expect(await codeOf(() => makeProofPack(fresh.ledger, PATCH))).toBe('STALE_LEDGER');
    await makeLedgerCheckpoint(fresh.ledger, fresh.log, { time: T });
    await cosignBy(fresh, fresh.witnesses.slice(0, 1));
    const strict = { witnesses: fresh.wkeys, threshold: 2 };
    expect(await codeOf(() => makeProofPack(fresh.ledger, PATCH, strict))).toBe('POLICY_DENIED');
    expect(await codeOf(() => makeProofPack(fresh.ledger, bundleDigest(0x77)))).toBe(
      'STALE_LEDGER',
    );
    const loose = await makeProofPack(fresh.ledger, PATCH, {
      witnesses: fresh.wkeys,
      threshold: 1,
    });
    expect(loose.pack.entries).toHaveLength(3);
  });
});
