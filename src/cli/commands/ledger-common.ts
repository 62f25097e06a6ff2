/** What every `patchtrail ledger` word shares: options, argument checks, opening and saving. */
import type { Ledger } from '../../core/index.ts';
import { admitLines, isDidKey, reject, utcTimestamp, type Entry } from '../../core/index.ts';
import type { CliContext } from '../context.ts';
import { UsageError } from '../errors.ts';
import { shown } from '../terminal.ts';
import { appendEntries, openLedgerFile, readHeldLines, writeHeld } from '../ledger-file.ts';

export type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

export function ledgerPath(values: Values): string {
  if (typeof values.ledger !== 'string') throw new UsageError('--ledger FILE is required');
  return values.ledger;
}

export function did(value: string, what: string): string {
  if (!isDidKey(value)) throw new UsageError(`${what}: "${value}" is not an Ed25519 did:key`);
  return value;
}

export function wholeNumber(value: unknown, what: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value))
    throw new UsageError(`${what} takes a whole number`);
  return Number(value);
}

export function out(context: CliContext, values: Values, json: object, text: string): void {
  context.stdout(values.json === true ? `${JSON.stringify(json)}\n` : text);
}

export interface WriteOptions {
  /**
   * The keys the caller signs with: an entry of theirs that would be out of standing (a revoked
   * or rotated key, an equivocator, a non-admin's endorsement) is refused with its code, and
   * nothing is written.
   */
  authors?: readonly string[];
}

/**
 * Opens the ledger (and the entries earlier imports left waiting in FILE.held), runs `write` to
 * append entries, and saves whatever the ledger admitted meanwhile: the new entries, any
 * equivocation proof they caused, waiting entries they released. What still waits goes back
 * to FILE.held.
 */
export async function withLedger<T>(
  values: Values,
  write: (ledger: Ledger, time: string) => Promise<T>,
  context: CliContext,
  options: WriteOptions = {},
): Promise<T> {
  const path = ledgerPath(values);
  const { ledger } = await openLedger(path, context);
  const before = ledger.size;
  const heldInFile = new Set(ledger.held().map((h) => h.entry.id));
  await admitLines(ledger, await readHeldLines(path));
  const made = await write(ledger, utcTimestamp(context.now()));
  const fresh = [...ledger.all()].slice(before);
  refuseOutOfStanding(ledger, fresh, options.authors ?? []);
  const torn = await appendEntries(path, fresh);
  if (torn > 0)
    context.stderr(
      `warning: ${shown(path)}: the torn last line (${torn} bytes) was set aside in ${shown(path)}.quarantine\n`,
    );
  await writeHeld(
    path,
    ledger.held().filter((h) => !heldInFile.has(h.entry.id)),
  );
  return made;
}

function refuseOutOfStanding(ledger: Ledger, fresh: readonly Entry[], authors: readonly string[]) {
  const registry = ledger.registry();
  for (const entry of fresh) {
    if (!authors.includes(entry.author)) continue;
    const why = registry.standing(entry);
    if (why !== undefined)
      reject(
        why.code,
        `refused: ${entry.kind} by ${entry.author} at seq ${entry.seq} would be out of standing (${why.message}); nothing was written`,
      );
  }
}

/** Opens the ledger file, warning on stderr about lines that do not pass the validator. */
export async function openLedger(path: string, context: CliContext, useCache = true) {
  const opened = await openLedgerFile(path, useCache);
  const { rejected, held, truncatedTail } = opened.report;
  const problems = [
    ...(rejected.length > 0 ? [`${rejected.length} line(s) rejected`] : []),
    ...(held > 0 ? [`${held} waiting for a predecessor`] : []),
    ...(truncatedTail > 0 ? [`a torn last line (${truncatedTail} bytes, a write cut short)`] : []),
  ];
  if (problems.length > 0)
    context.stderr(
      `warning: ${shown(path)}: ${problems.join(', ')}; run "patchtrail ledger verify"\n`,
    );
  return opened;
}

export const ledgerOption = { ledger: { type: 'string' }, json: { type: 'boolean' } } as const;
