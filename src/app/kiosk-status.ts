/**
 * The kiosk's status as a passer-by reads it: one large state (up to date / updating / needs
 * attention), the version it runs now (the newest patch applied and not rolled back, with the
 * target's tree hash), its last update and where that came from, what is waiting and why,
 * and how old the ledger's evidence is against the policy's freshness budget. Built from the
 * ledger (what happened) and the kiosk's memory (sources, the last recovery). Pure; loaded
 * lazily with the ledger code.
 */
import { FUTURE_SKEW_SECONDS } from '../core/bundle/time.ts';
import type { Ledger } from '../core/ledger/ledger.ts';
import type { EffectivePolicy } from '../core/policy/effective.ts';
import { appliedNow, freshnessBudget, targetEvents, type TargetEvent } from './kiosk-ledger.ts';
import { NAME_POINTS, PERMISSION_WORDS, type FolderNeed } from './kiosk-io.ts';
import type { KioskMemory, KioskSource, Recovery } from './kiosk-record.ts';
import type { WaitingRow } from './kiosk-run.ts';
import { evidenceClock } from '../core/reputation/inputs.ts';
import { publishedPatches } from './ledger-patches.ts';
import { inlineName } from '../core/encoding/display.ts';

export type KioskState = 'starting' | 'up-to-date' | 'updating' | 'needs-attention';

export interface VersionRow {
  patch: string;
  name: string;
  what: TargetEvent['reason'];
  time: string;
  /** The target's tree hash after it (before it, for a refusal). */
  tree: string;
  source?: KioskSource;
  note?: string;
  code?: string;
}

export interface Freshness {
  /** Advisory time of the newest entry held: how old the evidence is. */
  newest: string;
  ageSeconds: number;
  budgetSeconds?: number;
  stale: boolean;
}

export interface KioskStatus {
  state: KioskState;
  current?: VersionRow;
  lastUpdate?: VersionRow;
  waiting: WaitingRow[];
  /** What the ledger records about this target, newest first (at most HISTORY rows). */
  history: VersionRow[];
  freshness?: Freshness;
  recovery?: Recovery;
  /** What stops the kiosk from working at all, in plain words. */
  problems: string[];
  activity?: { name: string; kind: 'apply' | 'rollback' };
  /** Picked folders that need permission again: nothing is read or applied until then. */
  permissions?: FolderNeed[];
}

export interface StatusInput {
  ledger: Ledger;
  /** This kiosk's key: its own entries do not make its evidence fresh (`evidenceClock`). */
  device?: string;
  policy: EffectivePolicy;
  target: string;
  names: ReadonlyMap<string, string>;
  memory: Readonly<KioskMemory>;
  waiting: WaitingRow[];
  problems: string[];
  now: Date;
}

function versionRow(
  event: TargetEvent,
  names: (patch: string) => string,
  memory: Readonly<KioskMemory>,
): VersionRow {
  const row: VersionRow = {
    ...{ patch: event.patch, name: names(event.patch), what: event.reason, time: event.time },
    tree: event.treeAfter ?? event.treeBefore ?? '',
  };
  const source = memory.sources[event.patch]?.source;
  if (source !== undefined) row.source = source;
  if (event.note !== undefined) row.note = event.note;
  if (event.code !== undefined) row.code = event.code;
  return row;
}

/** Rows of history the board shows. */
const HISTORY = 6;

/** How old the evidence is, measured as the policy's freshness rule measures it. */
export function freshnessOf(
  ledger: Ledger,
  policy: EffectivePolicy,
  now: Date,
  device?: string,
): Freshness {
  const newest = evidenceClock(ledger, device, now);
  const ageSeconds = Math.floor((now.getTime() - Date.parse(newest)) / 1000);
  const budgetSeconds = freshnessBudget(policy.compiled);
  const fresh: Freshness = { newest, ageSeconds, stale: false };
  if (budgetSeconds !== undefined)
    Object.assign(fresh, {
      budgetSeconds,
      stale: ageSeconds > budgetSeconds || ageSeconds < -FUTURE_SKEW_SECONDS,
    });
  return fresh;
}

/** The status from the ledger and the last pass; `updating` is the caller's to set. */
export function kioskStatus(input: StatusInput): KioskStatus {
  const { ledger, memory } = input;
  const published = new Map(publishedPatches(ledger).map((p) => [p.patch, p.reason]));
  const names = (patch: string) =>
    inlineName(
      input.names.get(patch) ?? published.get(patch) ?? `patch ${patch.slice(7, 19)}`,
      NAME_POINTS,
    );
  const events = targetEvents(ledger, input.target);
  const current = appliedNow(events).at(-1);
  const last = events.at(-1);
  const freshness = freshnessOf(ledger, input.policy, input.now, input.device);
  // A refused or flagged bundle, a stale ledger, a kiosk that cannot work: someone should look.
  // ... and so does an update that failed its post-apply check, until a newer one lands.
  const failed = last?.reason === 'rolled-back' && last.code === 'POST_APPLY_FAILED';
  const attention =
    input.problems.length > 0 || freshness.stale || input.waiting.length > 0 || failed;
  const status: KioskStatus = {
    state: attention ? 'needs-attention' : 'up-to-date',
    waiting: input.waiting,
    history: events
      .slice(-HISTORY)
      .reverse()
      .map((e) => versionRow(e, names, memory)),
    freshness,
    problems: input.problems,
  };
  if (current !== undefined) status.current = versionRow(current, names, memory);
  if (last !== undefined) status.lastUpdate = versionRow(last, names, memory);
  if (memory.recovery !== undefined) status.recovery = memory.recovery;
  return status;
}

/** The status while picked folders need permission again: what the ledger says, and that. */
export function needsPermission(
  input: Omit<StatusInput, 'waiting' | 'problems'>,
  needs: FolderNeed[],
): KioskStatus {
  const problems = needs.map(
    (n) =>
      `Needs attention: ${PERMISSION_WORDS[n.role]} (“${n.name}”). Nothing is applied until an admin allows it.`,
  );
  const known = kioskStatus({ ...input, waiting: [], problems });
  return { ...known, state: 'needs-attention', permissions: needs };
}
