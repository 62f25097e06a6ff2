/**
 * Loading a ledger file checks signatures ahead of admission, several at once, answered in any
 * order, or has whole lines read ahead by a reader that gives receipts (as the CLI's workers
 * do): on hostile files (bad signatures inside the window, reordered lines, repeated lines, a
 * fork, garbage, prototype keys, a torn tail, a verified prefix) it accepts and rejects exactly
 * what admitting one line at a time, each signature awaited in turn, does. A signature checked
 * ahead, or a receipt, is trusted only for the very bytes and options it was made for.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeSeedSigner, type Signer } from '../../src/core/index.ts';
import {
  readEntry,
  signEntry,
  signatureValid,
  type ReadEntry,
} from '../../src/core/ledger/entry.ts';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Ed25519Verifier } from '../../src/core/crypto/ed25519.ts';
import {
  receiptedEntry,
  receiptFor,
  receiptWith,
  type EntryReader,
} from '../../src/core/ledger/receipt.ts';
import { ledgerLines, loadLedgerFile, serializeEntries } from '../../src/core/ledger/file.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';

const T = '2026-11-22T08:00:00Z';
const PATCH = `sha256:${'cd'.repeat(32)}`;
const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));
const encoder = new TextEncoder();

/** A sound ledger's lines: a genesis, three registrations, attests, and one forked attest. */
async function soundLines(): Promise<string[]> {
  const admin = await signer(1);
  const ledger = await Ledger.found(admin, { name: 't', admins: [admin.did], threshold: 1 }, T);
  const devs = await Promise.all([2, 3, 4].map(signer));
  for (const dev of devs) await ledger.append(dev, 'register', { name: 'dev' }, T);
  for (let i = 0; ledger.size < 40; i++)
    await ledger.append(devs[i % 3] as Signer, 'attest', { patch: PATCH, reason: 'built' }, T);
  const last = [...ledger.all()].at(-1);
  if (last === undefined) throw new Error('no entries');
  const fork = await signEntry(devs[0] as Signer, {
    ledger: ledger.id,
    seq: last.seq,
    prev: last.prev,
    refs: [],
    time: T,
    kind: 'attest',
    body: { patch: PATCH, reason: 'tested' },
  });
  const lines = new TextDecoder().decode(serializeEntries(ledger.all())).split('\n');
  return [...lines.filter((l) => l !== ''), new TextDecoder().decode(fork.bytes)];
}

