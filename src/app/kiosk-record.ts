/**
 * What a kiosk keeps beside the ledger, in localStorage (synchronous: written before the step
 * it guards starts, so a crash cannot outrun it): the apply or rollback under way (to say,
 * after a restart, whether the target came back all-old or all-new, and to record it), where
 * each bundle came from (folder or peer: the ledger does not say), which dropped files were
 * already taken, and the last recovery. The ledger stays the record of what was applied; this
 * is the kiosk's memory. The stored text is untrusted (anyone at the browser's profile can edit
 * it): it is read field by field and whatever does not fit is dropped.
 */
import type { KeyValueStore } from './kiosk-guard.ts';

export type KioskSource = 'folder' | 'peer';

export interface InFlight {
  /** An apply when absent (what a kiosk remembered before rollbacks were remembered too). */
  kind?: 'apply' | 'rollback';
  patch: string;
  name: string;
  source: KioskSource;
  /** The target's tree hash before the apply or rollback began. */
  treeBefore: string;
  /** The policy decision that allowed an apply; '' for a rollback (none is asked). */
  decision: string;
  started: string;
}

export interface Recovery {
  /** What was interrupted: an apply when absent. */
  kind?: 'rollback';
  patch: string;
  name: string;
  /** all-old: the interrupted apply or rollback was discarded; all-new: it was finished. */
  outcome: 'all-old' | 'all-new';
  tree: string;
  at: string;
}

export interface KioskMemory {
  inFlight?: InFlight;
  /** Where each patch came from, by patch. */
  sources: Record<string, { source: KioskSource; at: string }>;
  /** Dropped files already taken: name → "size:lastModified". */
  taken: Record<string, string>;
  recovery?: Recovery;
}

export const KIOSK_MEMORY_KEY = 'patchtrail.kiosk.memory';
/** Sources and taken files kept at most (oldest dropped first). */
const KEEP = 500;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): v is string => typeof v === 'string';

function readInFlight(v: unknown): InFlight | undefined {
  if (!isRecord(v)) return undefined;
  const { patch, name, source, treeBefore, decision, started, kind } = v;
  if (![patch, name, treeBefore, decision, started].every(str)) return undefined;
  if (source !== 'folder' && source !== 'peer') return undefined;
  if (kind !== undefined && kind !== 'apply' && kind !== 'rollback') return undefined;
  const fields = { patch, name, source, treeBefore, decision, started } as InFlight;
  return kind === undefined ? fields : { kind, ...fields };
}

function readRecovery(v: unknown): Recovery | undefined {
  if (!isRecord(v)) return undefined;
  const { patch, name, outcome, tree, at, kind } = v;
  if (![patch, name, tree, at].every(str)) return undefined;
  if (outcome !== 'all-old' && outcome !== 'all-new') return undefined;
  if (kind !== undefined && kind !== 'rollback') return undefined;
  const fields = { patch, name, outcome, tree, at } as Recovery;
  return kind === undefined ? fields : { kind, ...fields };
}

function readMap<T>(v: unknown, item: (x: unknown) => x is T): Record<string, T> {
  const out: Record<string, T> = Object.create(null) as Record<string, T>;
  if (!isRecord(v)) return out;
  for (const [key, value] of Object.entries(v)) if (item(value)) out[key] = value;
  return out;
}

const isSource = (x: unknown): x is { source: KioskSource; at: string } =>
  isRecord(x) && (x.source === 'folder' || x.source === 'peer') && str(x.at);

export function readKioskMemory(text: string | null): KioskMemory {
  let v: unknown;
  try {
    v = text === null ? {} : JSON.parse(text);
  } catch {
    v = {};
  }
  const r = isRecord(v) ? v : {};
  const memory: KioskMemory = {
    sources: readMap(r.sources, isSource),
    taken: readMap(r.taken, str),
  };
  const inFlight = readInFlight(r.inFlight);
  const recovery = readRecovery(r.recovery);
  if (inFlight !== undefined) memory.inFlight = inFlight;
  if (recovery !== undefined) memory.recovery = recovery;
  return memory;
}

const newest = <T>(map: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.entries(map).slice(-KEEP));

/** The kiosk's memory over a store: read once, every change written through at once. */
export function makeKioskMemory(store: KeyValueStore | undefined) {
  let memory = readKioskMemory(store?.getItem(KIOSK_MEMORY_KEY) ?? null);
  const write = () => {
    memory = { ...memory, sources: newest(memory.sources), taken: newest(memory.taken) };
    store?.setItem(KIOSK_MEMORY_KEY, JSON.stringify(memory));
  };
  return {
    get: (): Readonly<KioskMemory> => memory,
    update(change: (m: KioskMemory) => void): void {
      change(memory);
      write();
    },
  };
}

export type KioskMemoryStore = ReturnType<typeof makeKioskMemory>;
