/** `ledger log|verify|import|export`: reading, checking and exchanging ledger files. */
import {
  admitLines,
  Ledger,
  reject,
  ledgerLines,
  MAX_LEDGER_FILE_BYTES,
  serializeEntries,
  type Entry,
  type Equivocation,
  type Equivocator,
  equivocatorsOf,
  genesisIdOf,
  newlyEquivocated,
  type LedgerLines,
  type LoadReport,
} from '../../core/index.ts';
import { OVERSIZED_EVIDENCE_BYTES } from '../../core/ledger/limits.ts';
import { sha256Hex } from '../node-crypto.ts';
import type { Command } from '../context.ts';
import { UsageError } from '../errors.ts';
import { shown } from '../terminal.ts';
import { exists, readInput, writeAtomic } from '../io.ts';
import {
  createLedgerFile,
  quarantineLines,
  withSignatureChecks,
  type EvidenceRecord,
} from '../ledger-file.ts';
import { POOL_THRESHOLD } from '../verify-pool.ts';
import { signerFrom } from './create.ts';
import { entriesSince } from '../../core/ledger/frontier.ts';

import { ledgerOption, ledgerPath, openLedger, out, withLedger } from './ledger-common.ts';

/** What an entry says, in a few words (its values come from its author: shown escaped). */
function describeEntry(entry: Entry): string {
  const body = entry.body as unknown as Record<string, unknown>;
  const what =
    entry.kind === 'attest'
      ? `${String(body.reason)} ${String(body.patch).slice(0, 19)}`
      : entry.kind === 'endorse'
        ? `${String(body.subject)} as ${String(body.role)} (stake ${String(body.stake)})`
        : entry.kind === 'revoke'
          ? `${String(body.subject)} from seq ${String(body.from)}`
          : entry.kind === 'publish'
            ? String(body.patch).slice(0, 19)
            : '';
  return shown(what);
}

export const log: Command = {
  name: 'ledger log',
  summary: 'list the admitted entries in order, with their standing',
  usage: 'patchtrail ledger log --ledger FILE [--json]',
  options: { ...ledgerOption },
  positionals: 0,
  async run(values, _p, context) {
    const { ledger } = await openLedger(ledgerPath(values), context);
    const registry = ledger.registry();
    const rows = [...ledger.all()].map((e) => {
      const why = registry.standing(e);
      return {
        id: e.id,
        author: e.author,
        seq: e.seq,
        time: e.time,
        kind: e.kind,
        body: e.body,
        standing: why === undefined ? 'ok' : why.code,
      };
    });
    const text = rows
      .map(
        (r, i) =>
          `${String(i).padStart(5)} ${r.id.slice(0, 19)} ${r.time} ${r.kind.padEnd(12)} ${r.author.slice(0, 20)}… #${r.seq} ${describeEntry(ledger.get(r.id) as Entry)}${r.standing === 'ok' ? '' : ` [${r.standing}]`}`,
      )
      .join('\n');
    out(context, values, { ok: true, ledger: ledger.id, entries: rows }, `${text}\n`);
    return 0;
  },
};

export const importCommand: Command = {
  name: 'ledger import',
  summary:
    "admit another copy's entries (a ledger file or an export) through the validator; starts a new copy when --ledger does not exist",
  usage: 'patchtrail ledger import FILE --ledger FILE [--key KEY.pem] [--json]',
  options: { ...ledgerOption, key: { type: 'string' } },
  positionals: 1,
  async run(values, [source = ''], context) {
    const path = ledgerPath(values);
    const input = await readInput(source, MAX_LEDGER_FILE_BYTES, 'ledger import');
    const incoming = ledgerLines(input);
    const signer = typeof values.key === 'string' ? await signerFrom(values.key) : undefined;
    const started = await startCopy(path, incoming.lines[0], incoming.tail);
    const { report, proofs, held, digest, liars } = await withLedger(
      values,
      async (ledger, time) => {
        await refuseForeign(ledger.id, incoming.lines[0], source);
        const before = equivocatorsOf(ledger);
        const report = await withSignatureChecks(incoming.lines.length > POOL_THRESHOLD, (checks) =>
          admitLines(ledger, incoming.lines, { numbers: incoming.numbers, ...checks }),
        );
        let proofs = 0;
        if (signer !== undefined)
          for (const e of newEquivocations(ledger))
            if ((await ledger.publishEquivocation(signer, e, time)) !== undefined) proofs++;
        const liars = newlyEquivocated(ledger, before);
        return {
          report,
          proofs,
          held: ledger.held().length,
          digest: await ledger.digest(),
          liars,
        };
      },
      context,
    );
    const tornTail = incoming.tail;
    await quarantineLines(path, source, evidence(input, incoming, report));
    const summary = {
      ok: true,
      created: started,
      admitted: report.admitted,
      duplicate: report.duplicate - (started ? 1 : 0),
      held,
      // The first LISTED_LINES rejected lines; rejectedCount counts them all.
      rejected: report.rejected,
      rejectedCount: report.rejectedCount,
      tornTail,
      equivocationProofs: proofs,
      equivocators: liars,
      digest,
    };
    const notes = [
      ...(held > 0
        ? [`${held} held (kept in ${shown(path)}.held until what they wait for arrives)`]
        : []),
      ...(report.rejectedCount > 0
        ? [`${report.rejectedCount} rejected (kept in ${shown(path)}.quarantine)`]
        : []),
      ...(tornTail > 0
        ? [
            `its last ${tornTail} bytes are not a complete line (no line break at the end), not imported (kept in ${shown(path)}.quarantine)`,
          ]
        : []),
      ...(proofs > 0 ? [`${proofs} equivocation proof(s) published`] : []),
    ];
    out(
      context,
      values,
      summary,
      `${started ? `new copy ${shown(path)}: ` : ''}${summary.admitted} admitted, ${summary.duplicate} already known${notes.map((n) => `, ${n}`).join('')}\n${liars.map(liarLine).join('')}${liars.length > 0 && signer === undefined ? 'record the proof for peers that hold only one of the two entries: import again with --key KEY.pem\n' : ''}`,
    );
    return 0;
  },
};

