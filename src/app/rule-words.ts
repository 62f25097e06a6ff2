/**
 * A rule's observed and expected values in words, for the common rule kinds: who by registered
 * name, roles, counts with their nouns, durations in days and hours. The engine records them as
 * JSON (`{"allow":{"roles":["developer"]}}`, `259218` seconds), which the rule list keeps for an
 * auditor beneath the words. A kind with no words here (a CEL expression, a glob list) is shown
 * as its JSON alone. Pure: built from the outcome and the registry, nothing else.
 */
import type { Json } from '../core/encoding/canonical-json.ts';
import { percentOf } from '../core/encoding/display.ts';
import type { Identity } from '../core/ledger/registry.ts';
import { label } from '../core/policy/chain.ts';
import type { RuleOutcome } from '../core/policy/types.ts';
import { NOUNS } from './verdict-words.ts';

export interface RuleValueWords {
  observed: string;
  expected: string;
}

type Identities = ReadonlyMap<string, Identity>;
type JsonObject = { readonly [key: string]: Json };

const isObject = (value: Json): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const strings = (value: Json | undefined): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
const count = (value: Json | undefined): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;

function either(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1) as string}`;
}

/**
 * `{"roles":["developer"],"systems":[…]}` with `who` "an author" → "an author with the
 * developer role or Alice".
 */
function principalsWords(value: Json | undefined, identities: Identities, who: string): string {
  if (value === undefined || !isObject(value)) return 'anyone';
  const roles = strings(value.roles);
  // Over 16 the engine records "17 values (see the policy)" in place of the list.
  const systems = typeof value.systems === 'string' ? [value.systems] : strings(value.systems);
  const named = systems.map((did) => (did.startsWith('did:') ? label(identities, did) : did));
  const role = roles.length === 0 ? [] : [`${who} with the ${either(roles)} role`];
  return either([...role, ...named]) || 'nobody';
}

const UNITS: readonly [number, string][] = [
  [86_400, 'day'],
  [3_600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

/**
 * 259218 → "3 days and 18 seconds", 90061 → "over 1 day and 1 hour": the two largest units,
 * and "over" when a smaller part is left out.
 */
export function spanWords(seconds: number): string {
  let left = Math.max(0, Math.floor(seconds));
  const parts: string[] = [];
  for (const [size, unit] of UNITS) {
    const n = Math.floor(left / size);
    if (n === 0 || parts.length === 2) continue;
    parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
    left -= n * size;
  }
  if (parts.length === 0) return '0 seconds';
  return `${left > 0 ? 'over ' : ''}${parts.join(' and ')}`;
}

function counted(n: number, reason: string): string {
  const [one, many] = Object.hasOwn(NOUNS, reason)
    ? (NOUNS[reason] as [string, string])
    : [`\`${reason}\` attestation`, `\`${reason}\` attestations`];
  return `${n} ${n === 1 ? one : many}`;
}

/** "0", or "1 (Rita)": a count and who it names. */
function withNames(n: string, signers: readonly string[], identities: Identities): string {
  return signers.length === 0 ? n : `${n} (${signers.map((d) => label(identities, d)).join(', ')})`;
}

type Worder = (rule: RuleOutcome, identities: Identities) => RuleValueWords | undefined;

