/**
 * The verify workers' answers (src/cli/verify-pool.ts), run in process: for each line, the
 * receipt the core's WebCrypto path gives (a receipt for each sound line, none for a forged,
 * malformed, cut or prototype-keyed one), and none at all from a reply that does not fit.
 */
import { describe, expect, it } from 'vitest';
import { answer, pack, receiptsOf } from '../../src/cli/verify-pool.ts';
import { receiptFor } from '../../src/core/ledger/receipt.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import { buildEntries } from '../bench/ledger-measure.ts';

async function batch() {
  const { genesis, entries } = await buildEntries(6, 3);
  const ledger = (await Ledger.open(genesis)).id;
  const lines = entries.map((e) => e.bytes.slice());
  // Line 2's signature forged: one base64 digit changed.
  const text = new TextDecoder().decode(lines[2]);
  lines[2] = new TextEncoder().encode(
    text.replace(/"sig":"(.)/, (_m, c: string) => `"sig":"${c === 'A' ? 'B' : 'A'}`),
  );
  const sound = new TextDecoder().decode(entries[3]?.bytes);
  const hostile = [
    sound.replace(/^\{/, '{"__proto__":{"admin":true},'),
    sound.replace(/^\{/, '{"constructor":1,'),
    sound.slice(0, 100),
    '{"not":"an entry"}',
    sound.replace('"sig":"', '"sig":"=='),
  ].map((line) => new TextEncoder().encode(line));
  lines.push(...hostile);
  return { ledger, lines, request: pack(7, ledger, lines) };
}

describe('the verify workers', () => {
  it('answer with the receipt the core gives for each line, and none for a forged or hostile one', async () => {
    const { ledger, lines, request } = await batch();
    const receipts = receiptsOf(answer(request), ledger, lines.length);
    const expected = await Promise.all(lines.map((line) => receiptFor(line, ledger)));
    expect(receipts).toEqual(expected);
    expect(receipts[2]).toBeUndefined();
    // Of the five entries, all but the forged one; none of the hostile lines after them.
    expect(receipts.map((r) => r !== undefined)).toEqual([
      ...[true, true, false, true, true],
      ...new Array<boolean>(lines.length - 5).fill(false),
    ]);
  });

  it('take a reply that does not fit the batch sent for no receipt at all', async () => {
    const { ledger, lines, request } = await batch();
    const reply = answer(request);
    expect(receiptsOf(reply, ledger, lines.length + 1)).toEqual(
      new Array(lines.length + 1).fill(undefined),
    );
    const short = { ...reply, ids: reply.ids.slice(1) };
    expect(receiptsOf(short, ledger, lines.length).every((r) => r === undefined)).toBe(true);
  });
});