/**
 * What an import keeps beside the ledger: each rejected line the report lists (the first
 * LISTED_LINES), one record counting the rest with the source's SHA-256 (a file of a million
 * junk lines is its own evidence, and must not cost a record a line each time it is imported),
 * and the torn tail, if any, up to OVERSIZED_EVIDENCE_BYTES of it.
 */
function evidence(input: Uint8Array, incoming: LedgerLines, report: LoadReport): EvidenceRecord[] {
  const index = new Map(incoming.numbers.map((number, i) => [number, i]));
  const records: EvidenceRecord[] = report.rejected.map((r) => ({
    ...r,
    bytes: incoming.lines[index.get(r.line) ?? -1] ?? new Uint8Array(0),
  }));
  const unlisted = report.rejectedCount - report.rejected.length;
  if (unlisted > 0)
    records.push({
      code: 'MALFORMED_INPUT',
      message: `${unlisted} more rejected lines, not kept one by one: the source's SHA-256 is ${sha256Hex(input)}`,
      bytes: new Uint8Array(0),
    });
  if (incoming.tail > 0)
    records.push({
      offset: input.length - incoming.tail,
      code: 'MALFORMED_INPUT',
      message: `an incomplete last line of ${incoming.tail} bytes (no line break at the end)`,
      bytes: input.slice(input.length - incoming.tail).slice(0, OVERSIZED_EVIDENCE_BYTES),
    });
  return records;
}

/**
 * An import of another ledger's file is refused whole: each of its lines would be rejected
 * one by one as belonging elsewhere, which says the same thing a thousand times, backwards.
 */
async function refuseForeign(
  id: string,
  first: Uint8Array | undefined,
  source: string,
): Promise<void> {
  if (first === undefined) return;
  // Not a genesis: an export of new entries, or lines the validator will judge.
  const genesis = await genesisIdOf(first);
  if (genesis !== undefined && genesis !== id)
    reject(
      'MALFORMED_INPUT',
      `${shown(source)} is the file of another ledger (${genesis}), not of this one (${id}): nothing imported`,
    );
}

/** A new copy of a ledger from an export or another copy: its first line must be a genesis. */
async function startCopy(
  path: string,
  first: Uint8Array | undefined,
  /** Bytes after the last line break: a line cut off, or a file that is no ledger at all. */
  tail: number,
): Promise<boolean> {
  if (await exists(path)) return false;
  if (first === undefined)
    reject(
      'MALFORMED_INPUT',
      tail > 0
        ? `the import holds no complete line (${tail} bytes and no line break): a ledger file is one JSON entry per line, its genesis first`
        : 'the import is empty: no genesis to start from',
    );
  const { genesis } = await Ledger.open(first);
  await createLedgerFile(path, genesis);
  return true;
}

/** What an admin must read about an equivocator the import revealed. */
function liarLine(liar: Equivocator): string {
  const who = liar.name === '' ? liar.did : `"${shown(liar.name)}" ${liar.did}`;
  const entries = liar.entries.map((id) => id.slice(0, 19)).join(', ');
  // Both entries held here, or a peer's proof entry about a fork of which this copy holds one.
  const what =
    liar.entries.length > 1
      ? `signed ${liar.entries.length} different entries at #${liar.seq} (${entries})`
      : `signed two different entries at #${liar.seq} (a peer's proof entry shows the fork)`;
  return `proven malicious: ${who} ${what}; its entries from #${liar.seq} on are out of standing\n`;
}

/** Equivocations visible in the ledger that no proof entry covers yet. */
function newEquivocations(ledger: Ledger): Equivocation[] {
  const found: Equivocation[] = [];
  for (const identity of ledger.registry().identities.values()) {
    if (identity.equivocatedAt === undefined) continue;
    if (ledger.hasProofAbout(identity.did, identity.equivocatedAt)) continue;
    const ids = ledger.idsAt(identity.did, identity.equivocatedAt);
    if (ids.length > 1)
      found.push({
        author: identity.did,
        seq: identity.equivocatedAt,
        ids: [ids[0] as string, ids[1] as string],
      });
  }
  return found;
}

export const exportCommand: Command = {
  name: 'ledger export',
  summary: 'write the admitted entries (all, or those after a frontier of heads) for a peer',
  usage: 'patchtrail ledger export [--since ENTRY,...] [--out FILE] --ledger FILE',
  options: { ...ledgerOption, since: { type: 'string' }, out: { type: 'string' } },
  positionals: 0,
  async run(values, _p, context) {
    const { ledger } = await openLedger(ledgerPath(values), context);
    const since =
      typeof values.since === 'string' && values.since !== ''
        ? values.since.split(',').map((id) => id.trim())
        : [];
    const { entries: chosen, unknown } = entriesSince(ledger, since);
    if (unknown[0] !== undefined)
      throw new UsageError(`--since: ${unknown[0]} is not in this ledger`);
    const bytes = serializeEntries(chosen);
    if (typeof values.out === 'string' && values.out !== '-') await writeAtomic(values.out, bytes);
    else context.stdout(new TextDecoder().decode(bytes));
    return 0;
  },
};
