/**
 * Ledger file imports under way, remembered until they end, so that one cut short (the tab
 * reloaded or closed, the browser killed) is said when the team's screens open again: the
 * entries admitted before it stopped stay, the rest of the file is not here, and nothing else
 * would tell. Taking the file again finishes it (entries already here are skipped).
 *
 * Kept in localStorage beside the unfinished applies (unfinished.ts), with the same rules: the
 * record is written before the work starts, names the tab that started it, and counts as cut
 * short only once that tab's lock is free. How far it got is written at most once a second.
 * The stored text is untrusted: read field by field, and whatever does not fit is dropped.
 */
import type { KeyValueStore } from './kiosk-guard.ts';
import { isRecord, randomId, readStoredList, text, type TabLiveness } from './unfinished.ts';

export interface ImportUnderway {
  id: string;
  /** The tab that started it. */
  tab: string;
  /** The team's ledger id. */
  ledger: string;
  fileName: string;
  /** The file's size in bytes. */
  size: number;
  /** When it started (ms since the epoch). */
  started: number;
  /** Entries checked, of the file's total, when last written (0 of 0: not read yet). */
  done: number;
  total: number;
}

export const IMPORTS_KEY = 'patchtrail.imports';
/** Records kept at most (the oldest dropped). */
const KEEP = 16;
/** How often the count is written while an import runs. */
const WRITE_EVERY_MS = 1000;

const count = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function readOne(v: unknown): ImportUnderway | undefined {
  if (!isRecord(v)) return undefined;
  const { id, tab, ledger, fileName, size, started, done, total } = v;
  if (![id, tab, ledger, fileName].every(text)) return undefined;
  if (![size, started, done, total].every(count)) return undefined;
  if ((done as number) > (total as number)) return undefined;
  return { id, tab, ledger, fileName, size, started, done, total } as ImportUnderway;
}

/** The records in a stored text; anything that does not fit is left out. */
export function readImports(stored: string | null): ImportUnderway[] {
  return readStoredList(stored, readOne, KEEP);
}

export interface ImportMemory {
  /** Remembers an import starting now; returns its id. */
  begin(ledger: string, fileName: string, size: number): string;
  /** How far it got (written at most once a second, and always when it is complete). */
  progress(id: string, done: number, total: number): void;
  /** It ended, whichever way: forgotten. */
  end(id: string): void;
  /** This ledger's imports that no living tab is doing any more, oldest first. */
  cutShort(ledger: string): Promise<ImportUnderway[]>;
  /** Forgets a cut-short import (said, and dismissed or taken again). */
  dismiss(id: string): void;
}

export function makeImportMemory(
  store: KeyValueStore | undefined,
  tabs: TabLiveness,
  now: () => number = Date.now,
): ImportMemory {
  const list = () => readImports(store?.getItem(IMPORTS_KEY) ?? null);
  const write = (records: ImportUnderway[]) => {
    try {
      if (records.length === 0) store?.removeItem(IMPORTS_KEY);
      else store?.setItem(IMPORTS_KEY, JSON.stringify(records.slice(-KEEP)));
    } catch {
      // Storage full or refused: the import goes on; only a cut short one goes unsaid.
    }
  };
  const written = new Map<string, number>();
  return {
    begin(ledger, fileName, size) {
      const record: ImportUnderway = {
        ...{ id: randomId(), tab: tabs.tab, ledger, fileName, size },
        ...{ started: now(), done: 0, total: 0 },
      };
      write([...list(), record]);
      written.set(record.id, now());
      return record.id;
    },
    progress(id, done, total) {
      const last = written.get(id);
      if (last === undefined || (now() - last < WRITE_EVERY_MS && done < total)) return;
      written.set(id, now());
      write(list().map((r) => (r.id === id ? { ...r, done, total } : r)));
    },
    end(id) {
      written.delete(id);
      write(list().filter((r) => r.id !== id));
    },
    async cutShort(ledger) {
      const mine = list().filter((r) => r.ledger === ledger);
      const alive = await Promise.all(mine.map((r) => tabs.alive(r.tab)));
      return mine.filter((_, i) => alive[i] === false);
    },
    dismiss(id) {
      write(list().filter((r) => r.id !== id));
    },
  };
}
