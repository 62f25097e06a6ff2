/**
 * The verdict in plain words (UX.md: the most important words in the product): the outcome
 * first, naming people by their registered names, then what is missing and who could supply
 * it. Built from the agent's result and the policy engine's explanation; nothing here decides
 * anything, it only says what was decided.
 */
import type { CheckResult } from '../core/agent/types.ts';
import { UNAPPLIABLE_LEAD } from '../core/diff/unappliable.ts';
import { inlineName, sentence } from '../core/encoding/display.ts';
import { oneLineName } from '../core/encoding/visible.ts';
import { systemRoot, type Identity } from '../core/ledger/registry.ts';
import { holdsRole, label } from '../core/policy/chain.ts';
import type {
  AttestationsRule,
  PolicyDecision,
  PolicyDocument,
  RuleOutcome,
} from '../core/policy/types.ts';

/** What the Inbox shows at a glance, and the colour the verdict takes. */
export type VerdictState =
  | 'allowed'
  | 'denied'
  | 'needs-review'
  /** Signed, but the author is not a registered member of this team: neutral, never green. */
  | 'untrusted'
  /** The file is not a valid bundle. */
  | 'invalid'
  /** No team ledger is open: integrity only. */
  | 'no-team';

export interface MissingRow {
  /** "needs 1 more review by a reviewer" */
  text: string;
  /**
   * Registered names of the members who could supply it (in standing, not yet counted, and not
   * among those who marked the patch as failing).
   */
  who: string[];
  /** Registered names of the members who could have, but signed a "fail" verdict on it. */
  failedIt: string[];
}

export interface Headline {
  state: VerdictState;
  headline: string;
  /** Plain sentences under the headline. */
  because: string[];
}

/** An attestation reason as a noun: one and many ("review", "reviews"). */
export const NOUNS: Record<string, [string, string]> = {
  built: ['build', 'builds'],
  reviewed: ['review', 'reviews'],
  tested: ['test run', 'test runs'],
  analyzed: ['analysis', 'analyses'],
  forwarded: ['forward', 'forwards'],
  applied: ['apply', 'applies'],
  rejected: ['rejection', 'rejections'],
  'rolled-back': ['rollback', 'rollbacks'],
};

function byWhom(rule: AttestationsRule): string {
  const roles = rule.from.roles ?? [];
  const named = (rule.from.systems ?? []).length > 0 ? ['a named system'] : [];
  const people = roles.map((role) =>
    /(er|or|ist)$/.test(role) ? `a ${role}` : `someone with the ${role} role`,
  );
  return [...people, ...named].join(' or ') || 'anyone';
}

/**
 * The members who could supply what a failing `attestations` rule lacks, and apart from them
 * those who could but marked the patch as failing (`failed`: the verdicts rule's signers, by
 * system, so a key rotated since the verdict is still that member): asking them again is not
 * what the technician should be told first.
 */
function suppliers(
  rule: AttestationsRule,
  identities: ReadonlyMap<string, Identity>,
  counted: readonly string[],
  failed: ReadonlySet<string>,
): { who: string[]; failedIt: string[] } {
  const named = new Set(rule.from.systems ?? []);
  const who: string[] = [];
  const failedIt: string[] = [];
  for (const identity of identities.values()) {
    if (identity.registered === '' || identity.malicious) continue;
    if (identity.revokedFrom !== undefined || identity.rotatedTo !== undefined) continue;
    if (counted.includes(identity.did)) continue;
    if (holdsRole(identity, rule.from.roles ?? []) === undefined && !named.has(identity.did))
      continue;
    const into = failed.has(systemRoot(identities, identity.did)) ? failedIt : who;
    into.push(label(identities, identity.did));
  }
  const byName = (a: string, b: string) => a.localeCompare(b);
  return { who: who.sort(byName), failedIt: failedIt.sort(byName) };
}

/**
 * What is missing, per failing `attestations` rule, with who could supply it; nothing when a
 * rule that denies whatever else passes failed (a registered `fail` verdict, a flag, an
 * equivocator in the chain): no review lifts that, and "needs 1 more review" sent the
 * technician after one.
 */
export function missingRows(
  policy: PolicyDocument,
  decision: PolicyDecision,
  identities: ReadonlyMap<string, Identity>,
): MissingRow[] {
  const rows: MissingRow[] = [];
  if (strongestFailure(decision.rules.filter((r) => r.outcome === 'fail')) !== undefined)
    return rows;
  const failed = new Set<string>();
  for (const outcome of decision.rules)
    if (outcome.kind === 'verdicts')
      for (const did of outcome.signers) failed.add(systemRoot(identities, did));
  for (const outcome of decision.rules) {
    if (outcome.kind !== 'attestations' || outcome.outcome !== 'fail') continue;
    const rule = policy.rules.find((r) => r.id === outcome.id) as AttestationsRule | undefined;
    if (rule === undefined) continue;
    const need = rule.count - (typeof outcome.observed === 'number' ? outcome.observed : 0);
    const [one, many] = NOUNS[rule.reason] ?? [rule.reason, rule.reason];
    rows.push({
      text: `needs ${need} more ${need === 1 ? one : many} by ${byWhom(rule)}`,
      ...suppliers(rule, identities, outcome.signers, failed),
    });
  }
  return rows;
}

