/**
 * The ledger entry JSON Schema (src/core/ledger/entry.schema.json) describes what the entry
 * decoder accepts: every kind an honest peer writes validates, and field-level corruptions are
 * refused by both the schema and `decodeEntry` (MALFORMED_INPUT, before any signature check).
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { makeSeedSigner, toBase64, type Signer } from '../../src/core/index.ts';
import { canonicalBytes } from '../../src/core/encoding/canonical-json.ts';
import { utf8Decode } from '../../src/core/encoding/bytes.ts';
import { decodeEntry, signEntry, type Entry } from '../../src/core/ledger/entry.ts';
import { Ledger, rotationMessage } from '../../src/core/ledger/ledger.ts';
import { makeProofPack, readProofPack } from '../../src/core/ledger/proof-pack.ts';
import { cosignLedgerCheckpoint, makeLedgerCheckpoint } from '../../src/core/ledger/proofs.ts';
import { codeOf } from '../helpers/codes.ts';

const schema = JSON.parse(
  readFileSync(new URL('../../src/core/ledger/entry.schema.json', import.meta.url), 'utf8'),
) as object;
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);
const packSchema = JSON.parse(
  readFileSync(new URL('../../src/core/ledger/proof-pack.schema.json', import.meta.url), 'utf8'),
) as object;
const validatePack = new Ajv2020({ strict: true, allErrors: true }).compile(packSchema);
const T = '2026-11-22T10:10:00Z';
const PATCH = `sha256:${'34'.repeat(32)}`;
const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));

/** A ledger with one entry of every kind. */
async function everyKind(): Promise<Entry[]> {
  return (await everyKindLedger()).all();
}

async function everyKindLedger(): Promise<{ all(): Entry[]; ledger: Ledger }> {
  const [admin, dev, next, witness] = [
    await signer(1),
    await signer(2),
    await signer(3),
    await signer(4),
  ];
  const ledger = await Ledger.found(
    admin,
    { name: 'all kinds', admins: [admin.did], threshold: 1 },
    T,
  );
  await ledger.append(dev, 'register', { name: 'dev' }, T);
  await ledger.append(witness, 'register', { name: 'witness' }, T);
  await ledger.append(admin, 'endorse', { subject: dev.did, role: 'builder', stake: 3 }, T);
  await ledger.append(
    dev,
    'publish',
    { patch: PATCH, diff: PATCH, creator: dev.did, reason: 'fix', components: ['a'], created: T },
    T,
  );
  const built = await ledger.append(dev, 'attest', { patch: PATCH, reason: 'built', score: 5 }, T);
  await ledger.append(
    dev,
    'attest',
    {
      patch: PATCH,
      reason: 'applied',
      parent: built.id,
      target: 'kiosk',
      treeBefore: PATCH,
      treeAfter: PATCH,
      decision: PATCH,
      note: 'ok',
    },
    T,
  );
  await ledger.append(dev, 'flag', { patch: PATCH, compromised: true, evidence: 'CVE' }, T);
  await ledger.append(
    dev,
    'posture',
    { subject: dev.did, checks: { 'disk-encryption': 'pass' } },
    T,
  );
  await ledger.append(admin, 'policy', { version: 1, policy: { rules: [] } }, T);
  await makeLedgerCheckpoint(ledger, admin, { time: T });
  await cosignLedgerCheckpoint(ledger, witness, { time: T, timestamp: 1_795_000_000 });
  const proof = toBase64(await next.sign(rotationMessage(ledger.id, dev.did, next.did)));
  await ledger.append(dev, 'rotate', { to: next.did, proof }, T);
  await ledger.append(admin, 'revoke', { subject: dev.did, from: 99, reason: 'lost' }, T);
  const reg = ledger.head(witness.did) as Entry;
  const fork = (reason: 'built' | 'tested') =>
    signEntry(witness, {
      ledger: ledger.id,
      seq: reg.seq + 1,
      prev: reg.id,
      refs: [],
      time: T,
      kind: 'attest',
      body: { patch: PATCH, reason },
    });
  const [a, b] = [await fork('built'), await fork('tested')];
  await ledger.admit(a.bytes);
  await ledger.admit(b.bytes);
  await ledger.publishEquivocation(
    admin,
    { author: witness.did, seq: a.seq, ids: [a.id, b.id].sort() as [string, string] },
    T,
  );
  return { all: () => [...ledger.all()], ledger };
}

