/**
 * A ledger file imported in the app is read and checked in the worker pool's workers
 * (file-sync.ts `admitFileLines`, used by the team session's import), with fake pool workers
 * running the real admission check in Node. The import's report (admitted, repeated, held,
 * refused by line number) and the ledger it leaves are those of the main-thread path, on
 * hostile files too: forged signatures, repeats, reordering, blank lines, junk, prototype keys.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { admitFileLines, importLedgerFile } from '../../src/app/file-sync.ts';
import { makeWorkerPool } from '../../src/app/worker-pool.ts';
import { concatBytes, utf8Decode, utf8Encode } from '../../src/core/encoding/bytes.ts';
import type { Entry } from '../../src/core/ledger/entry.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import { buildEntries } from '../bench/ledger-measure.ts';
import { fakeWorkers } from '../helpers/fake-worker.ts';

let genesis: Uint8Array;
let entries: Entry[];

beforeAll(async () => {
  ({ genesis, entries } = await buildEntries(120, 5));
});

/** The entry's text with one bit of its signature flipped (same id, a bad signature). */
function forged(bytes: Uint8Array): Uint8Array {
  const text = utf8Decode(bytes);
  const sig = /"sig":"([^"]+)"/.exec(text)?.[1];
  if (sig === undefined) return bytes; // a blank or junk line: nothing to forge
  const raw = Buffer.from(sig, 'base64');
  raw[7] = (raw[7] as number) ^ 1;
  return utf8Encode(text.replace(sig, raw.toString('base64')));
}

const logOf = (ledger: Ledger) => [...ledger.all()].map((e) => e.id);
const pool = () => makeWorkerPool({ start: fakeWorkers('answer').start, size: 2 });

/** Imports `file` into a fresh ledger, with the pool or on this thread. */
async function imported(file: Uint8Array, withPool: boolean) {
  const ledger = await Ledger.open(genesis);
  const report = await importLedgerFile(ledger, file, withPool ? { pool: pool() } : {});
  return { report, log: logOf(ledger) };
}

describe('a ledger file imported through the worker pool', () => {
  it('admits a whole file in order, its signatures checked in the workers, with progress', async () => {
    const ledger = await Ledger.open(genesis);
    const workers = fakeWorkers('answer');
    const progress: number[] = [];
    const lines = entries.map((e) => e.bytes);
    const report = await admitFileLines(
      ledger,
      lines,
      lines.map((_, i) => i + 2),
      {
        pool: makeWorkerPool({ start: workers.start, size: 2 }),
        progress: (done) => progress.push(done),
      },
    );
    expect(report).toMatchObject({ admitted: 119, duplicate: 0, held: 0, rejected: [] });
    expect(logOf(ledger).slice(1)).toEqual(entries.map((e) => e.id));
    const checked = workers.started
      .flatMap((w) => w.requests)
      .filter((r) => r.message.kind === 'admit-check');
    expect(checked.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(119);
  });

  it('reports and admits exactly what the main-thread import does, on hostile files (property)', async () => {
    const sound = entries.slice(0, 40).map((e) => e.bytes);
    const move = fc.oneof(
      fc.nat().map((i) => ({ forge: i })),
      fc.tuple(fc.nat(), fc.nat()).map((swap) => ({ swap })),
      fc.tuple(fc.nat(), fc.nat()).map((repeat) => ({ repeat })),
      fc.nat().map((i) => ({ blank: i })),
      fc.nat().map((i) => ({ proto: i })),
      fc.nat().map((i) => ({ junk: i })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(move, { maxLength: 6 }), async (moves) => {
        const lines: Uint8Array[] = [...sound];
        const at = (i: number) => i % lines.length;
        for (const m of moves) {
          if ('forge' in m) lines[at(m.forge)] = forged(lines[at(m.forge)] as Uint8Array);
          else if ('swap' in m) {
            const [a, b] = [at(m.swap[0]), at(m.swap[1])];
            [lines[a], lines[b]] = [lines[b] as Uint8Array, lines[a] as Uint8Array];
          } else if ('repeat' in m)
            lines.splice(at(m.repeat[1]), 0, lines[at(m.repeat[0])] as Uint8Array);
          else if ('blank' in m) lines.splice(at(m.blank), 0, new Uint8Array(0));
          else if ('proto' in m)
            lines.splice(at(m.proto), 0, utf8Encode('{"__proto__":{"admin":true},"v":1}'));
          else lines.splice(at(m.junk), 0, utf8Encode('not json at all'));
        }
        const newline = utf8Encode('\n');
        const file = concatBytes(genesis, newline, ...lines.flatMap((l) => [l, newline]));
        const [inPool, here] = await Promise.all([imported(file, true), imported(file, false)]);
        expect(inPool).toEqual(here);
      }),
      { numRuns: 25 },
    );
  });
});
