/**
 * The verify workers' answers (src/cli/verify-pool.ts), run in process: a receipt for each
 * sound line, none for a forged one, and none at all from a reply that does not fit its batch.
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
  return { ledger, lines, request: pack(7, ledger, lines) };
}

describe('the verify workers', () => {
  it('answer with the receipt the core gives for each line, and none for a forged one', async () => {
    const { ledger, lines, request } = await batch();
    const receipts = receiptsOf(await answer(request), ledger, lines.length);
    const expected = await Promise.all(lines.map((line) => receiptFor(line, ledger)));
    expect(receipts).toEqual(expected);
    expect(receipts[2]).toBeUndefined();
    expect(receipts.filter((r) => r !== undefined)).toHaveLength(lines.length - 1);
  });

  it('take a reply that does not fit the batch sent for no receipt at all', async () => {
    const { ledger, lines, request } = await batch();
    const reply = await answer(request);
    expect(receiptsOf(reply, ledger, lines.length + 1)).toEqual(
      new Array(lines.length + 1).fill(undefined),
    );
    const short = { ...reply, ids: reply.ids.slice(1) };
    expect(receiptsOf(short, ledger, lines.length).every((r) => r === undefined)).toBe(true);
  });
});
