/**
 * The variables a CEL expression sees (its activation), derived from one PolicyContext, and
 * their declarations for the checker. Deterministic: the same context gives the same values
 * in the same order (hops of a `via` path root first, other hops, flags and map keys sorted
 * by id or did), whatever order the entries were admitted in.
 *
 * Attacker-influenced: the reason, components and creator (the bundle's author chooses
 * them), hops, flags and names (anyone registered can attest, flag, or pick a name), and the
 * versions a device reports. Every list and map holds at most MAX_ACTIVATION_ITEMS items;
 * more, and the rule fails saying so, rather than judging part of the data.
 */
import type { CelInput } from '@bufbuild/cel';
import { MAX_ACTIVATION_ITEMS } from './cel-api.ts';
import { holdsRole, isMalicious } from './chain.ts';
import { BOOL, INT, list, map, record, STRING, TIMESTAMP, type CelT } from './cel-types.ts';
import type { Hop } from '../ledger/queries.ts';
import type { Scope } from './rule-kit.ts';

const SYSTEMS = MAX_ACTIVATION_ITEMS + 2; // publisher and creator, then one per hop
const HOP = record('hop', {
  id: STRING,
  author: STRING,
  name: STRING,
  reason: STRING,
  time: STRING,
  parent: STRING,
  target: STRING,
  inStanding: BOOL,
});

/** The activation's declarations (src/core/policy/README.md, "CEL"). */
export const DECLARATIONS: ReadonlyMap<string, CelT> = new Map([
  [
    'patch',
    record('patch', {
      digest: STRING,
      creator: STRING,
      publisher: STRING,
      reason: STRING,
      components: list(STRING, MAX_ACTIVATION_ITEMS),
    }),
  ],
  ['chain', list(HOP, MAX_ACTIVATION_ITEMS)],
  [
    'flags',
    list(record('flag', { id: STRING, author: STRING, compromised: BOOL }), MAX_ACTIVATION_ITEMS),
  ],
  [
    'systems',
    map(
      STRING,
      record('system', {
        name: STRING,
        roles: list(STRING, MAX_ACTIVATION_ITEMS),
        admin: BOOL,
        malicious: BOOL,
      }),
      SYSTEMS,
    ),
  ],
  ['scores', map(STRING, INT, SYSTEMS)],
  [
    'device',
    record('device', {
      role: STRING,
      treeHash: STRING,
      versions: map(STRING, STRING, MAX_ACTIVATION_ITEMS),
      fuzz: INT,
    }),
  ],
  ['ledger', record('ledger', { digest: STRING, newestTime: TIMESTAMP })],
  ['now', TIMESTAMP],
]);

/** google.protobuf.Timestamp as @bufbuild/cel takes it (a protobuf-es message: plain data). */
export interface TimestampValue {
  $typeName: 'google.protobuf.Timestamp';
  seconds: bigint;
  nanos: number;
}

function timestamp(iso: string): TimestampValue | undefined {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  const seconds = Math.floor(ms / 1000);
  return {
    $typeName: 'google.protobuf.Timestamp',
    seconds: BigInt(seconds),
    nanos: (ms - seconds * 1000) * 1_000_000,
  };
}

const byKey = <T>([a]: [string, T], [b]: [string, T]) => (a < b ? -1 : a > b ? 1 : 0);
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function tooMany(what: string, n: number): string | undefined {
  return n > MAX_ACTIVATION_ITEMS
    ? `${what} has ${n} items; a cel rule reads at most ${MAX_ACTIVATION_ITEMS}`
    : undefined;
}

/** The systems in the chain: name, roles held (stake above 0, sorted), admin, malicious. */
function systemsOf(scope: Scope) {
  const { identities } = scope.ctx;
  return [...scope.chain.systems].sort().map((did) => {
    const identity = identities.get(did);
    const held = Object.keys(identity?.roles ?? {}).filter((r) => holdsRole(identity, [r]));
    const info = {
      name: identity?.name ?? '',
      roles: held.sort(),
      admin: identity?.admin ?? false,
      malicious: isMalicious(identity),
    };
    return [did, info] as [string, typeof info];
  });
}

export type Activation = { vars: Record<string, CelInput> } | { tooLarge: string };

const hopValue = (h: Hop) => ({
  id: h.id,
  author: h.author,
  name: h.name,
  reason: h.reason,
  time: h.time,
  parent: h.parent ?? '',
  target: h.target ?? '',
  inStanding: h.outOfStanding === undefined,
});

/** The activation for one evaluation, or why the context is too large for one. */
export function activationOf(scope: Scope): Activation {
  const { ctx } = scope;
  // A `via` the ledger holds makes the chain a path, root first; any other chain is a set.
  const path = ctx.via !== undefined && scope.chain.leaf === ctx.via;
  const hops = path ? scope.chain.hops : [...scope.chain.hops].sort(byId);
  const systems = systemsOf(scope);
  const versions = Object.entries(ctx.system.components).sort(byKey);
  const problem =
    tooMany('the chain', hops.length) ??
    tooMany('the flags', ctx.provenance.flags.length) ??
    tooMany('the device versions', versions.length) ??
    tooMany('the patch components', ctx.metadata.components.length) ??
    systems.map(([did, s]) => tooMany(`the roles of ${did}`, s.roles.length)).find(Boolean);
  if (problem !== undefined) return { tooLarge: problem };
  const scores = systems.flatMap(([did]): [string, bigint][] => {
    const score = ctx.scores.get(did);
    return score === undefined ? [] : [[did, BigInt(score)]];
  });
  const newest = ctx.newestLedgerTime === undefined ? undefined : timestamp(ctx.newestLedgerTime);
  const { published, flags } = ctx.provenance;
  const vars: Record<string, CelInput> = {
    patch: {
      digest: ctx.patch,
      creator: ctx.metadata.creator,
      publisher: published?.author ?? '',
      reason: ctx.metadata.reason,
      components: [...ctx.metadata.components],
    },
    chain: hops.map(hopValue),
    flags: [...flags]
      .sort(byId)
      .map((f) => ({ id: f.id, author: f.author, compromised: f.compromised })),
    systems: new Map(systems),
    scores: new Map(scores),
    device: {
      role: ctx.actingRole ?? '',
      treeHash: ctx.system.treeHash,
      versions: new Map(versions),
      fuzz: BigInt(ctx.fuzz),
    },
    ledger: { digest: ctx.ledgerDigest, ...(newest === undefined ? {} : { newestTime: newest }) },
    now: timestamp(ctx.now) ?? null,
  };
  return { vars };
}
