/**
 * The kinds of ledger entry and the shape of each body. These checks need nothing but the
 * entry itself; rules that need the rest of the ledger (admin rights, standing, parents) are
 * in validator.ts and registry.ts.
 */
import type { Json } from '../encoding/canonical-json.ts';
import { ERROR_CODES, reject, type ErrorCode } from '../errors.ts';
import { isDid } from './did-cache.ts';
import { MAX_ADMINS, MAX_TEXT } from './limits.ts';

export const ENTRY_KINDS = [
  'genesis',
  'register',
  'endorse',
  'revoke',
  'rotate',
  'publish',
  'attest',
  'flag',
  'posture',
  'policy',
  'checkpoint',
  'cosign',
  'equivocation',
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** Why a system attests to a patch (seed 000's reasons). */
export const ATTEST_REASONS = [
  'built',
  'reviewed',
  'tested',
  'analyzed',
  'forwarded',
  'applied',
  'rejected',
  'rolled-back',
] as const;
export type AttestReason = (typeof ATTEST_REASONS)[number];

export interface GenesisBody {
  /** A human name for the ledger (a team, a fleet). */
  name: string;
  /** Founding admins; the author is one of them. */
  admins: string[];
  /** How many distinct admins an endorsement or revocation takes (k of n). */
  threshold: number;
}
export interface RegisterBody {
  /** The identity's name; a later register entry (seq > 0) renames it. */
  name: string;
  /** Set when this key replaces an earlier one (see `rotate`). */
  rotatedFrom?: string;
}
export interface EndorseBody {
  subject: string;
  role: string;
  /** Stake in whole units, set by admins; 0 removes it. */
  stake: number;
}
export interface RevokeBody {
  subject: string;
  /** The subject's entries from this sequence number on are out of standing. */
  from: number;
  reason: string;
}
export interface RotateBody {
  /** The new key. */
  to: string;
  /** The new key's signature (base64) over rotationMessage(ledger, author, to). */
  proof: string;
}
export interface PublishBody {
  /** The bundle's payload digest (what attestations name). */
  patch: string;
  /** SHA-256 of the diff. */
  diff: string;
  creator: string;
  reason: string;
  components: string[];
  created: string;
}
export interface AttestBody {
  patch: string;
  reason: AttestReason;
  /** The reputation the system reported for itself, in parts per billion: history only. */
  score?: number;
  /** The attestation this system received the patch from. */
  parent?: string;
  /** Where it was applied, and the tree hashes around it. */
  target?: string;
  treeBefore?: string;
  treeAfter?: string;
  /** Hash of the policy decision that allowed it (or, for `rejected`, denied it). */
  decision?: string;
  /** For `rejected` by a device: the code of the check that stopped its attempt. */
  code?: ErrorCode;
  note?: string;
}
export interface FlagBody {
  patch: string;
  compromised: boolean;
  evidence: string;
}
export interface PostureBody {
  /** The device assessed: the author itself, or another device when an assessor reports. */
  subject: string;
  /** Named checks and their results, e.g. {"disk-encryption": "pass"}. */
  checks: Record<string, string>;
  /** sha256 of the full report the assessor keeps (the scanner's output). */
  report?: string;
  /** The scanner or method that produced it, e.g. "lynis 3.0.9". */
  scanner?: string;
  /** A summary of what it found, e.g. "0 critical, 2 high". */
  findings?: string;
  /** When the assessment ran, as the assessor states it (advisory, like entry times). */
  assessed?: string;
}
export interface PolicyBody {
  /** Monotonic: a policy never replaces one with a higher or equal version. */
  version: number;
  policy: { [key: string]: Json };
}
export interface CheckpointBody {
  /** A C2SP signed note whose text is a tlog-checkpoint. */
  note: string;
}
export interface CosignBody {
  checkpoint: string;
  /** The witness's C2SP signature line over that checkpoint. */
  signature: string;
}
export interface EquivocationBody {
  /** The two conflicting entries (base64 of their bytes), in id order. */
  a: string;
  b: string;
}

export interface BodyOf {
  genesis: GenesisBody;
  register: RegisterBody;
  endorse: EndorseBody;
  revoke: RevokeBody;
  rotate: RotateBody;
  publish: PublishBody;
  attest: AttestBody;
  flag: FlagBody;
  posture: PostureBody;
  policy: PolicyBody;
  checkpoint: CheckpointBody;
  cosign: CosignBody;
  equivocation: EquivocationBody;
}
export type EntryBody<K extends EntryKind = EntryKind> = BodyOf[K];

const HASH = /^sha256:[0-9a-f]{64}$/;
const ROLE = /^[a-z][a-z0-9-]{0,63}$/;
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

function bad(kind: string, message: string): never {
  return reject('MALFORMED_INPUT', `ledger entry (${kind}): ${message}`);
}

type Check = (value: unknown) => boolean;
const text: Check = (v) => typeof v === 'string' && v.length <= MAX_TEXT;
const nonEmptyText: Check = (v) => text(v) && (v as string).length > 0;
const did: Check = (v) => typeof v === 'string' && isDid(v);
const hash: Check = (v) => typeof v === 'string' && HASH.test(v);
const whole: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0;
const time: Check = (v) => typeof v === 'string' && TIME.test(v) && !Number.isNaN(Date.parse(v));
const base64: Check = (v) => typeof v === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(v);
const role: Check = (v) => typeof v === 'string' && ROLE.test(v);
const reason: Check = (v) => (ATTEST_REASONS as readonly unknown[]).includes(v);
const object: Check = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Required and optional members of each body, each with its check. Member names come from
 * attackers, so they are looked up in Maps: a plain object would answer for "constructor" or
 * "__proto__" with a member of Object.prototype.
 */
interface Shape {
  required: ReadonlyMap<string, Check>;
  optional: ReadonlyMap<string, Check>;
}

const shape = (required: Record<string, Check>, optional: Record<string, Check> = {}): Shape => ({
  required: new Map(Object.entries(required)),
  optional: new Map(Object.entries(optional)),
});

const SPECS: Record<
  EntryKind,
  { required: Record<string, Check>; optional?: Record<string, Check> }
> = {
  genesis: {
    required: {
      name: nonEmptyText,
      admins: (v) =>
        Array.isArray(v) &&
        v.length > 0 &&
        v.length <= MAX_ADMINS &&
        v.every(did) &&
        new Set(v).size === v.length,
      threshold: (v) => whole(v) && (v as number) >= 1,
    },
  },
  register: { required: { name: text }, optional: { rotatedFrom: did } },
  endorse: { required: { subject: did, role, stake: whole } },
  revoke: { required: { subject: did, from: whole, reason: text } },
  rotate: { required: { to: did, proof: base64 } },
  publish: {
    required: {
      patch: hash,
      diff: hash,
      creator: did,
      reason: text,
      components: (v) => Array.isArray(v) && v.length <= 256 && v.every(nonEmptyText),
      created: time,
    },
  },
  attest: {
    required: { patch: hash, reason },
    optional: {
      score: (v) => whole(v) && (v as number) <= 1_000_000_000,
      parent: hash,
      target: nonEmptyText,
      treeBefore: hash,
      treeAfter: hash,
      decision: hash,
      code: (v) => (ERROR_CODES as readonly unknown[]).includes(v),
      note: text,
    },
  },
  flag: { required: { patch: hash, compromised: (v) => typeof v === 'boolean', evidence: text } },
  posture: {
    required: {
      subject: did,
      checks: (v) =>
        object(v) &&
        Object.keys(v as object).length <= 64 &&
        Object.entries(v as object).every(([k, r]) => role(k) && text(r)),
    },
    optional: { report: hash, scanner: nonEmptyText, findings: text, assessed: time },
  },
  policy: { required: { version: (v) => whole(v) && (v as number) >= 1, policy: object } },
  checkpoint: { required: { note: nonEmptyText } },
  cosign: { required: { checkpoint: hash, signature: nonEmptyText } },
  equivocation: { required: { a: base64, b: base64 } },
};

const SHAPES = new Map<string, Shape>(
  ENTRY_KINDS.map((kind) => [kind, shape(SPECS[kind].required, SPECS[kind].optional)]),
);

/** Checks a body's shape, plus the few rules that tie it to the entry's own fields. */
export function checkBody(kind: EntryKind, body: Json, fields: Record<string, unknown>): void {
  if (!object(body)) bad(kind, 'body must be an object');
  const { required, optional } = SHAPES.get(kind) as Shape;
  const members = body as Record<string, unknown>;
  for (const [name, check] of required) {
    if (!Object.hasOwn(members, name)) bad(kind, `body.${name} is missing`);
    if (!check(members[name])) bad(kind, `body.${name} is not valid`);
  }
  for (const [name, value] of Object.entries(members)) {
    const check = required.get(name) ?? optional.get(name);
    if (check === undefined) bad(kind, `body.${name} is not a field of ${kind}`);
    if (!check(value)) bad(kind, `body.${name} is not valid`);
  }
  if (kind === 'genesis') {
    const genesis = body as unknown as GenesisBody;
    if (fields.seq !== 0) bad(kind, 'genesis must be its author’s first entry');
    if (!genesis.admins.includes(fields.author as string))
      bad(kind, 'the author must be one of the founding admins');
    if (genesis.threshold > genesis.admins.length)
      bad(kind, 'threshold is larger than the number of admins');
  }
  // A later register renames a registered identity; only a key's first entry can say which
  // key it replaces.
  if (kind === 'register' && fields.seq !== 0 && Object.hasOwn(members, 'rotatedFrom'))
    bad(kind, 'rotatedFrom belongs on a key’s first entry');
  if (kind !== 'genesis' && kind !== 'register' && fields.seq === 0)
    bad(kind, 'an author’s first entry must register it');
  if (kind === 'equivocation' && String(members.a) >= String(members.b))
    bad(kind, 'the two entries must differ and be in byte order of their base64');
}
