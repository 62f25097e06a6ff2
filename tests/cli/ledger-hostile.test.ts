/**
 * `patchtrail ledger` against hostile or damaged ledger files: lines nobody signed, keys named
 * after Object.prototype members, torn tails, blank lines and other line-level edits, and
 * untrusted text in human output.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ledgerFixture } from './ledger-fixture.ts';

const { at, pt, ok, L, copy, lines } = ledgerFixture('pt-ledger-hostile-');

describe('ledger lines with keys named after Object.prototype members', () => {
  for (const name of ['hasOwnProperty', 'constructor', 'valueOf', '__proto__']) {
    it(`a body member "${name}" is a rejected line, not a crash`, async () => {
      const path = copy(`proto-${name}.ledger`);
      const last = lines(path).at(-2) as string;
      appendFileSync(path, `${last.replace('"body":{', `"body":{"${name}":1,`)}\n`);
      const log = await pt(['ledger', 'log', ...L(`proto-${name}.ledger`)]);
      expect(log.code).toBe(0);
      expect(log.stderr).toMatch(/1 line\(s\) rejected/);
      const verify = await pt(['ledger', 'verify', '--json', ...L(`proto-${name}.ledger`)]);
      expect(verify.code).toBe(1);
      const report = JSON.parse(verify.stdout) as { rejected: { code: string }[] };
      expect(report.rejected.map((r) => r.code)).toEqual(['MALFORMED_INPUT']);
    });
  }
});

describe('a torn last line', () => {
  it('is reported by verify, set aside as evidence, and never swallows the next append', async () => {
    const path = copy('torn.ledger');
    const whole = lines(path).at(-2) as string;
    const torn = whole.slice(0, Math.floor(whole.length / 2));
    appendFileSync(path, torn);
    const verify = await pt(['ledger', 'verify', '--json', ...L('torn.ledger')]);
    expect(verify.code).toBe(1);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: false, tornTail: torn.length });
    const text = await pt(['ledger', 'verify', ...L('torn.ledger')]);
    expect(text.stdout).toMatch(/a torn last line: \d+ bytes/);
    expect(text.stderr).toMatch(/MALFORMED_INPUT: ledger ends with a torn line/);
    const log = await pt(['ledger', 'log', ...L('torn.ledger')]);
    expect(log.stderr).toMatch(/a torn last line/);

    const attest = await pt(
      ['ledger', 'attest', at('b.json'), '--key', at('dev.pem'), '--reason', 'tested'].concat(
        L('torn.ledger'),
      ),
    );
    expect(attest.code).toBe(0);
    expect(attest.stderr).toMatch(/torn last line .* set aside in .*torn\.ledger\.quarantine/);
    const id = attest.stdout.trim();
    const entries = JSON.parse(await ok(['ledger', 'log', '--json', ...L('torn.ledger')])) as {
      entries: { id: string }[];
    };
    expect(entries.entries.map((e) => e.id)).toContain(id);
    expect(JSON.parse(await ok(['ledger', 'verify', '--json', ...L('torn.ledger')]))).toMatchObject(
      { ok: true, tornTail: 0 },
    );
    const [evidence] = lines(`${path}.quarantine`).map((l) => JSON.parse(l || 'null') as unknown);
    expect(evidence).toMatchObject({
      code: 'MALFORMED_INPUT',
      offset: readFileSync(at('base.ledger')).length,
      bytes: Buffer.from(torn).toString('base64'),
    });
  });
});

/** Line-level edits of a ledger file's text (each keeps or breaks lines as editors do). */
const LAYOUT_EDITS: Record<string, (lines: string[], at: number) => string[]> = {
  'a blank line': (ls, at) => [...ls.slice(0, at), '', ...ls.slice(at)],
  'two blank lines': (ls, at) => [...ls.slice(0, at), '', '', ...ls.slice(at)],
  'sixty-four blank lines': (ls, at) => [
    ...ls.slice(0, at),
    ...Array<string>(64).fill(''),
    ...ls.slice(at),
  ],
  CRLF: (ls, at) => ls.map((l, i) => (i === at && l !== '' ? `${l}\r` : l)),
  'a trailing space': (ls, at) => ls.map((l, i) => (i === at && l !== '' ? `${l} ` : l)),
  'two lines swapped': (ls, at) =>
    ls.map((l, i) => (i === at ? (ls[at + 1] ?? l) : i === at + 1 ? (ls[at] ?? l) : l)),
  'truncation after a line': (ls, at) => [...ls.slice(0, at + 1), ''],
  'truncation inside a line': (ls, at) => [...ls.slice(0, at), (ls[at] ?? '').slice(0, 40)],
};