const names = (identities: ReadonlyMap<string, Identity>, dids: readonly string[]) =>
  dids.map((did) => label(identities, did)).join(', ');

/** The attestation a failing `attestations` rule counts (its expected `reason`), if it says. */
function reasonOf(outcome: RuleOutcome): string | undefined {
  const expected = outcome.expected;
  if (typeof expected !== 'object' || expected === null || Array.isArray(expected)) return;
  const reason = Object.hasOwn(expected, 'reason') ? expected.reason : undefined;
  return typeof reason === 'string' ? reason : undefined;
}

/** "reviews", "builds and reviews": what the failing attestation rules lack, in plural nouns. */
function lacking(failing: readonly RuleOutcome[]): string {
  const nouns = [...new Set(failing.map((r) => reasonOf(r) ?? ''))].map((reason) =>
    Object.hasOwn(NOUNS, reason) ? (NOUNS[reason] as [string, string])[1] : 'attestations',
  );
  const unique = [...new Set(nouns)];
  return unique.length === 1
    ? (unique[0] as string)
    : `${unique.slice(0, -1).join(', ')} and ${unique.at(-1) as string}`;
}

/** Failing rules that say "do not apply" whatever else passes, strongest first. */
const STRONGEST: readonly RuleOutcome['kind'][] = ['verdicts', 'not-flagged', 'no-malicious'];

