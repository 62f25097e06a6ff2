/**
 * `patchtrail ledger prove|verify-proof`: proof packs, a patch's entries with their inclusion
 * proofs and a cosigned checkpoint (core/ledger/proof-pack.ts), verified by a device without
 * the ledger against pinned keys. A pack proves inclusion, not completeness: verify-proof says
 * what it cannot show, and `--policy` checks a patch from the pack alone with every rule that
 * needs the absence of negative evidence unmet (core/policy/pack-only.ts).
 */
import { packContext, utcTimestamp, type PolicyDecision } from '../../core/index.ts';
import {
  makeProofPack,
  MAX_PROOF_PACK_BYTES,
  serializeProofPack,
  verifyProofPack,
  type LineageStep,
  type ProofPackReport,
} from '../../core/ledger/proof-pack.ts';
import type { Command } from '../context.ts';
import { UsageError } from '../errors.ts';
import { readInput, writeAtomic } from '../io.ts';
import { shown } from '../terminal.ts';
import {
  ledgerPath,
  openLedger,
  optionalString,
  out,
  patchDigest,
  trust,
} from './ledger-proofs.ts';
import { readPolicyFile } from './policy.ts';

const common = { ledger: { type: 'string' }, json: { type: 'boolean' } } as const;

const prove: Command = {
  name: 'ledger prove',
  summary: "write a proof pack: a patch's entries, inclusion proofs and a cosigned checkpoint",
  usage:
    'patchtrail ledger prove BUNDLE|sha256:DIGEST --ledger FILE [--witness VKEY]... [--threshold K] [--log-key VKEY] [--out FILE] [--json]',
  options: {
    ...common,
    witness: { type: 'string', multiple: true },
    threshold: { type: 'string' },
    'log-key': { type: 'string' },
    out: { type: 'string' },
  },
  positionals: 1,
  async run(values, [reference = ''], context) {
    const { logKey, witnesses, k } = trust(values);
    const patch = await patchDigest(reference);
    const ledger = await openLedger(ledgerPath(values), context);
    const options = { witnesses, threshold: k, ...(logKey === undefined ? {} : { logKey }) };
    const made = await makeProofPack(ledger, patch, options);
    const text = serializeProofPack(made.pack);
    if (made.omitted > 0)
      context.stderr(
        `warning: ${made.omitted} entries about the patch are newer than the checkpoint; checkpoint and cosign again to include them\n`,
      );
    const path = optionalString(values.out);
    if (path === undefined || path === '-') {
      context.stdout(text);
      return 0;
    }
    await writeAtomic(path, text);
    const { origin, size } = made.checkpoint;
    const summary = { ok: true, out: path, patch, entries: made.pack.entries.length, origin, size };
    const line = `${path}: ${summary.entries} entries, checkpoint ${origin} size ${size}\n`;
    out(
      context,
      values,
      { ...summary, bytes: Buffer.byteLength(text), omitted: made.omitted },
      line,
    );
    return 0;
  },
};

const verifyProof: Command = {
  name: 'ledger verify-proof',
  summary:
    'verify a proof pack without a ledger, against pinned witness (and log) keys; --policy checks it from the pack alone',
  usage:
    'patchtrail ledger verify-proof PACK --witness VKEY... [--threshold K] [--log-key VKEY] [--patch BUNDLE|sha256:DIGEST] [--policy FILE] [--json]',
  options: {
    json: { type: 'boolean' },
    witness: { type: 'string', multiple: true },
    threshold: { type: 'string' },
    'log-key': { type: 'string' },
    patch: { type: 'string' },
    policy: { type: 'string' },
  },
  positionals: 1,
  async run(values, [path = ''], context) {
    const { logKey, witnesses, k } = trust(values);
    if (logKey === undefined && k === 0)
      throw new UsageError('pin at least one --witness (with --threshold 1 or more) or --log-key');
    const patchRef = optionalString(values.patch);
    const patch = patchRef === undefined ? undefined : await patchDigest(patchRef);
    const policyPath = optionalString(values.policy);
    const policy = policyPath === undefined ? undefined : await readPolicyFile(policyPath);
    const bytes = await readInput(path, MAX_PROOF_PACK_BYTES, 'proof pack');
    const report = await verifyProofPack(bytes, { logKey, witnesses, threshold: k, patch });
    const decision =
      policy === undefined || !report.ok
        ? undefined
        : policy.evaluate(packContext(report, utcTimestamp(context.now())));
    const json = decision === undefined ? report : { ...report, decision };
    out(context, values, json, describeReport(report) + describeDecision(decision));
    const [problem] = report.problems;
    if (problem !== undefined) {
      if (values.json !== true) context.stderr(`${problem.code}: ${shown(problem.message)}\n`);
      return 1;
    }
    if (decision?.decision !== 'deny') return 0;
    if (values.json !== true)
      context.stderr(`POLICY_DENIED: ${shown(decision.reasons.join('; '))}\n`);
    return 1;
  },
};

function describeStep(step: LineageStep): string {
  const words = [`  #${step.index}`, step.time, step.kind];
  if (step.kind !== 'publish') words.push(shown(step.reason));
  words.push('by', step.author);
  if (step.parent !== undefined) words.push('after', step.parent.slice(0, 19));
  if (step.target !== undefined) words.push('on', shown(step.target));
  if (step.compromised === true) words.push('COMPROMISED');
  return words.join(' ');
}

/**
 * The pack's lineage, then what it proves and what it cannot: "ok" is never said alone, since
 * a pack with a flag left out verifies as well as the whole one.
 */
function describeReport(report: ProofPackReport): string {
  if (!report.ok && report.checkpoint === undefined) return '';
  const { origin = '', size = 0 } = report.checkpoint ?? {};
  const names = report.witnesses.map((w) => w.name).join(', ');
  const flagged = report.lineage.filter((s) => s.kind === 'flag' && s.compromised === true);
  const lines = [
    `patch ${report.patch ?? ''}`,
    `checkpoint ${origin} size ${size}; ${report.witnesses.length} witness(es)${names === '' ? '' : `: ${names}`}`,
    ...report.lineage.map(describeStep),
    ...report.problems.map((p) => `  ${p.code}: ${shown(p.message)}`),
  ];
  if (!report.ok) lines.push('REJECTED');
  else {
    lines.push(`ok: ${report.lineage.length} entries proven in the log at size ${size}`);
    for (const flag of flagged) lines.push(`FLAGGED COMPROMISED by ${flag.author} in ${flag.id}`);
    lines.push(...report.notProven.map((n) => `not proven: ${n}`));
  }
  return `${lines.join('\n')}\n`;
}

function describeDecision(decision: PolicyDecision | undefined): string {
  if (decision === undefined) return '';
  const lines = decision.rules.map((r) => `  ${r.outcome.padEnd(4)} ${r.id}: ${shown(r.message)}`);
  lines.push(`=> ${decision.decision === 'allow' ? 'allowed' : 'denied'} (from the pack alone)`);
  return `${lines.join('\n')}\n`;
}

export const PACK_COMMANDS: readonly Command[] = [prove, verifyProof];
