/**
 * What the Reputation screen lists: every registered system with its roles, stake, standing
 * and score (parts per billion of the team's trust), its rank, the engine's explanation, and
 * the ledger's posture reports about it. Built from the verified ledger and one computation of
 * the scores; entry bodies are attacker-written text, rendered as text only.
 */
import type { Ledger } from '../core/ledger/ledger.ts';
import type { PostureBody } from '../core/ledger/kinds.ts';
import type { ScoreExplanation } from '../core/reputation/types.ts';
import { memberRows, nameOf, type MemberRow } from './ledger-rows.ts';

export interface PostureRow {
  id: string;
  time: string;
  assessor: string;
  assessorName: string;
  checks: [string, string][];
}

export interface SystemRow extends MemberRow {
  /** Parts per billion of the team's trust; undefined when the engine does not know it. */
  scorePpb?: number;
  explanation?: ScoreExplanation;
  postures: PostureRow[];
}

/** Why `did` has its score (core's `explainScore`, here or in a worker), if it has one. */
export type Explain = (did: string) => ScoreExplanation | undefined;

/** Posture reports about each subject, newest first. */
function posturesBySubject(ledger: Ledger): Map<string, PostureRow[]> {
  const registry = ledger.registry();
  const out = new Map<string, PostureRow[]>();
  for (const entry of ledger.all()) {
    if (entry.kind !== 'posture') continue;
    const body = entry.body as PostureBody;
    const list = out.get(body.subject) ?? [];
    list.unshift({
      id: entry.id,
      time: entry.time,
      assessor: entry.author,
      assessorName: nameOf(registry, ledger.genesis, entry.author),
      checks: Object.entries(body.checks),
    });
    out.set(body.subject, list);
  }
  return out;
}

/** Every system, highest score first (then by name). */
export function systemRows(
  ledger: Ledger,
  scores: ReadonlyMap<string, number>,
  explain: Explain,
): SystemRow[] {
  const postures = posturesBySubject(ledger);
  return memberRows(ledger)
    .map((member): SystemRow => {
      const scorePpb = scores.get(member.did);
      const explanation = scorePpb === undefined ? undefined : explain(member.did);
      return {
        ...member,
        ...(scorePpb === undefined ? {} : { scorePpb }),
        ...(explanation === undefined ? {} : { explanation }),
        postures: postures.get(member.did) ?? [],
      };
    })
    .sort((a, b) => (b.scorePpb ?? -1) - (a.scorePpb ?? -1) || a.name.localeCompare(b.name));
}

/** `count` entry counts evenly spaced over 1..total, ascending, without repeats. */
export function historyPoints(total: number, count = 12): number[] {
  const points = new Set<number>();
  for (let i = 1; i <= count; i++) points.add(Math.max(1, Math.round((total * i) / count)));
  return [...points].sort((a, b) => a - b);
}
