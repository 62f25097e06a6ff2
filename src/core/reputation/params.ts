/**
 * The reputation engine's parameters: every knob is a whole number (fractions are parts per
 * 1024), so the parameters are canonical JSON and `paramsHash` names them. Scores are a pure
 * function of (verified ledger, parameters); `asOf` is the only clock, and it is passed in
 * (see `reputationClock`), never read from the machine.
 */
import { sha256Sync } from '../crypto/hash.ts';
import { toHex } from '../encoding/bytes.ts';
import { canonicalBytes } from '../encoding/canonical-json.ts';
import { ATTEST_REASONS, type AttestReason } from '../ledger/kinds.ts';
import { floorDiv, isoSeconds, UNIT } from './integer.ts';

export interface DecayTable {
  /** Width of one age bucket, in seconds. */
  bucketSeconds: number;
  /** Multiplier per bucket, parts per 1024; ages past the last bucket keep the last value. */
  multipliers: number[];
}

export interface PostureParams {
  /** Posture reports count when their author holds this role (endorsed by the admins). */
  assessorRole: string;
  /** Whether a device's report about itself counts. */
  acceptSelfReports: boolean;
  /** Multiplier (parts per 1024) for a system no trusted assessor has reported on. */
  unassessed: number;
  /** Lowest multiplier an assessed system gets, however many checks fail. */
  floor: number;
}

export interface ReputationParams {
  /** Reference time for decay, "YYYY-MM-DDTHH:MM:SSZ": normally the ledger's newest team time. */
  asOf: string;
  /** Local trust j → i when j's attestation names i's as its parent, per patch (× decay). */
  parentWeight: number;
  /**
   * Local trust from j to the systems that stood behind a patch (any positive reason but
   * `forwarded`) before j, split among them, once j's attestation has settled.
   */
  confirmWeight: number;
  /**
   * The same when j is a team member: probation credit, the way trust reaches a newcomer nobody
   * has applied through yet — it stood behind what the team then found good, before the team.
   */
  probationWeight: number;
  /**
   * Entries its author must write after a positive attestation before it credits anyone: the
   * evidence window in which a rollback or a flag can still come (0: credit at once).
   */
  settleAfter: number;
  decay: DecayTable;
  /** Reasons that distribute or vouch for a patch: penalised when it is flagged compromised. */
  distributionReasons: AttestReason[];
  /** Reasons that a trusted `rejected` / `rolled-back` contradicts. */
  contradictableReasons: AttestReason[];
  /** Distinct trusted systems whose negative attestations make a contradiction. */
  contradictionQuorum: number;
  /**
   * Multipliers (parts per 1024) per incident; 0 is hard evidence: the system's trust is zero
   * and its edges, in and out, are cut. Equivocation is always hard. `kept`: the system applied
   * a patch a trusted flagger found compromised and has not rolled it back.
   */
  penalties: { compromised: number; kept: number; contradicted: number };
  posture: PostureParams;
  /** Pre-trust weight of an admin before its stake is added. */
  adminWeight: number;
  /** Pre-trust weight of a non-admin holding an endorsed role, before its stake. */
  memberWeight: number;
  /** A root's weight (base plus summed stake) is capped here. */
  stakeCap: number;
  /** No root gets more than this share (parts per 1024) of pre-trust, unless there are few. */
  maxRootShare: number;
  /** EigenTrust's a, parts per 1024: the share of trust that returns to pre-trust each step. */
  pretrustShare: number;
  maxIterations: number;
  /** Stop when the L1 change of one iteration is at most this many parts per billion. */
  deltaPpb: number;
}

const DAY = 86_400;

/**
 * Defaults: trust halves every 90 days of age (30-day buckets, 2^(-1/3) per bucket, rounded to
 * parts per 1024) down to 1/16 after a year; a parent link counts four times a bare
 * confirmation, and a team member's confirmation (probation) as much as a parent link; an
 * attestation credits once its author has written one more entry; distributing or vouching
 * for a compromised patch is hard evidence, keeping one applied quarters the trust let in;
 * a contradiction by two trusted systems halves it; posture only ever holds trust back (an
 * unassessed system keeps all of it; a team that requires assessment lowers
 * posture.unassessed). docs/reputation.md says why, with the simulation's figures.
 */
export function defaultReputationParams(asOf: string): ReputationParams {
  return {
    asOf,
    parentWeight: 4,
    confirmWeight: 1,
    probationWeight: 4,
    settleAfter: 1,
    decay: {
      bucketSeconds: 30 * DAY,
      multipliers: [1024, 813, 645, 512, 406, 323, 256, 203, 161, 128, 102, 81, 64],
    },
    distributionReasons: ['built', 'reviewed', 'tested', 'analyzed', 'forwarded'],
    contradictableReasons: ['reviewed', 'tested', 'analyzed'],
    contradictionQuorum: 2,
    penalties: { compromised: 0, kept: 256, contradicted: 512 },
    posture: { assessorRole: 'assessor', acceptSelfReports: false, unassessed: 1024, floor: 256 },
    adminWeight: 10,
    memberWeight: 1,
    stakeCap: 100,
    maxRootShare: 341,
    pretrustShare: 154,
    maxIterations: 200,
    deltaPpb: 1000,
  };
}

