/** `ledger attest|flag`: what systems say about patches. */
import {
  ATTEST_REASONS,
  MAX_BUNDLE_BYTES,
  readBundle,
  reject,
  verifyParsedBundle,
  type AttestReason,
  type Entry,
} from '../../core/index.ts';
import type { Command } from '../context.ts';
import { UsageError } from '../errors.ts';
import { readInput } from '../io.ts';
import { signerFrom } from './create.ts';
import { patchDigest } from './ledger-queries.ts';

import { ledgerOption, out, withLedger } from './ledger-common.ts';

/**
 * `--score PPB`: the reputation this system reports for itself (seed 000), parts per billion.
 * Recorded as history; policy and reputation never read it (explanations flag inflated ones).
 */
function selfReportedScore(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,10}$/.test(value) || Number(value) > 1_000_000_000)
    throw new UsageError('--score takes parts per billion, 0 to 1000000000');
  return Number(value);
}

export const flag: Command = {
  name: 'ledger flag',
  summary: 'flag a patch as compromised (or clear it), with evidence',
  usage:
    'patchtrail ledger flag BUNDLE|sha256:DIGEST --evidence TEXT [--clear] --key KEY.pem --ledger FILE [--json]',
  options: {
    ...ledgerOption,
    key: { type: 'string' },
    evidence: { type: 'string' },
    clear: { type: 'boolean' },
  },
  positionals: 1,
  async run(values, [which = ''], context) {
    if (typeof values.evidence !== 'string' || values.evidence === '')
      throw new UsageError('--evidence TEXT is required');
    const evidence = values.evidence;
    const signer = await signerFrom(values.key);
    const patch = await patchDigest(which);
    const [entry] = await withLedger(
      values,
      async (ledger, time) => [
        await ledger.append(
          signer,
          'flag',
          { patch, compromised: values.clear !== true, evidence },
          time,
        ),
      ],
      context,
      { authors: [signer.did] },
    );
    out(context, values, { ok: true, id: entry?.id, patch }, `${entry?.id ?? ''}\n`);
    return 0;
  },
};

export const attest: Command = {
  name: 'ledger attest',
  summary:
    'record that this system built, reviewed, tested, analyzed, forwarded or applied a patch',
  usage:
    'patchtrail ledger attest BUNDLE --key KEY.pem --reason applied|forwarded|analyzed|reviewed|tested|built|rejected|rolled-back [--parent ENTRY] [--target NAME --tree-before H --tree-after H] [--note TEXT] [--score PPB] --ledger FILE [--json]',
  options: {
    ...ledgerOption,
    key: { type: 'string' },
    reason: { type: 'string' },
    parent: { type: 'string' },
    target: { type: 'string' },
    'tree-before': { type: 'string' },
    'tree-after': { type: 'string' },
    note: { type: 'string' },
    score: { type: 'string' },
  },
  positionals: 1,
  async run(values, [bundlePath = ''], context) {
    const score = selfReportedScore(values.score);
    const reason = values.reason as AttestReason;
    if (!(ATTEST_REASONS as readonly unknown[]).includes(reason))
      throw new UsageError(`--reason must be one of ${ATTEST_REASONS.join(', ')}`);
    const signer = await signerFrom(values.key);
    const verified = await verifyParsedBundle(
      readBundle(await readInput(bundlePath, MAX_BUNDLE_BYTES, 'bundle')),
    );
    if (!verified.ok) reject(verified.problem.code, verified.problem.message);
    const { predicate } = verified.report;
    const payloadDigest = `sha256:${verified.report.payloadDigest}`;
    const diffDigest = `sha256:${verified.report.diffDigest}`;
    const made = await withLedger(
      values,
      async (ledger, time) => {
        const entries: Entry[] = [];
        if (!ledger.aboutPatch(payloadDigest).some((e) => e.kind === 'publish')) {
          const body = {
            patch: payloadDigest,
            diff: diffDigest,
            creator: predicate.creator_identity,
            reason: predicate.reason_for_patch.slice(0, 4096),
            components: predicate.affected_components,
            created: predicate.creation_timestamp,
          };
          entries.push(await ledger.append(signer, 'publish', body, time));
        }
        const body: Entry<'attest'>['body'] = { patch: payloadDigest, reason };
        if (typeof values.parent === 'string') {
          if (ledger.get(values.parent)?.kind !== 'attest')
            throw new UsageError(`--parent: ${values.parent} is not an attestation in this ledger`);
          body.parent = values.parent;
        }
        for (const [flag, field] of [
          ['target', 'target'],
          ['tree-before', 'treeBefore'],
          ['tree-after', 'treeAfter'],
          ['note', 'note'],
        ] as const) {
          if (typeof values[flag] === 'string') body[field] = values[flag] as string;
        }
        if (score !== undefined) body.score = score;
        entries.push(await ledger.append(signer, 'attest', body, time));
        return entries;
      },
      context,
      { authors: [signer.did] },
    );
    const entry = made[made.length - 1] as Entry;
    out(
      context,
      values,
      { ok: true, id: entry.id, patch: payloadDigest, published: made.length > 1 },
      `${entry.id}\n`,
    );
    return 0;
  },
};
