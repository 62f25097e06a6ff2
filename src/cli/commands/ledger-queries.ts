/** `patchtrail ledger provenance|identities|audit`: questions asked of the verified ledger. */
import {
  auditTrail,
  deviceAuditTrail,
  identities,
  MAX_BUNDLE_BYTES,
  provenance,
  readBundle,
  reject,
  verifyParsedBundle,
  type Provenance,
} from '../../core/index.ts';
import type { CliContext, Command } from '../context.ts';
import { UsageError } from '../errors.ts';
import { shown } from '../terminal.ts';
import { readInput } from '../io.ts';
import { ledgerPath, openLedger } from './ledger-common.ts';

type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

async function open(values: Values, context: CliContext) {
  return (await openLedger(ledgerPath(values), context)).ledger;
}

/** A bundle file (its payload digest) or "sha256:HEX" names a patch. */
export async function patchDigest(value: string): Promise<string> {
  if (/^sha256:[0-9a-f]{64}$/.test(value)) return value;
  if (value.startsWith('sha256:'))
    throw new UsageError('a digest is "sha256:" and 64 lower-case hex digits');
  const verified = await verifyParsedBundle(
    readBundle(await readInput(value, MAX_BUNDLE_BYTES, 'bundle')),
  );
  if (!verified.ok) reject(verified.problem.code, verified.problem.message);
  return `sha256:${verified.report.payloadDigest}`;
}

const short = (text: string) => (text.length > 27 ? `${text.slice(0, 27)}…` : text);

function describeProvenance(p: Provenance): string {
  const lines = [`patch ${p.patch}`];
  if (p.published !== undefined)
    lines.push(
      `  published by ${short(p.published.author)} at ${p.published.time}: ${shown(p.published.reason)}`,
    );
  else lines.push('  (no publish entry in this ledger)');
  const byId = new Map(p.hops.map((h) => [h.id, h]));
  const walk = (id: string, depth: number) => {
    const hop = byId.get(id);
    if (hop === undefined) return;
    const where = hop.target === undefined ? '' : ` on ${shown(hop.target)}`;
    const trees =
      hop.treeBefore === undefined
        ? ''
        : ` (${short(hop.treeBefore)} -> ${short(hop.treeAfter ?? '')})`;
    const standing =
      hop.outOfStanding === undefined ? '' : ` [out of standing: ${hop.outOfStanding}]`;
    const by = hop.name === '' ? short(hop.author) : `${shown(hop.name)} (${short(hop.author)})`;
    lines.push(
      `${'  '.repeat(depth + 1)}${hop.reason} by ${by}${where} at ${hop.time}${trees}${standing}`,
    );
    for (const child of hop.children) walk(child, depth + 1);
  };
  for (const root of p.roots) walk(root, 0);
  for (const flag of p.flags)
    lines.push(
      `  FLAGGED ${flag.compromised ? 'compromised' : 'cleared'} by ${short(flag.author)}: ${shown(flag.evidence)}`,
    );
  if (p.missingParents.length > 0)
    lines.push(`  ${p.missingParents.length} parent attestation(s) not in this ledger`);
  return `${lines.join('\n')}\n`;
}

const provenanceCommand: Command = {
  name: 'ledger provenance',
  summary: "a patch's lineage: who built, reviewed, forwarded and applied it, hop by hop",
  usage: 'patchtrail ledger provenance BUNDLE|sha256:DIGEST --ledger FILE [--json]',
  options: { ledger: { type: 'string' }, json: { type: 'boolean' } },
  positionals: 1,
  async run(values, [which = ''], context) {
    const ledger = await open(values, context);
    const p = provenance(ledger, await patchDigest(which));
    context.stdout(
      values.json === true ? `${JSON.stringify({ ok: true, ...p })}\n` : describeProvenance(p),
    );
    return 0;
  },
};

const identitiesCommand: Command = {
  name: 'ledger identities',
  summary: 'every identity: roles, stake, standing and history',
  usage: 'patchtrail ledger identities --ledger FILE [--json]',
  options: { ledger: { type: 'string' }, json: { type: 'boolean' } },
  positionals: 0,
  async run(values, _p, context) {
    const ledger = await open(values, context);
    const all = identities(ledger);
    if (values.json === true) {
      context.stdout(`${JSON.stringify({ ok: true, identities: all })}\n`);
      return 0;
    }
    const lines = all.map((i) => {
      // A stake of 0 withdraws a role (--json still lists it, with its stake).
      const roles = Object.entries(i.roles)
        .filter(([, r]) => r.stake > 0)
        .map(([role, r]) => `${role}:${r.stake}`)
        .join(',');
      const state = i.malicious
        ? `MALICIOUS${i.equivocatedAt === undefined ? '' : ` (signed two entries at #${i.equivocatedAt})`}`
        : i.revokedFrom !== undefined
          ? `revoked from #${i.revokedFrom}`
          : i.rotatedTo !== undefined
            ? 'rotated'
            : roles === '' && !i.admin
              ? 'in standing, waiting for an admin to endorse it' // as the app's Team page says
              : 'in standing';
      return `${i.did} "${shown(i.name)}" ${i.admin ? 'admin ' : ''}${roles === '' ? '-' : roles} ${state}; ${i.entries} ${i.entries === 1 ? 'entry' : 'entries'}`;
    });
    context.stdout(`${lines.join('\n')}\n`);
    return 0;
  },
};

const auditCommand: Command = {
  name: 'ledger audit',
  summary: 'what was applied to a target, rolled back or rejected, from which tree to which',
  usage: 'patchtrail ledger audit TARGET|DID --ledger FILE [--json]',
  options: { ledger: { type: 'string' }, json: { type: 'boolean' } },
  positionals: 1,
  async run(values, [target = ''], context) {
    const ledger = await open(values, context);
    // A device's did: all it did on any target (the app's workspaces, a CLI --target), and
    // what others recorded about its default target; any other name: that target's trail.
    const device = target.startsWith('did:key:');
    const events = device ? deviceAuditTrail(ledger, target) : auditTrail(ledger, target);
    if (values.json === true) {
      context.stdout(`${JSON.stringify({ ok: true, target, events })}\n`);
      return 0;
    }
    const lines = events.map(
      (e) =>
        `${e.time} ${e.reason.padEnd(11)} ${short(e.patch)} by ${short(e.by)}${device && e.target !== undefined && e.target !== target ? ` on ${shown(e.target)}` : ''}${e.treeBefore === undefined ? '' : ` ${short(e.treeBefore)} -> ${short(e.treeAfter ?? '')}`}${e.code === undefined ? '' : ` ${e.code}`}${e.outOfStanding === undefined ? '' : ' [out of standing]'}`,
    );
    context.stdout(
      lines.length === 0 ? `nothing recorded for ${shown(target)}\n` : `${lines.join('\n')}\n`,
    );
    return 0;
  },
};

export const LEDGER_QUERY_COMMANDS: readonly Command[] = [
  provenanceCommand,
  identitiesCommand,
  auditCommand,
];
