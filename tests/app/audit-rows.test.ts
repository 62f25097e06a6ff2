/**
 * The Audit screen's pure parts: CSV cells quoted and defused against formula injection (a
 * sweep over every leading character that a spreadsheet runs, and a property over any text),
 * and the filters.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  auditCsv,
  auditRows,
  csvCell,
  filterAudit,
  type AuditRow,
} from '../../src/app/audit-rows.ts';
import { Ledger, makeSeedSigner } from '../../src/core/index.ts';
import type { AttestBody } from '../../src/core/ledger/kinds.ts';

/** What a spreadsheet reads back from one quoted cell. */
const unquote = (cell: string) => cell.slice(1, -1).replace(/""/g, '"');

const row = (over: Partial<AuditRow>): AuditRow => ({
  ...{ id: 'e', time: '2026-11-22T11:00:00Z', device: 'did:a', seq: 1, deviceName: 'A' },
  mine: false,
  ...{ outcome: 'applied', patch: 'sha256:aa', target: 'did:a:workspace:main' },
  ...{ treeBefore: '', treeAfter: '', code: '', outOfStanding: '' },
  ...over,
});

describe('csvCell', () => {
  it('puts an apostrophe before = + - @ tab and carriage return, and nothing else', () => {
    for (const lead of ['=', '+', '-', '@', '\t', '\r'])
      expect(unquote(csvCell(`${lead}SUM(A1)`))).toBe(`'${lead}SUM(A1)`);
    for (const lead of ['a', ' ', "'", '"', '1', '(', '#'])
      expect(unquote(csvCell(`${lead}x`))).toBe(`${lead}x`);
  });

  it('round-trips any text that does not start like a formula, whatever it holds', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const cell = csvCell(text);
        expect(cell.startsWith('"') && cell.endsWith('"')).toBe(true);
        expect(cell.slice(1, -1).replace(/""/g, '')).not.toContain('"');
        const back = unquote(cell);
        expect(back).toBe(/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
      }),
    );
  });

  it('writes a header and one line per row, a name with a comma and a newline kept in its cell', () => {
    const csv = auditCsv([row({ deviceName: 'Bay 3, "north"\nrack' })]);
    expect(csv.split('\r\n')[1]).toContain('"Bay 3, ""north""\nrack"');
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});

describe('filterAudit', () => {
  const rows = [
    row({ id: '1', mine: true, outcome: 'applied', patch: 'sha256:abc' }),
    row({ id: '2', device: 'did:b', outcome: 'rejected', time: '2026-11-25T08:00:00Z' }),
    row({ id: '3', outcome: 'rolled-back', patch: 'sha256:ABD' }),
  ];
  const ids = (filter: Partial<Parameters<typeof filterAudit>[1]>) =>
    filterAudit(rows, {
      device: 'all',
      outcome: 'all',
      patch: '',
      from: '',
      to: '',
      ...filter,
    }).map((r) => r.id);

  it('filters by device, outcome, patch (any case) and an inclusive date range', () => {
    expect(ids({})).toEqual(['1', '2', '3']);
    expect(ids({ device: 'mine' })).toEqual(['1']);
    expect(ids({ device: 'did:b' })).toEqual(['2']);
    expect(ids({ outcome: 'rolled-back' })).toEqual(['3']);
    expect(ids({ patch: 'ab' })).toEqual(['1', '3']);
    expect(ids({ from: '2026-11-25' })).toEqual(['2']);
    expect(ids({ to: '2026-11-22' })).toEqual(['1', '3']);
  });

  it('matches the patch text against a title as well, when one is known', () => {
    const titles = new Map([['sha256:ABD', 'Switch app.conf to the new mode']]);
    const keep = (patch: string) =>
      filterAudit(
        rows,
        { device: 'all', outcome: 'all', patch, from: '', to: '' },
        (p) => titles.get(p) ?? '',
      ).map((r) => r.id);
    expect(keep('APP.CONF')).toEqual(['3']);
    expect(keep('abc')).toEqual(['1']);
    expect(keep('new mode')).toEqual(['3']);
    expect(keep('nothing like it')).toEqual([]);
  });
});

describe('auditRows', () => {
  it('puts one device’s apply, rollback and refusal of one second in the order it signed them', async () => {
    const T = '2026-11-22T11:00:00Z';
    const [admin, kiosk, tablet] = await Promise.all(
      [1, 2, 3].map((n) => makeSeedSigner(new Uint8Array(32).fill(n))),
    );
    if (admin === undefined || kiosk === undefined || tablet === undefined) throw new Error('keys');
    const ledger = await Ledger.found(admin, { name: 't', admins: [admin.did], threshold: 1 }, T);
    await ledger.append(kiosk, 'register', { name: 'Kiosk 1' }, T);
    await ledger.append(tablet, 'register', { name: 'Tablet' }, T);
    const patch = `sha256:${'ab'.repeat(32)}`;
    const hash = (n: number) => `sha256:${String(n).repeat(64)}`;
    const act = (who: typeof kiosk, reason: AttestBody['reason'], extra: object = {}) =>
      ledger.append(who, 'attest', { patch, reason, target: 'line,1', ...extra }, T);
    const trees = (a: number, b: number) => ({ treeBefore: hash(a), treeAfter: hash(b) });
    const signed = [
      await act(kiosk, 'applied', trees(1, 2)),
      await act(kiosk, 'rolled-back', trees(2, 1)),
      await act(kiosk, 'rejected', { code: 'POLICY_DENIED' }),
      await act(tablet, 'applied', trees(1, 2)),
      await act(kiosk, 'applied', trees(1, 2)),
    ];
    const rows = auditRows(ledger, undefined);
    const kioskRows = rows.filter((r) => r.device === kiosk.did);
    expect(kioskRows.map((r) => [r.seq, r.outcome])).toEqual([
      [4, 'applied'],
      [3, 'rejected'],
      [2, 'rolled-back'],
      [1, 'applied'],
    ]);
    // Devices within one second by did: the same order on every device, whatever arrived first.
    const byDevice = rows.map((r) => r.device);
    expect(byDevice).toEqual([...byDevice].sort());
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(signed.map((e) => e.id)));
  });
});
