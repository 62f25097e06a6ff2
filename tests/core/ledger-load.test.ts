/**
 * Loading a ledger file checks signatures ahead, many at once, while admission stays in line
 * order: the outcome is exactly that of checking one line at a time.
 */
import { describe, expect, it } from 'vitest';
import { makeSeedSigner, type Signer } from '../../src/core/index.ts';
import { signatureValid, type ReadEntry } from '../../src/core/ledger/entry.ts';
import {
  genesisIdOf,
  LISTED_LINES,
  loadLedgerFile,
  serializeEntries,
} from '../../src/core/ledger/file.ts';
import { MAX_QUARANTINE } from '../../src/core/ledger/limits.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';

const T = '2026-11-22T08:00:00Z';
const PATCH = `sha256:${'ab'.repeat(32)}`;
const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));

async function file(count: number): Promise<Uint8Array> {
  const admin = await signer(1);
  const ledger = await Ledger.found(admin, { name: 't', admins: [admin.did], threshold: 1 }, T);
  const devs = await Promise.all([2, 3, 4].map(signer));
  for (const dev of devs) await ledger.append(dev, 'register', { name: 'dev' }, T);
  for (let i = 0; ledger.size < count; i++)
    await ledger.append(devs[i % 3] as Signer, 'attest', { patch: PATCH, reason: 'built' }, T);
  return serializeEntries(ledger.all());
}

/** A checker that answers the real question, later and out of order, and counts what waits. */
function slowChecker() {
  const seen = { inFlight: 0, most: 0, checked: 0 };
  const check = async (read: ReadEntry) => {
    seen.inFlight++;
    seen.checked++;
    seen.most = Math.max(seen.most, seen.inFlight);
    const answer = await signatureValid(read);
    await new Promise((resolve) => setTimeout(resolve, (seen.checked * 7) % 5));
    seen.inFlight--;
    return answer;
  };
  return { check, seen };
}

describe('loading a ledger file', () => {
  it('has many signature checks under way at once, and admits as checking in turn does', async () => {
    const bytes = await file(400);
    const text = new TextDecoder().decode(bytes).split('\n');
    text[200] = (text[200] as string).replace(
      /"sig":"(.)/,
      (_m, c: string) => `"sig":"${c === 'A' ? 'B' : 'A'}`,
    );
    const forged = new TextEncoder().encode(text.join('\n'));
    const { check, seen } = slowChecker();
    const ahead = await loadLedgerFile(forged, { checkSignature: check });
    expect(seen.most).toBeGreaterThanOrEqual(64);
    expect(seen.checked).toBe(399);

    // One line at a time, each signature awaited: the same outcome.
    const [genesis, ...rest] = text.filter((l) => l !== '');
    const inTurn = await Ledger.open(new TextEncoder().encode(genesis));
    const rejected: number[] = [];
    for (const [i, line] of rest.entries())
      if ((await inTurn.admit(new TextEncoder().encode(line))).status === 'rejected')
        rejected.push(i + 2);
    expect(ahead.report.rejected.map((r) => r.line)).toEqual(rejected);
    expect(ahead.report.rejected).toMatchObject([{ line: 201, code: 'INVALID_SIGNATURE' }]);
    expect([...ahead.ledger.all()].map((e) => e.id)).toEqual([...inTurn.all()].map((e) => e.id));
    expect(await ahead.ledger.digest()).toBe(await inTurn.digest());
  });

  it('lists the first 1,000 junk and repeated lines, counts them all, and keeps the quarantine bounded', async () => {
    const good = await file(5);
    const first = new TextDecoder().decode(good).split('\n')[1] as string;
    const junk = ['x', '{"v":1,}', ' {}', '[1]', '"{}"'];
    const lines = Array.from({ length: 2_500 }, (_, i) => junk[i % junk.length]).join('\n');
    const repeats = `${first}\n`.repeat(1_200);
    const bytes = new TextEncoder().encode(`${new TextDecoder().decode(good)}${lines}\n${repeats}`);
    const { report, ledger } = await loadLedgerFile(bytes);
    expect(report.rejectedCount).toBe(2_500);
    expect(report.rejected).toHaveLength(LISTED_LINES);
    expect(report.rejected[0]).toEqual({
      line: 6,
      code: 'MALFORMED_INPUT',
      message: 'ledger entry is not canonical JSON of an object ({ to })',
    });
    // A line that is an object from { to } still goes through the parser and says why.
    expect(report.rejected[1]?.message).toMatch(/^ledger entry is not valid JSON/);
    expect(report.duplicate).toBe(1_200);
    expect(report.repeated).toHaveLength(LISTED_LINES);
    expect(ledger.size).toBe(5);
    expect(ledger.quarantined().length).toBeLessThanOrEqual(MAX_QUARANTINE);
  });

  it('says a file with no line break is not empty, and suspects CR-only line ends', async () => {
    const good = await file(3);
    const cr = new TextDecoder().decode(good).replaceAll('\n', '\r');
    await expect(loadLedgerFile(new TextEncoder().encode(cr))).rejects.toThrow(
      `the ledger file holds no complete line: ${good.length} bytes and no line break (lines that end in a CR alone, as old Mac files did?)`,
    );
    await expect(loadLedgerFile(new Uint8Array())).rejects.toThrow('the ledger file is empty');
  });

  it('names the ledger a genesis line founds, and nothing for any other line', async () => {
    const good = await file(3);
    const [genesis = '', register = ''] = new TextDecoder().decode(good).split('\n');
    const enc = (t: string) => new TextEncoder().encode(t);
    const { ledger } = await loadLedgerFile(good);
    expect(await genesisIdOf(enc(genesis))).toBe(ledger.id);
    const forged = genesis.replace('"name":"t"', '"name":"u"');
    for (const line of [register, forged, 'x', '{}', '{"__proto__":{"kind":"genesis"}}', ''])
      expect(await genesisIdOf(enc(line)), line.slice(0, 40)).toBeUndefined();
  });
});