/** The failing rule a deny's headline names, if one of `STRONGEST` failed. */
function strongestFailure(failing: readonly RuleOutcome[]): RuleOutcome | undefined {
  for (const kind of STRONGEST) {
    const found = failing.find((r) => r.kind === kind);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** What the verified bundle says that the words quote: its author, and attesters' notes. */
export interface BundleVoices {
  /** The author's did. */
  author: string;
  /** Each attester's note on its `fail` verdict, by did. */
  failNotes: ReadonlyMap<string, string>;
}

/** A note quoted in a sentence: one line, and not the whole of a 4 KiB one. */
const QUOTED_NOTE_CHARS = 280;
const MAX_NOTE_CHARS = 4096;

/**
 * Who marked the patch as failing, each with their note, and what to do: no other review lifts
 * a `fail` in the bundle, only a new version of the patch does.
 */
function failedBecause(
  signers: readonly string[],
  identities: ReadonlyMap<string, Identity>,
  voices: BundleVoices | undefined,
): string[] {
  const said = signers.map((did) => {
    const note = oneLineName(voices?.failNotes.get(did) ?? '', MAX_NOTE_CHARS);
    const quoted = inlineName(note, QUOTED_NOTE_CHARS);
    // A note that ends a sentence ends this one: “… level 1.” rather than “… level 1.”.
    const said =
      note === '' ? ', with no note.' : `: “${quoted}”${/[.!?…]$/u.test(quoted) ? '' : '.'}`;
    return `${label(identities, did)} signed a “fail” verdict into this bundle${said}`;
  });
  const author =
    voices === undefined ? 'its author' : `${label(identities, voices.author)}, its author,`;
  return [
    ...said,
    `Another review does not lift it: ask ${author} for a new version of the patch that answers it.`,
  ];
}

/** The headline of a policy's deny: the strongest reason first, in plain words. */
function denial(
  decision: PolicyDecision,
  identities: ReadonlyMap<string, Identity>,
  voices: BundleVoices | undefined,
): Headline {
  const failing = decision.rules.filter((r) => r.outcome === 'fail');
  const strongest = strongestFailure(failing);
  const verdicts = strongest?.kind === 'verdicts' ? strongest : undefined;
  if (verdicts !== undefined)
    return {
      state: 'denied',
      headline: `Do not apply: a registered reviewer marked this patch as failing (${names(identities, verdicts.signers)})`,
      because: failedBecause(verdicts.signers, identities, voices),
    };
  const flagged = strongest?.kind === 'not-flagged' ? strongest : undefined;
  if (flagged !== undefined)
    return {
      state: 'denied',
      headline: `Do not apply: this patch was flagged as compromised (${names(identities, flagged.signers)})`,
      because: [flagged.message],
    };
  const malicious = strongest?.kind === 'no-malicious' ? strongest : undefined;
  if (malicious !== undefined)
    return {
      state: 'denied',
      headline: `Do not apply: ${names(identities, malicious.signers)} in its chain signed two different stories`,
      because: [malicious.message],
    };
  if (failing.length > 0 && failing.every((r) => r.kind === 'attestations'))
    return {
      state: 'needs-review',
      headline: `Not yet: this patch needs more ${lacking(failing)} before it can be applied here`,
      // What is missing, and who could supply it, are listed under it (missingRows); the rules'
      // own words ("0 of 1 `reviewed` attestation…") follow in the rule list.
      because: [
        'Every other rule of the policy in force passes: with what is listed below, it can be applied here.',
      ],
    };
  if (failing.length > 0 && failing.every((r) => r.kind === 'freshness'))
    return {
      state: 'denied',
      headline: 'Do not apply yet: this device’s copy of the team’s ledger is too old to decide',
      // The age and the limit, then what brings the news that would decide it.
      because: [
        ...failing.map((r) => sentenceOf(r.message)),
        'Sync with a teammate (Peers), or import the team’s ledger file (Team), then look again: a revocation or a flag this device has not seen could change the answer.',
      ],
    };
  return {
    state: 'denied',
    headline: 'Do not apply: the policy in force on this device does not allow it',
    because: failing.map((r) => `${r.id}: ${r.message}`),
  };
}

/** A rule's message as a sentence: a capital first, a full stop last. */
function sentenceOf(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** Why the agent stopped before the policy, in words. */
function stoppedEarly(result: CheckResult): Headline {
  const stop = result.steps.find((s) => !s.ok);
  const why = stop?.message ?? 'the check stopped';
  if (stop?.code === 'MALFORMED_INPUT' && stop.step === 'extract-metadata')
    return {
      state: 'denied',
      headline: 'Do not apply: it holds a change patchtrail cannot apply exactly',
      because: [
        `This bundle changes ${why.startsWith(UNAPPLIABLE_LEAD) ? why.slice(UNAPPLIABLE_LEAD.length) : why}, and patchtrail applies only changes to regular files that it can check line by line against the files here: an apply of it would be refused before anything is written. Ask its author for a bundle without such changes.`,
      ],
    };
  switch (stop?.code) {
    case 'UNKNOWN_AUTHOR':
      return {
        state: 'untrusted',
        headline: 'Signed, but not by anyone this team trusts',
        because: [
          'The signatures verify, but the author is not a registered member of this team, so the policy cannot allow it.',
        ],
      };
    case 'REVOKED_KEY':
      return {
        state: 'denied',
        headline: 'Do not apply: the author’s key is no longer in standing',
        because: [why],
      };
    default:
      return {
        state: 'denied',
        headline: 'Do not apply: this bundle does not agree with the team ledger',
        because: [why],
      };
  }
}

/** The headline for an agent check of a verified bundle (`voices`: what it quotes of it). */
export function headlineOf(
  result: CheckResult,
  decision: PolicyDecision | undefined,
  identities: ReadonlyMap<string, Identity>,
  voices?: BundleVoices,
): Headline {
  if (result.status === 'allowed')
    return {
      state: 'allowed',
      headline: 'Safe to apply on this device',
      because: ['Every rule of the policy in force on this device passes.'],
    };
  if (result.status === 'denied' && decision !== undefined)
    return denial(decision, identities, voices);
  if (result.status === 'denied')
    return {
      state: 'denied',
      headline: 'Do not apply: this team has no policy in force yet',
      because: [
        'Nothing is allowed until an admin publishes a policy (default deny). Ask a team admin to publish one.',
      ],
    };
  return stoppedEarly(result);
}

/**
 * Why a checked patch is not applied, as a few plain sentences for a screen with no room for
 * the rules (the kiosk): the strongest reason in words, then each rule that failed for another
 * reason by its id and message, then what is missing and who could supply it. Each fact once:
 * an `attestations` rule is said only as what is missing.
 */
export function plainReasons(
  result: CheckResult,
  decision: PolicyDecision | undefined,
  identities: ReadonlyMap<string, Identity>,
  policy: PolicyDocument | undefined,
): string[] {
  const head = headlineOf(result, decision, identities);
  if (head.state === 'allowed') return [];
  const outcome = sentence(head.headline.replace(/^Do not apply: /, ''));
  if (decision === undefined || result.status !== 'denied') return [outcome, ...head.because];
  const failing = decision.rules.filter((r) => r.outcome === 'fail');
  const strongest = strongestFailure(failing);
  const lines: string[] = [];
  if (strongest !== undefined) lines.push(outcome);
  for (const rule of failing)
    if (rule !== strongest && rule.kind !== 'attestations')
      lines.push(`${rule.id}: ${rule.message}`);
  const missing = policy === undefined ? [] : missingRows(policy, decision, identities);
  for (const row of missing) {
    const who =
      row.who.length > 0
        ? ` Who could: ${row.who.join(', ')}.`
        : row.failedIt.length > 0
          ? ' Nobody else in the team can supply it.'
          : '';
    lines.push(sentence(row.text) + who);
  }
  return lines.length > 0 ? lines : head.because;
}
