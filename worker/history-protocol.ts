/**
 * The score-history job's messages. The Reputation screen draws a system's score over the
 * ledger's history: the ledger rebuilt entry by entry and scored at a few stops. On the main
 * thread that held the page for 0.2–1.1 s at every stop of a 100k-entry ledger (core's
 * `reputationInputs`), so a pool worker does it (history-job.ts): the request carries every
 * entry's bytes in admission order, end to end in one transferred buffer, with their offsets
 * (transferred too) and ids, the stops and whose score to follow; the worker reports progress once per
 * stop and answers with the points. With `explain`, the answer also carries every system's
 * score and explanation at the last stop: the Reputation screen's list, from one stop at the
 * whole ledger; with `scores`, every system's score, their hash and the ledger's digest at the
 * last stop: what a policy decision reads off the ledger. Both ends are our code; the checks here keep a malformed message from being
 * taken for a request or an answer.
 */
import type { ScoreExplanation } from '../src/core/reputation/types.ts';
import { isRecord } from './protocol.ts';

/** A system's score after the ledger's first `entries` entries (admission order). */
export interface HistoryPoint {
  entries: number;
  /** Parts per billion of the team's trust (0 when it was not yet a system). */
  ppb: number;
}

/** A ledger's entries end to end: entry i is `bytes[offsets[i] .. offsets[i + 1])`. */
export interface PackedLedger {
  /** Genesis first, in admission order. */
  bytes: ArrayBuffer;
  /** One more than the entries: the last is `bytes.byteLength`. */
  offsets: Uint32Array;
  /** The entries' ids in the same order, each followed by a line break. */
  ids: string;
}

export interface ScoreHistoryRequest extends PackedLedger {
  kind: 'score-history';
  id: number;
  /** Entry counts to score at: ascending, each from 1 to the entries sent. */
  stops: number[];
  /** Whose score the points follow; without one every point is 0. */
  did?: string;
  /** Explain every system's score at the last stop. */
  explain?: boolean;
  /** Every system's score and the score hash at the last stop: what a policy decision reads. */
  scores?: boolean;
}

/** The trust scores a policy decision reads: one score per system, and their hash. */
export interface ScoredSystems {
  /** The input's systems in node (did) order, each once. */
  dids: string[];
  /** Parts per billion, one per did. */
  ppb: number[];
  /** core's `scoreHash` of these scores and the parameters. */
  scoreHash: string;
  /** The ledger's digest at that stop (`ledger.digest()`), which a decision records too. */
  digest: string;
}

export interface HistoryScoredAnswer {
  kind: 'history-scored';
  id: number;
  /** One per stop, in order. */
  points: HistoryPoint[];
  /** With `explain`: every system of the input at the last stop, in node (did) order. */
  systems?: ScoreExplanation[];
  /** With `scores`: every system's score at the last stop, and their hash. */
  scored?: ScoredSystems;
}

const isCount = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 0;

/** Lines in `text`: the line breaks in it. */
function linesIn(text: string): number {
  let lines = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines++;
  return lines;
}

/** Offsets that start at 0, never go back and end at the buffer's length, and an id each. */
function isPackedLedger(value: Record<string, unknown>): boolean {
  const { bytes, offsets, ids } = value;
  if (!(bytes instanceof ArrayBuffer) || !(offsets instanceof Uint32Array)) return false;
  if (offsets.length < 2 || offsets[0] !== 0 || offsets.at(-1) !== bytes.byteLength) return false;
  for (let i = 1; i < offsets.length; i++)
    if ((offsets[i] as number) < (offsets[i - 1] as number)) return false;
  return typeof ids === 'string' && linesIn(ids) === offsets.length - 1;
}

function areStops(value: unknown, entries: number): value is number[] {
  if (!Array.isArray(value) || value.length === 0) return false;
  return value.every(
    (stop, i) => isCount(stop) && stop >= 1 && stop <= entries && (i === 0 || stop > value[i - 1]),
  );
}

export function isScoreHistoryRequest(value: unknown): value is ScoreHistoryRequest {
  if (!isRecord(value) || value.kind !== 'score-history' || !Number.isSafeInteger(value.id))
    return false;
  if (!isPackedLedger(value)) return false;
  if (!areStops(value.stops, (value.offsets as Uint32Array).length - 1)) return false;
  if (value.did !== undefined && typeof value.did !== 'string') return false;
  const flag = (v: unknown) => v === undefined || typeof v === 'boolean';
  return flag(value.explain) && flag(value.scores);
}

const isPoint = (value: unknown): value is HistoryPoint =>
  isRecord(value) && isCount(value.entries) && isCount(value.ppb);

const isExplanation = (value: unknown): value is ScoreExplanation =>
  isRecord(value) && typeof value.did === 'string' && isCount(value.ppb) && isCount(value.rank);

const SCORE_HASH = /^sha256:[0-9a-f]{64}$/;
const LEDGER_DIGEST = /^ld1:[0-9a-f]{20}$/;

/** Dids in strictly ascending order (each once), a score each, a hash and a digest of the right shape. */
function isScoredSystems(value: unknown): value is ScoredSystems {
  if (!isRecord(value) || typeof value.scoreHash !== 'string') return false;
  const { dids, ppb, scoreHash, digest } = value;
  if (typeof digest !== 'string' || !LEDGER_DIGEST.test(digest)) return false;
  if (!SCORE_HASH.test(scoreHash) || !Array.isArray(dids) || !Array.isArray(ppb)) return false;
  if (dids.length !== ppb.length || !ppb.every(isCount)) return false;
  return dids.every((did, i) => typeof did === 'string' && (i === 0 || did > dids[i - 1]));
}

export function isHistoryScoredAnswer(value: unknown): value is HistoryScoredAnswer {
  if (!isRecord(value) || value.kind !== 'history-scored' || !Number.isSafeInteger(value.id))
    return false;
  if (!Array.isArray(value.points) || !value.points.every(isPoint)) return false;
  const { systems, scored } = value;
  if (scored !== undefined && !isScoredSystems(scored)) return false;
  return systems === undefined || (Array.isArray(systems) && systems.every(isExplanation));
}
