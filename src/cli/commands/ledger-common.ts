/** What every `patchtrail ledger` word shares: options, argument checks, opening and saving. */
import type { Ledger } from '../../core/index.ts';
import { isDidKey, utcTimestamp, type Entry } from '../../core/index.ts';
import type { CliContext } from '../context.ts';
import { UsageError } from '../errors.ts';
import { appendEntries, openLedgerFile } from '../ledger-file.ts';

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

/**
 * Opens the ledger, runs `write` to append entries signed by the caller, and saves whatever
 * the ledger admitted meanwhile (the new entries, and any equivocation proof they caused).
 */
export async function withLedger(
  values: Values,
  write: (ledger: Ledger, time: string) => Promise<Entry[]>,
  context: CliContext,
): Promise<Entry[]> {
  const path = ledgerPath(values);
  const { ledger } = await openLedger(path, context);
  const before = ledger.size;
  const made = await write(ledger, utcTimestamp(context.now()));
  const fresh = [...ledger.all()].slice(before);
  await appendEntries(path, fresh);
  return made;
}

/** Opens the ledger file, warning on stderr about lines that no longer pass the validator. */
export async function openLedger(path: string, context: CliContext) {
  const opened = await openLedgerFile(path);
  const { rejected, held } = opened.report;
  if (rejected.length > 0 || held > 0)
    context.stderr(
      `warning: ${path}: ${rejected.length} line(s) rejected, ${held} waiting for a predecessor; run "patchtrail ledger verify"\n`,
    );
  return opened;
}

export const ledgerOption = { ledger: { type: 'string' }, json: { type: 'boolean' } } as const;
