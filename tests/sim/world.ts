/**
 * The simulated team: real Ed25519 identities from deterministic seeds, one real ledger that
 * admits every action through its validator, and the patches ("files" in the EigenTrust paper)
 * that devices ask for. Everything here is plain state; simulate.ts drives it.
 */
import type { MemoryTree, Signer } from '../../src/core/index.ts';
import type { Ledger } from '../../src/core/ledger/ledger.ts';
import type { Rng } from './random.ts';

/**
 * What a malicious system does, per threat model (Kamvar et al. 2003, §7): `individual` (A),
 * `collective` (B, and the B-type peers of D), `camouflaged` (C), `spy` (D), `sybil` (E),
 * `disseminator` (F).
 */
export type MaliciousRole =
  'individual' | 'collective' | 'camouflaged' | 'spy' | 'sybil' | 'disseminator';

export interface SimConfig {
  seed: number;
  /** All systems, admins included. */
  systems: number;
  /** Founding admins: the only pre-trusted roots (the paper's pre-trusted peers). */
  admins: number;
  malicious: number;
  cycles: number;
  /** Distinct fixes a device may need ("files"). */
  fixes: number;
  /** Chance that a non-admin system holds (and so can serve) a given fix. */
  holdRate: number;
  /** Chance of choosing among zero-score sources (the paper's 10%). */
  explore: number;
  /** The min-reputation rule's bar, parts per billion. */
  minReputation: number;
  /** Chance that a device finds out a compromised patch it applied before the cycle ends. */
  detectRate: number;
  /**
   * Whether the fix's admin flags a compromise a device reported (hard evidence: the engine
   * zeroes everyone who distributed the patch). Without flags, devices only roll back, and
   * reputation must learn from that dissatisfaction alone.
   */
  adminFlags: boolean;
  /** C: the chance that a camouflaged system serves the genuine patch (the paper's f). */
  authenticShare: number;
  withReputation: boolean;
  /**
   * How a device picks the source it asks the policy about: `score` by global trust (10%
   * exploring zero-score sources, the paper's rule; uniform without reputation), `random`
   * uniformly whatever the scores (a user who takes a bundle from whoever offers it).
   */
  choice: 'score' | 'random';
  /** Whether a device asks about the next source after a denial, or waits for its next turn. */
  retry: boolean;
  /**
   * When a device finds out a compromised patch it applied: `cycle-end` before the next
   * cycle's scores (rolled back, and flagged by the fix's admin); `next-round` during the next
   * cycle, the victim rolling back at its own turn and the admin flagging at the admin's, while
   * everyone in between decides on the ledger as it is (scores are then recomputed before
   * every decision, as the CLI does).
   */
  detection: 'cycle-end' | 'next-round';
  /**
   * Whether admins apply by the policy without `min-reputation`: the team's admins try new
   * sources, and what they find is how trust reaches a system nobody has tried.
   */
  adminsTry: boolean;
}

export interface PatchInfo {
  /** The bundle's payload digest: what attestations and flags name. */
  digest: string;
  fix: number;
  compromised: boolean;
  author: Actor;
  diff: string;
  /** From the verified bundle, as the agent passes it to the policy. */
  metadata: { creator: string; reason: string; components: string[] };
  /** The author's `built` attestation. */
  built: string;
}

/** One response to a query: a system offering a patch through one of its attestations. */
export interface Source {
  system: Actor;
  /** The attestation the device would receive the patch through (`via`, then `parent`). */
  attestation: string;
  patch: PatchInfo;
}

export interface Actor {
  index: number;
  name: string;
  signer: Signer;
  kind: 'admin' | 'honest' | 'malicious';
  role?: MaliciousRole;
  /** Fixes this system serves when asked. */
  holds: Set<number>;
  /** Its `forwarded` attestation on each genuine fix it passed on. */
  forwarded: Map<number, string>;
  /** Its current compromised variant of each fix (a new one once a variant is flagged). */
  variants: Map<number, PatchInfo>;
  /** Fixes it still needs (devices): a genuine patch applied removes the fix. */
  needs: Set<number>;
  tree?: MemoryTree;
  /** Identity generation (a Sybil's new key each time it is caught or used). */
  generation: number;
  /** Responses so far (a disseminator serves a compromised patch once in every 100). */
  responses: number;
  /** A disseminator's phase in its cycle of 100 responses. */
  phase: number;
}

/** Advisory times: one second per entry from T0, so entries order strictly by time. */
export class Clock {
  private tick = 0;
  static readonly T0 = Date.parse('2026-06-01T00:00:00Z');

  next(): string {
    this.tick++;
    return this.now();
  }

  now(): string {
    return new Date(Clock.T0 + this.tick * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  date(): Date {
    return new Date(Clock.T0 + this.tick * 1000);
  }
}

/** A compromised patch an honest device applied, to be found out (see `detection`). */
export interface Report {
  device: Actor;
  patch: PatchInfo;
  applied: string;
  cycle: number;
  /** Set once the device has rolled it back. */
  rolledBack?: string;
}

export interface World {
  config: SimConfig;
  rng: Rng;
  ledger: Ledger;
  clock: Clock;
  admins: Actor[];
  /** Every system in index order (admins first). */
  systems: Actor[];
  genuine: PatchInfo[];
  /** Digest → patch, for every patch published in the run. */
  patches: Map<string, PatchInfo>;
  /** Patches an admin flagged compromised. */
  flagged: Set<string>;
  reports: Report[];
}

export const isDevice = (a: Actor) => a.kind !== 'malicious' || a.role === 'disseminator';
export const isHonest = (a: Actor) => a.kind !== 'malicious';

/** A compromised patch applied by an honest device. */
export interface Compromise {
  cycle: number;
  device: string;
  /** The system whose attestation the device received it through, and its role. */
  source: string;
  role: MaliciousRole | undefined;
  patch: string;
}

/** What the honest devices (admins included) saw in one run. */
export interface Metrics {
  /** Turns in which a device needed a fix. */
  queries: number;
  applied: number;
  compromised: number;
  /** Queries where the policy denied every source (or nobody answered). */
  nothing: number;
  decisions: number;
  denials: number;
  /**
   * Decisions on a patch offered by an honest system other than an admin (a newcomer the
   * team has not endorsed), and how many the policy denied.
   */
  honestOffers: number;
  honestDenied: number;
  /** The same in the second half of the run: whether honest newcomers earned their way in. */
  honestOffersLate: number;
  honestDeniedLate: number;
  /** E: allowed and denied decisions for patches offered by a Sybil identity. */
  sybilAllowed: number;
  sybilDenied: number;
  compromises: Compromise[];
  /** Patches the admins flagged, by cycle. */
  flags: { cycle: number; patch: string; author: string }[];
}

export function emptyMetrics(): Metrics {
  return {
    queries: 0,
    applied: 0,
    compromised: 0,
    nothing: 0,
    decisions: 0,
    denials: 0,
    honestOffers: 0,
    honestDenied: 0,
    honestOffersLate: 0,
    honestDeniedLate: 0,
    sybilAllowed: 0,
    sybilDenied: 0,
    compromises: [],
    flags: [],
  };
}
