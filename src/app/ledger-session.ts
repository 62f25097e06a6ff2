/**
 * One open team ledger: its IndexedDB store (src/storage/ledger-store.ts), a revision signal
 * that moves when the verified set or the quarantine changes, the rows the screens show, and
 * the actions this device signs (endorse, revoke, register). Loaded lazily, with the ledger
 * code, so the first screen stays small.
 *
 * Only the ledger's public methods are used (admit, append, get, registry, all, subscribe...),
 * through this module, so a change to the Ledger class touches one file of the app.
 */
import { createMemo, createSignal, type Accessor } from 'solid-js';
import { utcTimestamp } from '../core/bundle/time.ts';
import type { Signer } from '../core/crypto/signer.ts';
import { signEntry } from '../core/ledger/entry.ts';
import { genesisIdOf, ledgerLines } from '../core/ledger/file.ts';
import { Ledger } from '../core/ledger/ledger.ts';
import { nextTask } from '../sync/yielding.ts';
import { isPatchtrailError } from '../core/errors.ts';
import {
  openLedgerStore,
  type LedgerStore,
  type StoredQuarantineRecord,
} from '../storage/ledger-store.ts';
import {
  actions,
  exchange,
  intake,
  type ActionResult,
  type ImportReport,
  type SessionOptions,
} from './ledger-actions.ts';

export type { ActionResult, ImportReport, SessionOptions };
import type { WitnessOutcome } from './witness.ts';
import { readSegmentsWith } from './worker-segments.ts';
import { makeLedgerTrust, type LedgerTrustOf } from './ledger-trust.ts';
import {
  checkpointRows,
  makeEntryRows,
  equivocationRows,
  memberRows,
  type CheckpointRow,
  type EntryRow,
  type EquivocationRow,
  type MemberRow,
} from './ledger-rows.ts';

export interface QuarantineRow {
  key: string;
  code: string;
  message: string;
  size: number;
}

export interface OpenTeam {
  readonly ledgerId: string;
  readonly name: string;
  readonly threshold: number;
  readonly founder: string;
  /** Moves whenever the verified set or the quarantine changes. */
  readonly revision: Accessor<number>;
  readonly entries: Accessor<EntryRow[]>;
  readonly members: Accessor<MemberRow[]>;
  readonly equivocations: Accessor<EquivocationRow[]>;
  readonly checkpoints: Accessor<CheckpointRow[]>;
  /** The persisted quarantine, newest first (reads the store). */
  quarantine(): Promise<QuarantineRow[]>;
  /** The full bytes of an entry, pretty-printed for the detail view. */
  entryText(id: string): string | undefined;
  endorse(subject: string, role: string, stake: number): Promise<ActionResult>;
  /** From entry number `from` of the subject on; by default from its next entry. */
  revoke(subject: string, reason: string, from?: number): Promise<ActionResult>;
  /** Records this device's new name on the ledger (it must be registered there). */
  rename(name: string): Promise<ActionResult>;
  /** Admits untrusted bytes (a joiner's own register entry, an entry from a file). */
  admit(bytes: Uint8Array): Promise<ActionResult>;
  /** The ledger in the CLI's file format (one entry per line, genesis first), or only what
   * is new since a peer's heads. */
  exportFile(heads?: readonly string[]): Uint8Array;
  /** This device's heads, for a peer to export what is new since. */
  heads(): string[];
  /** As a witness: cosigns the newest checkpoint (with the keeper's ledger file when needed). */
  cosign(log?: Uint8Array): Promise<WitnessOutcome>;
  importFile(
    bytes: Uint8Array,
    progress?: (done: number, total: number) => void,
  ): Promise<ImportReport>;
  /** For the transport and the patch workflow: the verified ledger itself. */
  readonly ledger: Ledger;
  /** The trust scores decisions on `ledger` read, computed in a pool worker when it is large. */
  readonly trust: LedgerTrustOf;
  /**
   * Waits until the store holds what was appended to `ledger` directly (the agent's `applied`
   * or `rejected` record), and shows it at once.
   */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** Performance marks around opening the store (the app bench reads them). */
export const LEDGER_OPEN_MARKS = {
  start: 'patchtrail:ledger-open:start',
  end: 'patchtrail:ledger-open:end',
} as const;

/** Entries written per IndexedDB transaction. */
const WRITE_BATCH = 200;

/** How often, at most, the screens recompute while entries stream in. */
const REVISION_DELAY_MS = 200;

function prettyEntry(bytes: Uint8Array): string {
  try {
    return JSON.stringify(JSON.parse(new TextDecoder().decode(bytes)), null, 2);
  } catch {
    return '(not JSON)';
  }
}

/** A revision counter that moves, at most every REVISION_DELAY_MS, while the ledger changes. */
function liveRevision(ledger: Ledger) {
  const [revision, setRevision] = createSignal(0);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const later = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      setRevision((n) => n + 1);
    }, REVISION_DELAY_MS);
  };
  const unsubscribe = ledger.subscribe({
    admitted: later,
    quarantined: later,
    equivocation: later,
  });
  return {
    revision,
    /** Moves it now (after this device's own action, which the screen should show at once). */
    now: () => setRevision((n) => n + 1),
    stop() {
      clearTimeout(timer);
      unsubscribe();
    },
  };
}

