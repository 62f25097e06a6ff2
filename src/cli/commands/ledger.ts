/**
 * `patchtrail ledger ...`: the attestation ledger over a ledger file. Every entry read, from
 * the file itself or from an import, goes through the validator; new entries are signed by
 * --key and appended.
 */
import {
  admitLines,
  ATTEST_REASONS,
  isDidKey,
  Ledger,
  ledgerLines,
  MAX_BUNDLE_BYTES,
  MAX_LEDGER_FILE_BYTES,
  readBundle,
  reject,
  rotationMessage,
  serializeEntries,
  toBase64,
  utcTimestamp,
  verifyParsedBundle,
  type AttestReason,
  type Entry,
  type EntryKind,
  type Equivocation,
} from '../../core/index.ts';
import type { CliContext, Command } from '../context.ts';
import { UsageError } from '../errors.ts';
import { readInput, writeAtomic } from '../io.ts';
import {
  appendEntries,
  createLedgerFile,
  openLedgerFile,
  quarantineLines,
} from '../ledger-file.ts';
import { signerFrom } from './create.ts';
import { PROOF_COMMANDS } from './ledger-proofs.ts';
import { LEDGER_QUERY_COMMANDS, patchDigest } from './ledger-queries.ts';

type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

function ledgerPath(values: Values): string {
  if (typeof values.ledger !== 'string') throw new UsageError('--ledger FILE is required');
  return values.ledger;
}

function did(value: string, what: string): string {
  if (!isDidKey(value)) throw new UsageError(`${what}: "${value}" is not an Ed25519 did:key`);
  return value;
}

function wholeNumber(value: unknown, what: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value))
    throw new UsageError(`${what} takes a whole number`);
  return Number(value);
}

function out(context: CliContext, values: Values, json: object, text: string): void {
  context.stdout(values.json === true ? `${JSON.stringify(json)}\n` : text);
}

/**
 * Opens the ledger, runs `write` to append entries signed by the caller, and saves whatever
 * the ledger admitted meanwhile (the new entries, and any equivocation proof they caused).
 */
async function withLedger(
  values: Values,
  write: (ledger: Ledger, time: string) => Promise<Entry[]>,
  context: CliContext,
): Promise<Entry[]> {
  const path = ledgerPath(values);
  const { ledger } = await openLedger(path, context);
  const before = ledger.size;
  const made = await write(ledger, utcTimestamp(context.now()));
  const fresh = [...ledger.all()].slice(before);
  await appendEntries(path, fresh);
  return made;
}

/** Opens the ledger file, warning on stderr about lines that no longer pass the validator. */
async function openLedger(path: string, context: CliContext) {
  const opened = await openLedgerFile(path);
  const { rejected, held } = opened.report;
  if (rejected.length > 0 || held > 0)
    context.stderr(
      `warning: ${path}: ${rejected.length} line(s) rejected, ${held} waiting for a predecessor; run "patchtrail ledger verify"\n`,
    );
  return opened;
}

const ledgerOption = { ledger: { type: 'string' }, json: { type: 'boolean' } } as const;

const init: Command = {
  name: 'ledger init',
  summary: 'found a ledger: a genesis entry naming its admins and their threshold',
  usage:
    'patchtrail ledger init --key ADMIN.pem [--admins DID,...] [--threshold K] [--name NAME] --ledger FILE [--json]',
  options: {
    ...ledgerOption,
    key: { type: 'string' },
    admins: { type: 'string' },
    threshold: { type: 'string' },
    name: { type: 'string' },
  },
  positionals: 0,
  async run(values, _p, context) {
    const path = ledgerPath(values);
    const signer = await signerFrom(values.key);
    const listed =
      typeof values.admins === 'string' && values.admins !== ''
        ? values.admins.split(',').map((d) => did(d.trim(), '--admins'))
        : [];
    const admins = [...new Set([signer.did, ...listed])];
    const threshold = wholeNumber(values.threshold, '--threshold', 1);
    if (threshold < 1 || threshold > admins.length)
      throw new UsageError(`--threshold must be 1..${admins.length} (the number of admins)`);
    const name = typeof values.name === 'string' ? values.name : 'patchtrail ledger';
    const time = utcTimestamp(context.now());
    const ledger = await Ledger.found(signer, { name, admins, threshold }, time);
    await createLedgerFile(path, ledger.genesis);
    out(context, values, { ok: true, ledger: ledger.id, admins, threshold }, `${ledger.id}\n`);
    return 0;
  },
};

