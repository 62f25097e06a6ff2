/**
 * Security posture reports (seed 000: automated scans and reports). Anyone registered can
 * write a `posture` entry about a system; the reputation engine counts one only when its author
 * is a team member holding the assessor role (params.posture.assessorRole), about a system the
 * ledger knows, and not about itself unless self-reports are accepted (reputation/inputs.ts).
 * `postureStanding` says, for a would-be report, whether it counts today and why not.
 */
import type { Ledger } from '../ledger/ledger.ts';
import { defaultReputationParams, type ReputationParams } from '../reputation/params.ts';
import { readTeam } from '../reputation/team.ts';

export interface PostureStanding {
  counted: boolean;
  /** Why it counts, or why not. */
  why: string;
}

export function postureStanding(
  ledger: Ledger,
  assessor: string,
  subject: string,
  params: ReputationParams = defaultReputationParams(ledger.genesis.time),
): PostureStanding {
  const team = readTeam(ledger);
  const role = params.posture.assessorRole;
  const by = team.systemOf(assessor);
  const about = team.systemOf(subject);
  if (!team.systems.has(about))
    return { counted: false, why: `${subject} is not a system this ledger knows` };
  if (by === about)
    return params.posture.acceptSelfReports
      ? { counted: true, why: 'a self-report, and this team accepts them' }
      : { counted: false, why: 'a system assessing itself is not counted' };
  if (!team.holds(by, role))
    return { counted: false, why: `${assessor} does not hold the ${role} role in standing` };
  return { counted: true, why: `${assessor} holds the ${role} role` };
}
