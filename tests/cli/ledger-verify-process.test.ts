/**
 * `ledger verify` of a large file in the built binary, where signatures are checked on worker
 * threads (src/cli/verify-pool.ts): the decisions and line numbers must be exactly those of
 * the in-process check.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { serializeEntries } from '../../src/core/ledger/file.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import { POOL_THRESHOLD } from '../../src/cli/verify-pool.ts';
import { buildEntries } from '../bench/ledger-measure.ts';
import { cliWorkspace } from '../helpers/cli.ts';

const { at, pt, proc } = cliWorkspace('pt-verify-process-');
const COUNT = POOL_THRESHOLD + 500;

beforeAll(async () => {
  const { genesis, entries } = await buildEntries(COUNT, 20);
  const ledger = await Ledger.open(genesis);
  for (const e of entries) await ledger.admit(e.bytes, { key: e.id, verifiedBefore: true });
  writeFileSync(at('big.ledger'), serializeEntries(ledger.all()));
}, 120_000);

describe('ledger verify of a large file, signatures checked on worker threads', () => {
  it('accepts a sound file and finds a forged signature at its line, as in process', async () => {
    const sound = proc(['ledger', 'verify', '--json', '--ledger', at('big.ledger')]);
    expect(sound.code).toBe(0);
    const report = JSON.parse(sound.stdout) as { entries: number; digest: string };
    expect(report.entries).toBe(COUNT);
    const lines = readFileSync(at('big.ledger'), 'utf8').split('\n');
    // Line 160 falls in the first read-ahead's third batch, which the main thread reads itself
    // when one worker already has two batches queued (two cores); line 1500 goes wherever.
    for (const at of [159, 1499])
      lines[at] = (lines[at] as string).replace(
        /"sig":"(.)/,
        (_m, c: string) => `"sig":"${c === 'A' ? 'B' : 'A'}`,
      );
    writeFileSync(at('forged.ledger'), lines.join('\n'));
    const forged = proc(['ledger', 'verify', '--json', '--ledger', at('forged.ledger')]);
    const inProcess = await pt(['ledger', 'verify', '--json', '--ledger', at('forged.ledger')]);
    expect(forged.code).toBe(1);
    expect(JSON.parse(forged.stdout)).toMatchObject({
      rejected: [
        { line: 160, code: 'INVALID_SIGNATURE' },
        { line: 1500, code: 'INVALID_SIGNATURE' },
      ],
    });
    expect(JSON.parse(forged.stdout)).toEqual(JSON.parse(inProcess.stdout));
  }, 120_000);

  it('imports a file with a forged signature exactly as in process', async () => {
    const args = (copy: string) => [
      'ledger',
      'import',
      '--json',
      at('forged.ledger'),
      '--ledger',
      at(copy),
    ];
    const byWorkers = proc(args('copy-a.ledger'));
    const inProcess = await pt(args('copy-b.ledger'));
    expect(byWorkers.code).toBe(inProcess.code);
    expect(JSON.parse(byWorkers.stdout)).toEqual(JSON.parse(inProcess.stdout));
    expect(byWorkers.stdout).toContain('INVALID_SIGNATURE');
    expect(readFileSync(at('copy-a.ledger'))).toEqual(readFileSync(at('copy-b.ledger')));
  }, 120_000);
});