describe('the proof pack JSON Schema', () => {
  it('accepts a real pack and refuses what readProofPack refuses', async () => {
    const { ledger } = await everyKindLedger();
    const { pack } = await makeProofPack(ledger, PATCH);
    expect(validatePack(pack)).toBe(true);
    const [first] = pack.entries;
    const broken: Record<string, unknown> = {
      'extra field': { ...pack, extra: true },
      'wrong media type': { ...pack, mediaType: 'application/json' },
      'no entries': { ...pack, entries: [] },
      'negative index': { ...pack, entries: [{ ...first, index: -1 }] },
      'proof too long': {
        ...pack,
        entries: [{ ...first, proof: Array(54).fill(first?.proof[0] ?? 'AA==') }],
      },
      'patch not a hash': { ...pack, patch: 'x' },
    };
    for (const [name, value] of Object.entries(broken)) {
      expect(validatePack(value), name).toBe(false);
      expect(await codeOf(() => readProofPack(JSON.stringify(value))), name).toBe(
        'MALFORMED_INPUT',
      );
    }
  });
});

describe('the ledger entry JSON Schema', () => {
  it('accepts an entry of every kind', async () => {
    const entries = await everyKind();
    expect(new Set(entries.map((e) => e.kind)).size).toBe(13);
    for (const entry of entries) {
      const ok = validate(JSON.parse(utf8Decode(entry.bytes)));
      expect(validate.errors ?? [], entry.kind).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('agrees with the decoder on field-level corruptions', async () => {
    const entries = await everyKind();
    const attest = JSON.parse(
      utf8Decode((entries.find((e) => e.kind === 'attest') as Entry).bytes),
    ) as Record<string, unknown>;
    const body = attest.body as Record<string, unknown>;
    const corruptions: Record<string, Record<string, unknown>> = {
      'unknown field': { ...attest, extra: 1 },
      'missing author': Object.fromEntries(Object.entries(attest).filter(([k]) => k !== 'author')),
      'version 2': { ...attest, v: 2 },
      'negative seq': { ...attest, seq: -1 },
      'fractional seq': { ...attest, seq: 1.5 },
      'seq 0 with a prev': { ...attest, seq: 0 },
      'attest as a first entry': { ...attest, seq: 0, prev: null },
      'no ledger': Object.fromEntries(Object.entries(attest).filter(([k]) => k !== 'ledger')),
      'bad time': { ...attest, time: '2026-11-22 10:10:00' },
      'unknown kind': { ...attest, kind: 'vote' },
      'bad reason': { ...attest, body: { ...body, reason: 'liked' } },
      'score too high': { ...attest, body: { ...body, score: 2_000_000_000 } },
      'unknown body field': { ...attest, body: { ...body, colour: 'red' } },
      'patch not a hash': { ...attest, body: { ...body, patch: 'abc' } },
      'author not a did': { ...attest, author: 'did:web:example.com' },
      'too many refs': {
        ...attest,
        refs: Array.from({ length: 9 }, (_, i) => `sha256:${String(i).repeat(64)}`),
      },
      'a rename that says it replaces a key': {
        ...attest,
        kind: 'register',
        body: { name: 'renamed', rotatedFrom: attest.author },
      },
    };
    for (const [name, value] of Object.entries(corruptions)) {
      expect(validate(value), name).toBe(false);
      expect(await codeOf(() => decodeEntry(canonicalBytes(value))), name).toBe('MALFORMED_INPUT');
    }
  });

  it('accepts a rename (a register entry after a key’s first), as the decoder does', async () => {
    const entries = await everyKind();
    const attest = JSON.parse(
      utf8Decode((entries.find((e) => e.kind === 'attest') as Entry).bytes),
    ) as Record<string, unknown>;
    const rename = { ...attest, kind: 'register', body: { name: 'renamed' } };
    expect(validate(rename)).toBe(true);
    // The decoder gets past every field check to the signature.
    expect(await codeOf(() => decodeEntry(canonicalBytes(rename)))).toBe('INVALID_SIGNATURE');
  });
});