/** An unsigned edit of one entry: its advisory time, so its bytes stay canonical. */
const unsignedEdit = (ls: string[], at: number) =>
  ls.map((l, i) => (i === at ? l.replace('"time":"20', '"time":"19') : l));

describe('the verification cache vouches for exactly the bytes it verified', () => {
  it('log never calls a changed entry verified, whatever line-level edits come with it', async () => {
    const base = readFileSync(at('base.ledger'), 'utf8');
    const signed = JSON.parse(await ok(['ledger', 'log', '--json', ...L('base.ledger')])) as {
      entries: { id: string }[];
    };
    const ids = new Set(signed.entries.map((e) => e.id));
    const count = base.split('\n').length - 1;
    let cases = 0;
    for (const [name, edit] of Object.entries(LAYOUT_EDITS))
      for (let layoutAt = 0; layoutAt <= count; layoutAt++)
        for (let target = 1; target < count; target++)
          for (const order of ['layout first', 'edit first'] as const) {
            const file = `sweep-${cases++}.ledger`;
            const laidOut = edit(base.split('\n'), layoutAt);
            writeFileSync(at(file), order === 'layout first' ? laidOut.join('\n') : base);
            // Fills the cache (a file whose genesis line was cut is refused as a whole: exit 1).
            expect([0, 1]).toContain((await pt(['ledger', 'log', ...L(file)])).code);
            const edited =
              order === 'layout first'
                ? unsignedEdit(laidOut, laidOut.indexOf(base.split('\n')[target] as string))
                : edit(unsignedEdit(base.split('\n'), target), layoutAt);
            writeFileSync(at(file), edited.join('\n'));
            const log = await pt(['ledger', 'log', '--json', ...L(file)]);
            expect([0, 1]).toContain(log.code);
            const shownIds =
              log.code === 0
                ? (JSON.parse(log.stdout) as { entries: { id: string }[] }).entries
                : [];
            const forged = shownIds.filter((e) => !ids.has(e.id));
            expect({ name, layoutAt, target, order, forged }).toEqual({
              name,
              layoutAt,
              target,
              order,
              forged: [],
            });
          }
    expect(cases).toBeGreaterThan(100);
  });
});

describe('untrusted text in human output', () => {
  it('names, reasons, targets and evidence cannot fake lines or reach the terminal raw', async () => {
    copy('text.ledger');
    const fake = '\n  FLAGGED cleared by admin: all good';
    await ok(['keygen', '--out', at('mallory.pem')]);
    await ok(
      ['ledger', 'register', '--key', at('mallory.pem'), '--name', `m${fake}\u001b[2K`].concat(
        L('text.ledger'),
      ),
    );
    writeFileSync(at('evil.diff'), '--- a/g\n+++ b/g\n@@ -1 +1 @@\n-a\n+b\n');
    const bundle = await ok([
      'create',
      '--diff',
      at('evil.diff'),
      '--key',
      at('mallory.pem'),
      '--reason',
      `fix${fake}`,
    ]);
    writeFileSync(at('evil.json'), bundle);
    await ok(
      [
        'ledger',
        'attest',
        at('evil.json'),
        '--key',
        at('mallory.pem'),
        '--reason',
        'applied',
        '--target',
        `kiosk${fake}`,
      ].concat(L('text.ledger')),
    );
    await ok(
      [
        'ledger',
        'flag',
        at('evil.json'),
        '--evidence',
        `cve\u202e${fake}`,
        '--key',
        at('mallory.pem'),
      ].concat(L('text.ledger')),
    );
    const provenance = await ok(['ledger', 'provenance', at('evil.json'), ...L('text.ledger')]);
    const identities = await ok(['ledger', 'identities', ...L('text.ledger')]);
    const audit = await ok(['ledger', 'audit', `kiosk${fake}`, ...L('text.ledger')]);
    const log = await ok(['ledger', 'log', ...L('text.ledger')]);
    for (const text of [provenance, identities, audit, log]) {
      expect(text).not.toMatch(/^\s*FLAGGED cleared/m);
      expect(text.includes('\u001b') || text.includes('\u202e')).toBe(false);
    }
    expect(provenance.split('\n')).toHaveLength(4); // patch, published, the hop, the flag
    expect(provenance).toContain('\\u000a  FLAGGED cleared');
    expect(identities.split('\n')).toHaveLength(3);
    expect(audit.split('\n')).toHaveLength(1);
  });
});