/** 2^30: root weights and the stake cap, so weight × multiplier stays below 2^40. */
const WEIGHT_LIMIT = 1_073_741_824;
/** 2^40 seconds: any age bucket a ledger could need. */
const SECONDS_LIMIT = 1_099_511_627_776;

const whole = (v: unknown, max: number) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max;
const reasons = (v: unknown) =>
  Array.isArray(v) && v.every((r) => (ATTEST_REASONS as readonly unknown[]).includes(r));

/** Throws a RangeError naming every bad field: parameters come from our own code. */
export function checkParams(params: ReputationParams): void {
  const bad: string[] = [];
  const need = (ok: boolean, field: string, expected: string) => {
    if (!ok) bad.push(`${field} must be ${expected}`);
  };
  let asOfOk = typeof params.asOf === 'string';
  try {
    if (asOfOk) isoSeconds(params.asOf);
  } catch {
    asOfOk = false;
  }
  need(asOfOk, 'asOf', 'a UTC time like 2026-01-31T12:00:00Z');
  need(whole(params.parentWeight, 4096), 'parentWeight', 'a whole number ≤ 4096');
  need(whole(params.confirmWeight, 4096), 'confirmWeight', 'a whole number ≤ 4096');
  need(whole(params.probationWeight, 4096), 'probationWeight', 'a whole number ≤ 4096');
  need(whole(params.settleAfter, 1 << 20), 'settleAfter', 'a whole number of entries ≤ 2^20');
  const m = params.decay?.multipliers;
  need(
    whole(params.decay?.bucketSeconds, SECONDS_LIMIT) && params.decay.bucketSeconds > 0,
    'decay.bucketSeconds',
    'a whole number of seconds > 0',
  );
  need(
    Array.isArray(m) && m.length >= 1 && m.length <= 1024 && m.every((x) => whole(x, UNIT)),
    'decay.multipliers',
    '1 to 1024 multipliers, each 0..1024',
  );
  need(reasons(params.distributionReasons), 'distributionReasons', 'attestation reasons');
  need(reasons(params.contradictableReasons), 'contradictableReasons', 'attestation reasons');
  need(
    whole(params.contradictionQuorum, 1 << 20) && params.contradictionQuorum >= 1,
    'contradictionQuorum',
    'a whole number ≥ 1',
  );
  need(whole(params.penalties?.compromised, UNIT), 'penalties.compromised', '0..1024');
  need(whole(params.penalties?.kept, UNIT), 'penalties.kept', '0..1024');
  need(whole(params.penalties?.contradicted, UNIT), 'penalties.contradicted', '0..1024');
  need(typeof params.posture?.assessorRole === 'string', 'posture.assessorRole', 'a role name');
  need(
    typeof params.posture?.acceptSelfReports === 'boolean',
    'posture.acceptSelfReports',
    'a boolean',
  );
  need(whole(params.posture?.unassessed, UNIT), 'posture.unassessed', '0..1024');
  need(whole(params.posture?.floor, UNIT), 'posture.floor', '0..1024');
  need(whole(params.adminWeight, WEIGHT_LIMIT), 'adminWeight', 'a whole number ≤ 2^30');
  need(whole(params.memberWeight, WEIGHT_LIMIT), 'memberWeight', 'a whole number ≤ 2^30');
  need(whole(params.stakeCap, WEIGHT_LIMIT), 'stakeCap', 'a whole number ≤ 2^30');
  need(whole(params.maxRootShare, UNIT) && params.maxRootShare > 0, 'maxRootShare', '1..1024');
  need(whole(params.pretrustShare, UNIT), 'pretrustShare', '0..1024');
  need(
    whole(params.maxIterations, 100_000) && params.maxIterations >= 1,
    'maxIterations',
    '1..100000',
  );
  need(whole(params.deltaPpb, 1e9), 'deltaPpb', '0..1e9');
  if (bad.length > 0) throw new RangeError(`reputation parameters: ${bad.join('; ')}`);
}

/** "sha256:" + hex SHA-256 of the parameters' RFC 8785 canonical JSON. */
export function paramsHash(params: ReputationParams): string {
  return `sha256:${toHex(sha256Sync(canonicalBytes(params)))}`;
}

/** The decay multiplier (parts per 1024) of evidence dated `time`, aged from `asOf`. */
export function makeDecay(params: ReputationParams): (seconds: number) => number {
  const asOf = isoSeconds(params.asOf);
  const { bucketSeconds, multipliers } = params.decay;
  const last = multipliers.length - 1;
  return (seconds) => {
    const age = asOf - seconds;
    if (age <= 0) return multipliers[0] as number;
    const bucket = floorDiv(age, bucketSeconds);
    return multipliers[bucket < last ? bucket : last] as number;
  };
}