const WORDS: Partial<Record<RuleOutcome['kind'], Worder>> = {
  attestations(rule, identities) {
    const e = rule.expected;
    const need = isObject(e) ? count(e.count) : undefined;
    const have = count(rule.observed);
    if (!isObject(e) || need === undefined || have === undefined) return undefined;
    const reason = typeof e.reason === 'string' ? e.reason : '';
    const passkey = e.passkey === true ? ', backed by a passkey' : '';
    return {
      observed: withNames(counted(have, reason), rule.signers, identities),
      expected: `${counted(need, reason)} from ${principalsWords(e.from, identities, 'someone')}${passkey}`,
    };
  },
  authors(rule, identities) {
    const e = rule.expected;
    if (!isObject(e) || typeof rule.observed !== 'string') return undefined;
    return {
      observed: label(identities, rule.observed),
      expected: principalsWords(e.allow, identities, 'an author'),
    };
  },
  verdicts(rule, identities) {
    const e = rule.expected;
    const max = isObject(e) ? count(e.max) : undefined;
    const have = count(rule.observed);
    if (!isObject(e) || max === undefined || have === undefined) return undefined;
    const from =
      e.from === undefined ? 'a registered member' : principalsWords(e.from, identities, 'someone');
    const fails = (n: number) => `${n} “fail” verdict${n === 1 ? '' : 's'}`;
    return {
      observed: have === 0 ? 'no “fail” verdict' : withNames(fails(have), rule.signers, identities),
      expected: max === 0 ? `no “fail” verdict from ${from}` : `at most ${fails(max)} from ${from}`,
    };
  },
  'no-malicious'(rule, identities) {
    const have = count(rule.observed);
    if (have === undefined) return undefined;
    return {
      observed: have === 0 ? 'none' : withNames(`${have}`, rule.signers, identities),
      expected: 'no system in the chain has signed two different stories',
    };
  },
  'not-flagged'(rule, identities) {
    const have = count(rule.observed);
    if (have === undefined) return undefined;
    return {
      observed:
        have === 0
          ? 'no flag'
          : withNames(`${have} flag${have === 1 ? '' : 's'}`, rule.signers, identities),
      expected: 'no flag saying the patch is compromised',
    };
  },
  freshness(rule) {
    const e = rule.expected;
    const max = isObject(e) ? count(e.maxAgeSeconds) : undefined;
    if (max === undefined) return undefined;
    const age = rule.observed;
    const observed =
      typeof age !== 'number'
        ? 'the newest entry’s time is unknown'
        : age < 0
          ? `the newest entry is ${spanWords(-age)} in the future`
          : `the newest entry is ${spanWords(age)} old`;
    return { observed, expected: `a ledger synced within ${spanWords(max)}` };
  },
  'max-chain-length'(rule) {
    const e = rule.expected;
    const max = isObject(e) ? count(e.max) : undefined;
    const have = count(rule.observed);
    if (max === undefined || have === undefined) return undefined;
    const hops = (n: number) => `${n} hop${n === 1 ? '' : 's'}`;
    return { observed: hops(have), expected: `at most ${hops(max)}` };
  },
  'min-reputation'(rule, identities) {
    const e = rule.expected;
    const min = isObject(e) ? count(e.min) : undefined;
    if (min === undefined) return undefined;
    // Scores as the Reputation screen shows them: a percentage of the most trust there is.
    const lowest = count(rule.observed);
    const observed =
      lowest === undefined
        ? 'a system in the chain has no trust score yet'
        : `lowest trust score ${percentOf(lowest)}`;
    return {
      observed: withNames(observed, rule.signers, identities),
      expected: `every system in the chain at ${percentOf(min)} or above`,
    };
  },
  fuzz(rule) {
    const e = rule.expected;
    const have = count(rule.observed);
    if (!isObject(e) || have === undefined) return undefined;
    const max = count(e.max);
    return {
      observed: have === 0 ? 'no fuzz asked for' : `fuzz ${have} asked for`,
      expected:
        e.allowed !== true
          ? 'no fuzz: every context line matches'
          : max === undefined
            ? 'fuzz allowed'
            : `fuzz up to ${max}`,
    };
  },
  'acting-role'(rule) {
    const e = rule.expected;
    if (!isObject(e)) return undefined;
    const roles = strings(e.roles);
    return {
      observed: typeof rule.observed === 'string' ? `the ${rule.observed} role` : 'no role',
      expected: `this device acting in the ${either(roles)} role`,
    };
  },
};

/** The outcome's values in words, or undefined for a kind (or shape) with none. */
export function ruleValueWords(
  rule: RuleOutcome,
  identities: Identities,
): RuleValueWords | undefined {
  const worder = Object.hasOwn(WORDS, rule.kind) ? WORDS[rule.kind] : undefined;
  return worder?.(rule, identities);
}
