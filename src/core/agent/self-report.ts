/**
 * Self-reported reputation (seed 000: each attestation carries the system's reported score):
 * an attestation's optional `score` is history, never an input. Policy reads computed scores
 * only; these helpers find the reports that claim far more than the ledger gives, so that an
 * explanation can say so. Reported scores are attacker-chosen; computed ones come from the
 * reputation engine over the verified ledger.
 */
import type { Entry } from '../ledger/entry.ts';
import type { AttestBody } from '../ledger/kinds.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { readTeam } from '../reputation/team.ts';

/** A report this far above the computed score (parts per billion, i.e. 0.2) is flagged. */
export const FAR_ABOVE_PPB = 200_000_000;

export interface SelfReport {
  /** The key that wrote the attestation. */
  did: string;
  entry: string;
  /** What it said about itself, parts per billion. */
  reported: number;
  /** What the engine computes for its system (0 when it has no score). */
  computed: number;
}

const fraction = (ppb: number) => (ppb / 1e9).toFixed(3);

/** Every self-report among `entries` (attestations with a `score`), beside the computed score. */
export function selfReports(
  ledger: Ledger,
  entries: Iterable<Entry>,
  scores: ReadonlyMap<string, number>,
): SelfReport[] {
  const team = readTeam(ledger);
  const out: SelfReport[] = [];
  for (const entry of entries) {
    const reported = entry.kind === 'attest' ? (entry.body as AttestBody).score : undefined;
    if (reported === undefined) continue;
    const computed = scores.get(team.systemOf(entry.author)) ?? 0;
    out.push({ did: entry.author, entry: entry.id, reported, computed });
  }
  return out;
}

/** A report claiming more than FAR_ABOVE_PPB over the computed score. */
export const isFarAbove = (r: SelfReport): boolean => r.reported - r.computed > FAR_ABOVE_PPB;

/** Attestations among `entries` whose self-reported score is far above the computed one. */
export function inflatedSelfReports(
  ledger: Ledger,
  entries: Iterable<Entry>,
  scores: ReadonlyMap<string, number>,
): SelfReport[] {
  return selfReports(ledger, entries, scores).filter(isFarAbove);
}

/** The newest score `did` reported for itself on the ledger (by sequence), if any. */
export function latestSelfReport(ledger: Ledger, did: string): Entry<'attest'> | undefined {
  return ledger
    .byAuthor(did)
    .filter((e): e is Entry<'attest'> => e.kind === 'attest')
    .filter((e) => e.body.score !== undefined)
    .at(-1);
}

/** "NAME reports 0.950 for itself in ENTRY; its computed score is 0.120". */
export function describeSelfReport(report: SelfReport, name: string): string {
  return (
    `${name === '' ? report.did : name} reports ${fraction(report.reported)} for itself in ` +
    `${report.entry}; its computed score is ${fraction(report.computed)}`
  );
}