function simpleAppend<K extends EntryKind>(
  name: string,
  summary: string,
  usage: string,
  options: Command['options'],
  positionals: number,
  build: (
    values: Values,
    positionals: string[],
    ledger: Ledger,
  ) => { kind: K; body: Entry<K>['body'] },
): Command {
  return {
    name,
    summary,
    usage,
    options: { ...ledgerOption, key: { type: 'string' }, ...options },
    positionals,
    async run(values, positionals, context) {
      const signer = await signerFrom(values.key);
      const [entry] = await withLedger(
        values,
        async (ledger, time) => {
          const { kind, body } = build(values, positionals, ledger);
          return [await ledger.append(signer, kind, body, time)];
        },
        context,
      );
      const made = entry as Entry;
      out(
        context,
        values,
        { ok: true, id: made.id, kind: made.kind, seq: made.seq, author: made.author },
        `${made.id}\n`,
      );
      return 0;
    },
  };
}

const register = simpleAppend(
  'ledger register',
  "register the key's identity (its first entry on the ledger)",
  'patchtrail ledger register --key KEY.pem [--name NAME] --ledger FILE [--json]',
  { name: { type: 'string' } },
  0,
  (values) => ({
    kind: 'register',
    body: { name: typeof values.name === 'string' ? values.name : '' },
  }),
);

const endorse = simpleAppend(
  'ledger endorse',
  'as an admin, give an identity a role and a stake',
  'patchtrail ledger endorse DID --role ROLE [--stake N] --key ADMIN.pem --ledger FILE [--json]',
  { role: { type: 'string' }, stake: { type: 'string' } },
  1,
  (values, [subject = '']) => {
    if (typeof values.role !== 'string' || !/^[a-z][a-z0-9-]{0,63}$/.test(values.role))
      throw new UsageError('--role ROLE is required: lower-case letters, digits and "-"');
    return {
      kind: 'endorse',
      body: {
        subject: did(subject, 'DID'),
        role: values.role,
        stake: wholeNumber(values.stake, '--stake', 0),
      },
    };
  },
);

const revoke = simpleAppend(
  'ledger revoke',
  "as an admin, put an identity's entries out of standing from a sequence number on",
  'patchtrail ledger revoke DID [--from SEQ] [--reason TEXT] --key ADMIN.pem --ledger FILE [--json]',
  { from: { type: 'string' }, reason: { type: 'string' } },
  1,
  (values, [subject = ''], ledger) => {
    const next = (ledger.head(did(subject, 'DID'))?.seq ?? -1) + 1;
    return {
      kind: 'revoke',
      body: {
        subject,
        from: wholeNumber(values.from, '--from', next),
        reason: typeof values.reason === 'string' ? values.reason : '',
      },
    };
  },
);

const rotate: Command = {
  name: 'ledger rotate',
  summary: 'replace a key: the old key signs the rotation, the new key accepts it and registers',
  usage:
    'patchtrail ledger rotate --key OLD.pem --new-key NEW.pem [--name NAME] --ledger FILE [--json]',
  options: {
    ...ledgerOption,
    key: { type: 'string' },
    'new-key': { type: 'string' },
    name: { type: 'string' },
  },
  positionals: 0,
  async run(values, _p, context) {
    const old = await signerFrom(values.key);
    const fresh = await signerFrom(values['new-key']);
    if (old.did === fresh.did) throw new UsageError('--new-key is the same key as --key');
    const made = await withLedger(
      values,
      async (ledger, time) => {
        const proof = toBase64(await fresh.sign(rotationMessage(ledger.id, old.did, fresh.did)));
        const rotated = await ledger.append(old, 'rotate', { to: fresh.did, proof }, time);
        const name =
          typeof values.name === 'string'
            ? values.name
            : (ledger.registry().identities.get(old.did)?.name ?? '');
        const registered = await ledger.append(
          fresh,
          'register',
          { name, rotatedFrom: old.did },
          time,
        );
        return [rotated, registered];
      },
      context,
    );
    out(
      context,
      values,
      { ok: true, from: old.did, to: fresh.did, entries: made.map((e) => e.id) },
      `${old.did} -> ${fresh.did}\n`,
    );
    return 0;
  },
};

const flag: Command = {
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
    );
    out(context, values, { ok: true, id: entry?.id, patch }, `${entry?.id ?? ''}\n`);
    return 0;
  },
};

const attest: Command = {
  name: 'ledger attest',
  summary:
    'record that this system built, reviewed, tested, analyzed, forwarded or applied a patch',
  usage:
    'patchtrail ledger attest BUNDLE --key KEY.pem --reason applied|forwarded|analyzed|reviewed|tested|built|rejected|rolled-back [--parent ENTRY] [--target NAME --tree-before H --tree-after H] [--note TEXT] --ledger FILE [--json]',
  options: {
    ...ledgerOption,
    key: { type: 'string' },
    reason: { type: 'string' },
    parent: { type: 'string' },
    target: { type: 'string' },
    'tree-before': { type: 'string' },
    'tree-after': { type: 'string' },
    note: { type: 'string' },
  },
  positionals: 1,
  async run(values, [bundlePath = ''], context) {
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
        entries.push(await ledger.append(signer, 'attest', body, time));
        return entries;
      },
      context,
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
  return what;
}

