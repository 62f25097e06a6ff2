/**
 * Starting points for the editor: a new rule of each kind, valid as it stands where the kind
 * allows (so adding one never leaves the draft broken for long; a target tree's hash cannot be
 * guessed, so that one asks for it at its field), and a first policy for a team
 * that has none. Every rule kind of the engine has a template; the type says so.
 */
import { POLICY_FORMAT, RULE_KINDS, type RuleKind } from '../core/policy/types.ts';

type Template = Record<string, unknown>;

const KIND_FIELDS: { [K in RuleKind]: Template } = {
  'min-reputation': { min: 10_000_000 },
  'max-chain-length': { max: 8 },
  attestations: { reason: 'reviewed', count: 1, from: { roles: ['reviewer'] } },
  authors: { allow: { roles: ['developer'] } },
  'patch-reason': { pattern: '^(fix|security): ' },
  components: { allow: ['**'] },
  'acting-role': { roles: ['technician'] },
  'target-tree': { treeHashes: [] },
  'component-version': { component: 'firmware', constraint: '>=1.0' },
  'no-malicious': {},
  'not-flagged': {},
  freshness: { maxAgeSeconds: 604_800 },
  fuzz: { allowed: false },
  verdicts: { max: 0 },
  cel: {
    expression: 'chain.exists(h, h.reason == "reviewed" && h.inStanding)',
    message: 'needs a review in standing',
  },
  'post-apply': { checks: [{ path: 'core/debug.flag', absent: true }] },
  'admin-passkey': { actions: ['policy'] },
};

/** What each kind is for, in a few words (the kind picker shows them). */
export const KIND_LABELS: { [K in RuleKind]: string } = {
  'min-reputation': 'Minimum reputation of everyone in the chain',
  'max-chain-length': 'Longest chain of hops',
  attestations: 'Attestations needed (reviews, tests, builds…)',
  authors: 'Who may author patches',
  'patch-reason': 'The patch’s stated reason',
  components: 'Components a patch may touch',
  'acting-role': 'Role of the person applying',
  'target-tree': 'Exact state of the target',
  'component-version': 'Installed version on the device',
  'no-malicious': 'Nobody in the chain has equivocated',
  'not-flagged': 'Not flagged as compromised',
  freshness: 'How old the ledger may be',
  fuzz: 'Fuzzy patching',
  verdicts: '“Fail” verdicts in the bundle',
  cel: 'Custom condition (CEL)',
  'post-apply': 'Files on the target after applying',
  'admin-passkey': 'Admin actions that need an admin’s passkey',
};

export const KINDS: readonly RuleKind[] = RULE_KINDS;

/** An id like `kind`, `kind-2`, … not used by any of `taken`. */
export function freshId(kind: string, taken: readonly string[]): string {
  const base = kind.slice(0, 60);
  if (!taken.includes(base)) return base;
  for (let n = 2; ; n++) if (!taken.includes(`${base}-${n}`)) return `${base}-${n}`;
}

/** A new rule of `kind`; `keep` carries the id, mode and description of the rule it replaces. */
export function ruleTemplate(kind: RuleKind, id: string, keep: Template = {}): Template {
  const common: Template = { id, kind, mode: keep.mode === 'warn' ? 'warn' : 'enforce' };
  if (typeof keep.description === 'string') common.description = keep.description;
  return { ...common, ...structuredClone(KIND_FIELDS[kind]) };
}

/** A first policy for a team with none in force. */
export function starterPolicy(teamName: string): Template {
  return {
    format: POLICY_FORMAT,
    version: 1,
    name: `${teamName || 'Team'} policy`.slice(0, 200),
    rules: [
      ruleTemplate('no-malicious', 'no-malicious'),
      ruleTemplate('not-flagged', 'not-flagged'),
      ruleTemplate('attestations', 'reviewed'),
    ],
  };
}

/** `object` with `first` keys in that order, then the rest as they were. */
function ordered(object: Template, first: readonly string[]): Template {
  const out: Template = {};
  for (const key of first) if (Object.hasOwn(object, key)) out[key] = object[key];
  for (const [key, value] of Object.entries(object)) if (!Object.hasOwn(out, key)) out[key] = value;
  return out;
}

/**
 * A document in the order people read it (the ledger keeps policies canonical, keys sorted):
 * format, version, name and note, then each rule's id, kind, mode and note before its fields.
 */
export function readable(document: unknown): unknown {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return document;
  const copy = JSON.parse(JSON.stringify(document)) as Template;
  if (Array.isArray(copy.rules))
    copy.rules = copy.rules.map((rule: unknown) =>
      rule !== null && typeof rule === 'object' && !Array.isArray(rule)
        ? ordered(rule as Template, ['id', 'kind', 'mode', 'description'])
        : rule,
    );
  return ordered(copy, ['format', 'version', 'name', 'description', 'mode', 'rules']);
}

/** The policy in force as the start of the next version. */
export function nextVersionOf(document: { version: number }): Template {
  return { ...(readable(document) as Template), version: document.version + 1 };
}
