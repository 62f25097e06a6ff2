/**
 * The Audit screen's rows: every apply, rollback and refusal the ledger holds, of this device
 * and the team, one row per attestation, from `auditTrail` over every target the ledger names;
 * the filters (device, outcome, patch, time); and the exports, JSON and CSV. CSV cells are
 * quoted, and a cell that starts with = + - @ (or a tab or carriage return) gets a leading
 * apostrophe, so a spreadsheet shows it as text instead of running it as a formula. Pure.
 */
import type { AttestBody } from '../core/ledger/kinds.ts';
import type { Ledger } from '../core/ledger/ledger.ts';
import { auditTrail } from '../core/ledger/queries.ts';
export { targetLabel } from './target-words.ts';

export type AuditOutcome = 'applied' | 'rolled-back' | 'rejected';
const OUTCOMES = new Set<string>(['applied', 'rolled-back', 'rejected']);

export interface AuditRow {
  id: string;
  time: string;
  device: string;
  /** The entry's number among its device's entries: its order, where times are to the second. */
  seq: number;
  /** The device's registered name, '' when the ledger does not know it. */
  deviceName: string;
  mine: boolean;
  outcome: AuditOutcome;
  patch: string;
  target: string;
  treeBefore: string;
  treeAfter: string;
  /** The code a refusal recorded ('' otherwise). */
  code: string;
  /** Why the entry does not count, when its author is out of standing ('' otherwise). */
  outOfStanding: string;
}

export function auditRows(ledger: Ledger, deviceDid: string | undefined): AuditRow[] {
  const targets = new Set<string>();
  for (const entry of ledger.all())
    if (entry.kind === 'attest') {
      const target = (entry.body as AttestBody).target;
      if (target !== undefined) targets.add(target);
    }
  const names = ledger.registry().identities;
  const rows: AuditRow[] = [];
  for (const target of targets)
    for (const event of auditTrail(ledger, target)) {
      if (!OUTCOMES.has(event.reason)) continue;
      const entry = ledger.get(event.id);
      const body = entry?.body as (AttestBody & { code?: string }) | undefined;
      rows.push({
        ...{ id: event.id, time: event.time, device: event.by, mine: event.by === deviceDid },
        seq: entry?.seq ?? 0,
        ...{ deviceName: names.get(event.by)?.name ?? '', outcome: event.reason as AuditOutcome },
        ...{ patch: event.patch, target, code: typeof body?.code === 'string' ? body.code : '' },
        ...{ treeBefore: event.treeBefore ?? '', treeAfter: event.treeAfter ?? '' },
        outOfStanding: event.outOfStanding ?? '',
      });
    }
  return rows.sort(newestFirst);
}

/**
 * Newest first. Times are to the second, so one device's apply, rollback and refusal often share
 * one: within a second a device's rows go by its own order (seq), which its chain fixes, and
 * devices by their did, so that the order is total and the same on every device.
 */
function newestFirst(a: AuditRow, b: AuditRow): number {
  if (a.time !== b.time) return a.time < b.time ? 1 : -1;
  if (a.device !== b.device) return a.device < b.device ? -1 : 1;
  if (a.seq !== b.seq) return b.seq - a.seq;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export interface AuditFilter {
  /** 'all', 'mine', or a device's did. */
  device: string;
  outcome: AuditOutcome | 'all';
  /** Part of a patch digest or title, case-insensitive ('' for any). */
  patch: string;
  /** ISO dates (YYYY-MM-DD), inclusive; '' for open. */
  from: string;
  to: string;
}

export const NO_FILTER: AuditFilter = {
  device: 'all',
  outcome: 'all',
  patch: '',
  from: '',
  to: '',
};

/**
 * The rows `filter` keeps. Its patch text matches part of a patch's digest or, when `titleOf`
 * names the patch (its reason's first line, see the Audit screen), part of that title.
 */
export function filterAudit(
  rows: readonly AuditRow[],
  filter: AuditFilter,
  titleOf: (patch: string) => string = () => '',
): AuditRow[] {
  const patch = filter.patch.trim().toLowerCase();
  const matches = (digest: string) =>
    digest.toLowerCase().includes(patch) || titleOf(digest).toLowerCase().includes(patch);
  return rows.filter(
    (row) =>
      (filter.device === 'all' ||
        (filter.device === 'mine' ? row.mine : row.device === filter.device)) &&
      (filter.outcome === 'all' || row.outcome === filter.outcome) &&
      (patch === '' || matches(row.patch)) &&
      (filter.from === '' || row.time.slice(0, 10) >= filter.from) &&
      (filter.to === '' || row.time.slice(0, 10) <= filter.to),
  );
}

const COLUMNS = [
  'time',
  'outcome',
  'device',
  'seq',
  'deviceName',
  'patch',
  'target',
  'treeBefore',
  'treeAfter',
  'code',
  'outOfStanding',
  'id',
] as const;

/** One CSV cell: quoted, quotes doubled, a formula-looking start defused with an apostrophe. */
export function csvCell(value: string): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${text.replace(/"/g, '""')}"`;
}

export function auditCsv(rows: readonly AuditRow[]): string {
  const lines = [COLUMNS.join(',')];
  for (const row of rows) lines.push(COLUMNS.map((c) => csvCell(String(row[c]))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function auditJson(rows: readonly AuditRow[]): string {
  return `${JSON.stringify(
    rows.map((row) => Object.fromEntries(COLUMNS.map((c) => [c, row[c]]))),
    null,
    2,
  )}\n`;
}
