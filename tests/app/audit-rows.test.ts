/**
 * The Audit screen's pure parts: CSV cells quoted and defused against formula injection (a
 * sweep over every leading character that a spreadsheet runs, and a property over any text),
 * and the filters.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditCsv, csvCell, filterAudit, type AuditRow } from '../../src/app/audit-rows.ts';

/** What a spreadsheet reads back from one quoted cell. */
const unquote = (cell: string) => cell.slice(1, -1).replace(/""/g, '"');

const row = (over: Partial<AuditRow>): AuditRow => ({
  ...{ id: 'e', time: '2026-11-22T11:00:00Z', device: 'did:a', deviceName: 'A', mine: false },
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