const forgeSig = (line: string) =>
  line.replace(/"sig":"(.)/, (_m, c: string) => `"sig":"${c === 'A' ? 'B' : 'A'}`);

type Change =
  | { forge: number }
  | { swap: [number, number] }
  | { repeat: [number, number] }
  | { garbage: number }
  | { blank: number }
  | { proto: number };

const index = fc.nat({ max: 60 });
const change: fc.Arbitrary<Change> = fc.oneof(
  index.map((i) => ({ forge: i })),
  fc.tuple(index, index).map((swap) => ({ swap })),
  fc.tuple(index, index).map((repeat) => ({ repeat })),
  index.map((i) => ({ garbage: i })),
  index.map((i) => ({ blank: i })),
  index.map((i) => ({ proto: i })),
);

/** Applies changes to every line but the genesis (line 0), which must stay first. */
function hostile(sound: readonly string[], changes: readonly Change[], tear: number): Uint8Array {
  const lines = [...sound];
  const at = (i: number) => 1 + (i % (lines.length - 1));
  for (const c of changes) {
    if ('forge' in c) lines[at(c.forge)] = forgeSig(lines[at(c.forge)] as string);
    else if ('swap' in c) {
      const [a, b] = [at(c.swap[0]), at(c.swap[1])];
      [lines[a], lines[b]] = [lines[b] as string, lines[a] as string];
    } else if ('repeat' in c) lines.splice(at(c.repeat[1]), 0, lines[at(c.repeat[0])] as string);
    else if ('garbage' in c) lines.splice(at(c.garbage), 0, '{"not":"an entry"}');
    else if ('proto' in c) lines.splice(at(c.proto), 0, protoKeyed(lines[at(c.proto)] as string));
    else lines.splice(at(c.blank), 0, '');
  }
  const text = `${lines.join('\n')}\n`;
  // A torn tail: part of one more line, with no newline after it.
  return encoder.encode(tear > 0 ? text + (sound[1] as string).slice(0, tear) : text);
}

/** A line with a `__proto__` member put first (canonical order: it sorts before "author"). */
const protoKeyed = (line: string) => line.replace(/^\{/, '{"__proto__":{"admin":true},');

/**
 * What a reader does for one line: answer honestly (through WebCrypto, or through a synchronous
 * verifier as the CLI's workers do), not at all, about another line, or fail.
 */
type ReaderMove = 'honest' | 'sync' | 'none' | 'other' | 'fail';

/** A synchronous strict verifier (noble, ZIP-215 off), as a runtime's own binding would be. */
const syncVerifier: Ed25519Verifier = (key, message, signature) =>
  ed25519.verify(signature, message, key, { zip215: false });

/**
 * A reader that answers after a varying number of turns, and per call (cycling through
 * `moves`) gives the real receipt, none, the receipt of the line it read before, or fails.
 */
function hostileReader(moves: readonly ReaderMove[]): EntryReader {
  let calls = 0;
  let before: Uint8Array | undefined;
  return async (bytes, ledger) => {
    const move = moves[calls % moves.length] ?? 'honest';
    const other = before ?? bytes;
    before = bytes;
    for (let turns = (calls++ * 5) % 9; turns > 0; turns--) await Promise.resolve();
    if (move === 'fail') throw new Error('the reader failed');
    if (move === 'none') return undefined;
    if (move === 'sync') return receiptWith(bytes, ledger, syncVerifier);
    return receiptFor(move === 'other' ? other : bytes, ledger);
  };
}

/** Answers the real question after a varying number of turns, so answers arrive out of order. */
function outOfOrderChecker() {
  let calls = 0;
  return async (read: ReadEntry) => {
    const answer = await signatureValid(read);
    for (let turns = (calls++ * 7) % 11; turns > 0; turns--) await Promise.resolve();
    return answer;
  };
}

/** The reference: each line admitted in turn, its signature awaited before the next line. */
async function inTurn(bytes: Uint8Array, verifiedBytes: number) {
  const split = ledgerLines(bytes);
  const ledger = await Ledger.open(split.lines[0] as Uint8Array);
  const rejected: { line: number; code: string }[] = [];
  const repeated: number[] = [];
  for (let i = 1; i < split.lines.length; i++) {
    const verifiedBefore = (split.ends[i] as number) <= verifiedBytes;
    const result = await ledger.admit(split.lines[i] as Uint8Array, { verifiedBefore });
    const line = split.numbers[i] as number;
    if (result.status === 'rejected') rejected.push({ line, code: result.code ?? '' });
    if (result.status === 'duplicate') repeated.push(line);
  }
  return { ledger, rejected, repeated };
}

describe('loading a hostile ledger file with signatures checked ahead', () => {
  let sound: string[] = [];
  beforeAll(async () => {
    sound = await soundLines();
  });

  it('accepts and rejects exactly what admitting line by line in turn does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(change, { maxLength: 8 }),
        fc.nat({ max: 40 }),
        fc.option(fc.nat({ max: 30_000 }), { nil: undefined }),
        fc.option(
          fc.array(fc.constantFrom<ReaderMove>('honest', 'sync', 'sync', 'none', 'other', 'fail'), {
            minLength: 1,
            maxLength: 6,
          }),
          { nil: undefined },
        ),
        async (changes, tear, verifiedBytes, moves) => {
          const bytes = hostile(sound, changes, tear);
          const ahead = await loadLedgerFile(bytes, {
            ...(moves === undefined
              ? { checkSignature: outOfOrderChecker() }
              : { readEntries: hostileReader(moves) }),
            ...(verifiedBytes === undefined ? {} : { verifiedBytes }),
          });
          const reference = await inTurn(bytes, verifiedBytes ?? 0);
          const { report } = ahead;
          expect(report.rejected.map(({ line, code }) => ({ line, code }))).toEqual(
            reference.rejected,
          );
          expect(report.repeated.map((r) => r.line)).toEqual(reference.repeated);
          expect(report.held).toBe(reference.ledger.heldCount);
          expect([...ahead.ledger.all()].map((e) => e.id)).toEqual(
            [...reference.ledger.all()].map((e) => e.id),
          );
          expect(await ahead.ledger.digest()).toBe(await reference.ledger.digest());
          expect(report.truncatedTail).toBe(tear);
        },
      ),
      { numRuns: 200, seed: 20261206 },
    );
  }, 120_000);
});

describe('a signature checked ahead', () => {
  it('vouches only for the bytes it was checked for', async () => {
    const lines = await soundLines();
    const ledger = await Ledger.open(encoder.encode(lines[0]));
    const good = encoder.encode(lines[1]);
    const forged = encoder.encode(forgeSig(lines[1] as string));
    const precheck = ledger.precheck(good);
    const result = await ledger.admit(forged, { precheck });
    expect(result).toMatchObject({ status: 'rejected', code: 'INVALID_SIGNATURE' });
    expect(ledger.size).toBe(1);
  });

  it('made as verified before, vouches for nothing when admission asks for a check', async () => {
    const lines = await soundLines();
    const ledger = await Ledger.open(encoder.encode(lines[0]));
    const forged = encoder.encode(forgeSig(lines[1] as string));
    const precheck = ledger.precheck(forged, { verifiedBefore: true });
    const result = await ledger.admit(forged, { precheck });
    expect(result).toMatchObject({ status: 'rejected', code: 'INVALID_SIGNATURE' });
  });

  it('made without the key the bytes travelled under, does not skip the key check', async () => {
    const lines = await soundLines();
    const ledger = await Ledger.open(encoder.encode(lines[0]));
    const good = encoder.encode(lines[1]);
    const precheck = ledger.precheck(good);
    const result = await ledger.admit(good, { precheck, key: `sha256:${'00'.repeat(32)}` });
    expect(result.status).toBe('rejected');
    expect(ledger.size).toBe(1);
  });
});

describe('a receipt from a reader', () => {
  it('gives the entry the full read gives, members in the same order', async () => {
    const lines = await soundLines();
    const id = (await Ledger.open(encoder.encode(lines[0]))).id;
    for (const line of lines.slice(1, 8)) {
      const bytes = encoder.encode(line);
      const receipt = await receiptFor(bytes, id);
      if (receipt === undefined) throw new Error('no receipt for a sound line');
      const full = readEntry(bytes, undefined, { ledger: id }).entry;
      const fast = receiptedEntry(bytes, receipt, id, undefined);
      expect(fast).toEqual(full);
      expect(Object.keys(fast ?? {})).toEqual(Object.keys(full));
    }
  });

  it('vouches only for bytes that hash to its digest', async () => {
    const lines = await soundLines();
    const ledger = await Ledger.open(encoder.encode(lines[0]));
    const receipt = await receiptFor(encoder.encode(lines[1]), ledger.id);
    if (receipt === undefined) throw new Error('no receipt for a sound line');
    const forged = encoder.encode(forgeSig(lines[1] as string));
    const result = await ledger.admit(forged, { receipt });
    expect(result).toMatchObject({ status: 'rejected', code: 'INVALID_SIGNATURE' });
    expect(ledger.size).toBe(1);
  });

  it('vouches for nothing in another ledger, or under a key that is not its id', async () => {
    const lines = await soundLines();
    const ledger = await Ledger.open(encoder.encode(lines[0]));
    const good = encoder.encode(lines[1]);
    const receipt = await receiptFor(good, ledger.id);
    if (receipt === undefined) throw new Error('no receipt for a sound line');
    const elsewhere = { ...receipt, ledger: `sha256:${'11'.repeat(32)}` };
    const wrongKey = await ledger.admit(good, { receipt, key: `sha256:${'00'.repeat(32)}` });
    expect(wrongKey.status).toBe('rejected');
    // Another ledger's receipt: the line is read here in full, and admitted on its own merits.
    expect((await ledger.admit(good, { receipt: elsewhere })).status).toBe('admitted');
  });

  it('is not given for a forged signature or a line of another ledger', async () => {
    const lines = await soundLines();
    const id = (await Ledger.open(encoder.encode(lines[0]))).id;
    expect(await receiptFor(encoder.encode(forgeSig(lines[1] as string)), id)).toBeUndefined();
    expect(await receiptFor(encoder.encode(lines[1]), `sha256:${'11'.repeat(32)}`)).toBeUndefined();
    expect(await receiptFor(encoder.encode(lines[1]), id)).toMatchObject({ ledger: id });
  });

  it('through a synchronous verifier, is the receipt WebCrypto gives, on sound and hostile lines', async () => {
    const lines = await soundLines();
    const id = (await Ledger.open(encoder.encode(lines[0]))).id;
    const hostileLines = lines
      .slice(1)
      .flatMap((line) => [
        line,
        forgeSig(line),
        protoKeyed(line),
        line.slice(0, line.length >> 1),
        line.replace('"seq":', '"seq": '),
      ]);
    for (const line of [...hostileLines, '{"not":"an entry"}', '', 'null']) {
      const bytes = encoder.encode(line);
      for (const ledger of [id, `sha256:${'11'.repeat(32)}`])
        expect(receiptWith(bytes, ledger, syncVerifier)).toEqual(await receiptFor(bytes, ledger));
    }
    expect(receiptWith(encoder.encode(lines[1]), id, syncVerifier)).toMatchObject({ ledger: id });
    expect(receiptWith(encoder.encode(lines[1]), id, () => false)).toBeUndefined();
  });
});