const log: Command = {
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

const verifyCommand: Command = {
  name: 'ledger verify',
  summary: 'check every entry of a ledger file again, signatures included',
  usage: 'patchtrail ledger verify --ledger FILE [--json]',
  options: { ...ledgerOption },
  positionals: 0,
  async run(values, _p, context) {
    const { ledger, report } = await openLedgerFile(ledgerPath(values), false);
    const registry = ledger.registry();
    const malicious = [...registry.identities.values()]
      .filter((i) => i.malicious)
      .map((i) => i.did);
    const summary = {
      ok: report.rejected.length === 0 && report.held === 0,
      ledger: ledger.id,
      entries: ledger.size,
      digest: await ledger.digest(),
      outOfStanding: ledger.outOfStanding().length,
      held: report.held,
      rejected: report.rejected,
      malicious,
    };
    out(
      context,
      values,
      summary,
      [
        `ledger ${ledger.id}`,
        `${ledger.size} entries verified; digest ${summary.digest}`,
        `${summary.outOfStanding} out of standing; ${malicious.length} identities proven malicious`,
        ...report.rejected.map((r) => `line ${r.line}: ${r.code}: ${r.message}`),
        ...(report.held > 0 ? [`${report.held} entries wait for a missing predecessor`] : []),
        '',
      ].join('\n'),
    );
    if (report.rejected[0] !== undefined)
      return values.json === true
        ? 1
        : (context.stderr(`${report.rejected[0].code}: ledger has rejected lines\n`), 1);
    return report.held > 0 ? 1 : 0;
  },
};

const importCommand: Command = {
  name: 'ledger import',
  summary: "admit another copy's entries (a ledger file or an export) through the validator",
  usage: 'patchtrail ledger import FILE --ledger FILE [--key KEY.pem] [--json]',
  options: { ...ledgerOption, key: { type: 'string' } },
  positionals: 1,
  async run(values, [source = ''], context) {
    const path = ledgerPath(values);
    const incoming = ledgerLines(await readInput(source, MAX_LEDGER_FILE_BYTES, 'ledger import'));
    const signer = typeof values.key === 'string' ? await signerFrom(values.key) : undefined;
    const { ledger } = await openLedger(path, context);
    const before = ledger.size;
    const report = await admitLines(ledger, incoming.lines);
    let proofs = 0;
    if (signer !== undefined) {
      const time = utcTimestamp(context.now());
      for (const e of newEquivocations(ledger)) {
        if ((await ledger.publishEquivocation(signer, e, time)) !== undefined) proofs++;
      }
    }
    await appendEntries(path, [...ledger.all()].slice(before));
    const rejected = report.rejected.map((r) => ({
      ...r,
      bytes: incoming.lines[r.line - 1] ?? new Uint8Array(0),
    }));
    await quarantineLines(path, source, rejected);
    const summary = {
      ok: true,
      admitted: report.admitted,
      duplicate: report.duplicate,
      held: report.held,
      rejected: report.rejected,
      equivocationProofs: proofs,
      digest: await ledger.digest(),
    };
    out(
      context,
      values,
      summary,
      `${report.admitted} admitted, ${report.duplicate} already known, ${report.held} held, ${report.rejected.length} rejected${report.rejected.length > 0 ? ` (kept in ${path}.quarantine)` : ''}${proofs > 0 ? `, ${proofs} equivocation proof(s) published` : ''}\n`,
    );
    return 0;
  },
};

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

const exportCommand: Command = {
  name: 'ledger export',
  summary: 'write the admitted entries (all, or those after a frontier of heads) for a peer',
  usage: 'patchtrail ledger export [--since ENTRY,...] [--out FILE] --ledger FILE',
  options: { ...ledgerOption, since: { type: 'string' }, out: { type: 'string' } },
  positionals: 0,
  async run(values, _p, context) {
    const { ledger } = await openLedger(ledgerPath(values), context);
    const frontier = new Map<string, number>();
    if (typeof values.since === 'string' && values.since !== '') {
      for (const id of values.since.split(',')) {
        const head = ledger.get(id.trim());
        if (head === undefined) throw new UsageError(`--since: ${id} is not in this ledger`);
        frontier.set(head.author, Math.max(frontier.get(head.author) ?? -1, head.seq));
      }
    }
    const chosen = [...ledger.all()].filter(
      (e) => e.kind === 'genesis' || e.seq > (frontier.get(e.author) ?? -1),
    );
    const bytes = serializeEntries(chosen);
    if (typeof values.out === 'string' && values.out !== '-') await writeAtomic(values.out, bytes);
    else context.stdout(new TextDecoder().decode(bytes));
    return 0;
  },
};

export const LEDGER_COMMANDS: readonly Command[] = [
  init,
  register,
  endorse,
  revoke,
  rotate,
  attest,
  flag,
  log,
  verifyCommand,
  importCommand,
  exportCommand,
  ...LEDGER_QUERY_COMMANDS,
  ...PROOF_COMMANDS,
];