/**
 * The screens' rows, recomputed when the revision moves. Entry rows are built a slice per
 * task (makeEntryRows' `more`): a reopened 100k-entry team built them in one task of 0.5 s.
 */
function views(ledger: Ledger, revision: Accessor<number>) {
  const [turn, setTurn] = createSignal(0);
  let asked = false;
  const more = () => {
    if (asked) return;
    asked = true;
    void nextTask().then(() => {
      asked = false;
      setTurn((n) => n + 1);
    });
  };
  const rowsNow = makeEntryRows(ledger, { more });
  const entries = createMemo(() => (revision(), turn(), rowsNow()));
  return {
    entries,
    members: createMemo(() => (revision(), memberRows(ledger))),
    equivocations: createMemo(() => (revision(), equivocationRows(ledger))),
    checkpoints: createMemo(() => checkpointRows(entries(), ledger)),
  };
}

/** Opens a held ledger (by id) or a new one (by its genesis bytes). */
export async function openTeamSession(
  source: string | Uint8Array,
  options: SessionOptions,
): Promise<OpenTeam> {
  performance.mark(LEDGER_OPEN_MARKS.start);
  const store: LedgerStore = await openLedgerStore(source, {
    onError: options.onError,
    ...(options.onLost === undefined ? {} : { onLost: options.onLost }),
    // Smaller transactions than the store's default 1000: each commits in one task, and a
    // 1000-entry batch held the page for 80 ms or more (measured while scrolling the explorer).
    batchSize: WRITE_BATCH,
    ...(options.progress === undefined ? {} : { progress: options.progress }),
    // A large store's segments are read and their digests checked in a worker.
    ...(options.pool === undefined ? {} : { readSegments: readSegmentsWith(options.pool) }),
  });
  performance.mark(LEDGER_OPEN_MARKS.end);
  const { ledger } = store;
  const live = liveRevision(ledger);
  return {
    ledgerId: ledger.id,
    name: ledger.genesis.body.name,
    threshold: ledger.genesis.body.threshold,
    founder: ledger.genesis.author,
    revision: live.revision,
    ...views(ledger, live.revision),
    ...actions(store, options, live.now),
    ...intake(store, live.now, options.pool),
    ...exchange(store, options, live.now),
    ledger,
    trust: makeLedgerTrust(options.pool),
    async quarantine() {
      const rows: StoredQuarantineRecord[] = await store.quarantined();
      return rows.reverse().map(({ key, code, message, size }) => ({ key, code, message, size }));
    },
    entryText: (id) => {
      const entry = ledger.get(id);
      return entry === undefined ? undefined : prettyEntry(entry.bytes);
    },
    async settle() {
      await store.flush();
      live.now();
    },
    async close() {
      live.stop();
      await store.close();
    },
  };
}

/** True when `bytes` are the genesis entry whose id is `ledgerId` (untrusted bytes). */
export async function isGenesisOf(bytes: Uint8Array, ledgerId: string): Promise<boolean> {
  return (await genesisIdOf(bytes)) === ledgerId;
}

/** A new ledger founded by `signer` as its only admin: the genesis entry's bytes. */
export async function foundLedger(
  signer: Signer,
  name: string,
  now: Date,
  /** This device's name: registered right after the genesis, as a joiner registers its own. */
  deviceName = '',
): Promise<{ id: string; bytes: Uint8Array; registration?: Uint8Array }> {
  const time = utcTimestamp(now);
  const founded = await Ledger.found(signer, { name, admins: [signer.did], threshold: 1 }, time);
  const genesis = { id: founded.id, bytes: founded.genesis.bytes };
  if (deviceName === '') return genesis;
  const registration = await founded.append(signer, 'register', { name: deviceName }, time);
  return { ...genesis, registration: registration.bytes };
}

/** A joiner's own `register` entry for `ledgerId`, signed before the ledger itself arrives. */
export async function signRegistration(
  signer: Signer,
  ledgerId: string,
  name: string,
  now: Date,
): Promise<Uint8Array> {
  const entry = await signEntry(signer, {
    ledger: ledgerId,
    seq: 0,
    prev: null,
    refs: [],
    time: utcTimestamp(now),
    kind: 'register',
    body: { name },
  });
  return entry.bytes;
}

/** The first line of a ledger file (its genesis, if it is one); undefined when there is none. */
export function firstLine(bytes: Uint8Array): Uint8Array | undefined {
  try {
    return ledgerLines(bytes).lines[0];
  } catch (error) {
    if (isPatchtrailError(error)) return undefined;
    throw error;
  }
}
