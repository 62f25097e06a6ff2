/**
 * From the verified ledger to a `ReputationInput`: the systems (registry.ts, via team.ts), local
 * trust between them (evidence.ts), malice (malice.ts) and security posture reported by an
 * assessor the team trusts. Only entries in standing are read. The result depends on the set
 * of admitted entries and the parameters, never on arrival order: every collection is sorted
 * and every tie broken by id.
 */
import { FUTURE_SKEW_SECONDS, utcTimestamp } from '../bundle/time.ts';
import type { PostureBody } from '../ledger/kinds.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { attestationsByPatch, compromisedPatches } from './attestations.ts';
import { localTrust, pendingCredit } from './evidence.ts';
import { compareText } from './integer.ts';
import { maliceEvidence } from './malice.ts';
import { checkParams, type ReputationParams } from './params.ts';
import { readTeam, stakeOf, type Team } from './team.ts';
import {
  REPUTATION_INPUT_FORMAT,
  type EdgeList,
  type PostureReport,
  type ReputationInput,
  type ReputationNode,
} from './types.ts';

/**
 * The clock to age evidence from: the newest advisory time of an entry in standing written by
 * a team member (falling back to the genesis time). Strangers' times are ignored, so a
 * future-dated entry by an unendorsed key cannot age everyone's history.
 */
export function reputationClock(ledger: Ledger): string {
  return newestMemberTime(ledger, undefined, undefined);
}

/**
 * The newest time of an entry in standing by a team member other than `except`'s system, and
 * not after `until` (a UTC timestamp of second precision, as entry times are: they compare as
 * text).
 */
function newestMemberTime(
  ledger: Ledger,
  except: string | undefined,
  until: string | undefined,
): string {
  const team = readTeam(ledger);
  const registry = ledger.registry();
  const own = except === undefined ? undefined : team.systemOf(except);
  let newest = ledger.genesis.time;
  for (const entry of ledger.all())
    if (
      entry.time > newest &&
      (until === undefined || entry.time <= until) &&
      team.isMember(team.systemOf(entry.author)) &&
      (own === undefined || team.systemOf(entry.author) !== own) &&
      registry.standing(entry) === undefined
    )
      newest = entry.time;
  return newest;
}

/**
 * How fresh a device's evidence is, at `now` (the device's clock): the reputation clock without
 * the device's own entries, and without entries dated more than FUTURE_SKEW_SECONDS after
 * `now`. What it signed itself (an apply, a refusal, a review) brings no news from the team: a
 * device cut off for a week that went on recording would otherwise count as synced a moment
 * ago, and one whose clock ran fast once would read every later time as the future. A time
 * past `now` and the skew is no news either: any member could sign one (2099, say), and a
 * freshness rule would then read the ledger as from the future, failing closed on every device
 * until that day. A device whose own clock is far behind still reads its ledger as from the
 * future (the genesis too is ahead of it), and the rule says so.
 */
export function evidenceClock(ledger: Ledger, device: string | undefined, now: Date): string {
  const until = new Date(now.getTime() + FUTURE_SKEW_SECONDS * 1000);
  return newestMemberTime(
    ledger,
    device,
    Number.isNaN(until.getTime()) ? undefined : utcTimestamp(until),
  );
}

/**
 * Each system's newest posture report (by time, then id) from an assessor: a team member
 * holding params.posture.assessorRole, or the system itself when self-reports are accepted.
 */
function postureReports(ledger: Ledger, team: Team, params: ReputationParams): PostureReport[] {
  const registry = ledger.registry();
  const newest = new Map<string, { time: string; report: PostureReport }>();
  for (const entry of ledger.ofKind('posture')) {
    if (registry.standing(entry) !== undefined) continue;
    const body = entry.body as PostureBody;
    const assessor = team.systemOf(entry.author);
    const did = team.systemOf(body.subject);
    const trusted =
      assessor === did
        ? params.posture.acceptSelfReports
        : team.holds(assessor, params.posture.assessorRole);
    if (!trusted || !team.systems.has(did)) continue; // a subject the ledger does not know
    const checks = Object.values(body.checks);
    const report = {
      did,
      assessor,
      entry: entry.id,
      passed: checks.filter((c) => c === 'pass').length,
      total: checks.length,
    };
    const seen = newest.get(did);
    if (
      seen === undefined ||
      seen.time < entry.time ||
      (seen.time === entry.time && seen.report.entry < entry.id)
    )
      newest.set(did, { time: entry.time, report });
  }
  return [...newest.values()].map((n) => n.report).sort((a, b) => compareText(a.did, b.did));
}

function edgeList(nodes: readonly ReputationNode[], edges: Map<string, number>): EdgeList {
  const index = new Map(nodes.map((n, i) => [n.did, i]));
  const rows = [...edges]
    .map(([key, weight]) => {
      const [from = '', to = ''] = key.split('\n');
      return [index.get(from) as number, index.get(to) as number, weight] as const;
    })
    .sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  return {
    from: Uint32Array.from(rows, (r) => r[0]),
    to: Uint32Array.from(rows, (r) => r[1]),
    weight: Uint32Array.from(rows, (r) => r[2]),
  };
}

/** What the verified ledger says about every system, as plain data for computeReputation. */
export function reputationInputs(ledger: Ledger, params: ReputationParams): ReputationInput {
  checkParams(params);
  const team = readTeam(ledger);
  const byPatch = attestationsByPatch(ledger, team, params);
  const compromised = compromisedPatches(ledger, team);
  const nodes: ReputationNode[] = [...team.systems.values()].map((system) => ({
    did: system.did,
    admin: system.admin,
    member: team.isMember(system.did),
    stake: stakeOf(system),
  }));
  return {
    format: REPUTATION_INPUT_FORMAT,
    nodes,
    edges: edgeList(nodes, localTrust(byPatch, compromised, params)),
    penalties: maliceEvidence(ledger, team, byPatch, compromised, params),
    posture: postureReports(ledger, team, params),
    pending: pendingCredit(byPatch, compromised),
  };
}
