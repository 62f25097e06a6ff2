/**
 * `patchtrail ledger checkpoint|cosign|prove|vkey|verify-proof`: C2SP checkpoints of a ledger
 * file, witness cosignatures, and proof packs that a device without the ledger verifies
 * against pinned keys (core/ledger/proofs.ts has the design).
 */
import {
  didFromPublicKey,
  MAX_BUNDLE_BYTES,
  readBundle,
  reject,
  verifyParsedBundle,
  type Ledger,
} from '../../core/index.ts';
import {
  isValidKeyName,
  formatVerifierKey,
  parseVerifierKey,
  SIGNATURE_TYPE_COSIGNATURE,
  SIGNATURE_TYPE_ED25519,
  type VerifierKey,
} from '../../core/ledger/note.ts';
import {
  makeProofPack,
  MAX_PROOF_PACK_BYTES,
  serializeProofPack,
  verifyProofPack,
  type LineageStep,
  type ProofPackReport,
} from '../../core/ledger/proof-pack.ts';
import {
  cosignLedgerCheckpoint,
  isLogName,
  logVerifierKey,
  makeLedgerCheckpoint,
  witnessVerifierKey,
} from '../../core/ledger/proofs.ts';
import type { CliContext, Command } from '../context.ts';
import { UsageError } from '../errors.ts';
import { readInput, readKey, writeAtomic } from '../io.ts';
import { signerFrom } from './create.ts';
import { openLedger as openCommonLedger, withLedger } from './ledger-common.ts';

type Values = Parameters<Command['run']>[0];

function ledgerPath(values: Values): string {
  if (typeof values.ledger !== 'string') throw new UsageError('--ledger FILE is required');
  return values.ledger;
}

function out(context: CliContext, values: Values, json: object, text: string): void {
  context.stdout(values.json === true ? `${JSON.stringify(json)}\n` : text);
}

async function openLedger(path: string, context: CliContext): Promise<Ledger> {
  return (await openCommonLedger(path, context)).ledger;
}

/** Runs `write` on the opened ledger and appends whatever it admitted meanwhile. */
function appendTo<T>(
  values: Values,
  context: CliContext,
  write: (ledger: Ledger, time: string) => Promise<T>,
  signer: string,
): Promise<T> {
  return withLedger(values, write, context, { authors: [signer] });
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function logName(values: Values): string | undefined {
  const name = optionalString(values.name);
  if (name !== undefined && !isLogName(name))
    throw new UsageError('--name: a log name is 1 to 128 of A-Z a-z 0-9 . _ : -');
  return name;
}

function witnessName(values: Values): string | undefined {
  const name = optionalString(values.name);
  if (name !== undefined && !isValidKeyName(name))
    throw new UsageError('--name: a key name has no spaces, "+" or control characters');
  return name;
}

function vkey(text: string, what: string, type: number): VerifierKey {
  let key: VerifierKey;
  try {
    key = parseVerifierKey(text);
  } catch (cause) {
    throw new UsageError(`${what}: ${(cause as Error).message}`);
  }
  if (key.type !== type) throw new UsageError(`${what}: want a type 0x0${type} verifier key`);
  return key;
}

function trust(values: Values): { logKey?: VerifierKey; witnesses: VerifierKey[]; k: number } {
  const listed = Array.isArray(values.witness) ? values.witness.map(String) : [];
  const witnesses = listed.map((w) => vkey(w, '--witness', SIGNATURE_TYPE_COSIGNATURE));
  const log = optionalString(values['log-key']);
  const logKey = log === undefined ? undefined : vkey(log, '--log-key', SIGNATURE_TYPE_ED25519);
  let k = witnesses.length;
  if (values.threshold !== undefined) {
    const text = String(values.threshold);
    if (!/^\d{1,3}$/.test(text) || Number(text) > witnesses.length)
      throw new UsageError(`--threshold must be 0..${witnesses.length} (the --witness count)`);
    k = Number(text);
  }
  return { ...(logKey === undefined ? {} : { logKey }), witnesses, k };
}

/** sha256:DIGEST as given, or the payload digest of a bundle file (after verifying it). */
async function patchDigest(reference: string): Promise<string> {
  if (/^sha256:[0-9a-f]{64}$/.test(reference)) return reference;
  const verified = await verifyParsedBundle(
    readBundle(await readInput(reference, MAX_BUNDLE_BYTES, 'bundle')),
  );
  if (!verified.ok) reject(verified.problem.code, verified.problem.message);
  return `sha256:${verified.report.payloadDigest}`;
}

const common = { ledger: { type: 'string' }, json: { type: 'boolean' } } as const;

const checkpoint: Command = {
  name: 'ledger checkpoint',
  summary: 'sign a C2SP checkpoint (RFC 9162 root) of this ledger file and record it',
  usage: 'patchtrail ledger checkpoint --key KEY.pem [--name LOGNAME] --ledger FILE [--json]',
  options: { ...common, key: { type: 'string' }, name: { type: 'string' } },
  positionals: 0,
  async run(values, _p, context) {
    const signer = await signerFrom(values.key);
    const name = logName(values);
    const made = await appendTo(
      values,
      context,
      (ledger, time) => makeLedgerCheckpoint(ledger, signer, { name, time }),
      signer.did,
    );
    const { origin, size } = made.checkpoint;
    const vkey = formatVerifierKey(made.key);
    out(
      context,
      values,
      { ok: true, id: made.entry.id, origin, size, note: made.note, vkey },
      made.note,
    );
    return 0;
  },
};

const cosign: Command = {
  name: 'ledger cosign',
  summary: 'as a witness, check and cosign the newest checkpoint (tlog-cosignature)',
  usage:
    'patchtrail ledger cosign --key WITNESS.pem [--name KEYNAME] [--log-key VKEY] --ledger FILE [--json]',
  options: {
    ...common,
    key: { type: 'string' },
    name: { type: 'string' },
    'log-key': { type: 'string' },
  },
  positionals: 0,
  async run(values, _p, context) {
    const signer = await signerFrom(values.key);
    const name = witnessName(values);
    const { logKey } = trust(values);
    const now = context.now();
    const timestamp = Math.floor(now.getTime() / 1000);
    const made = await appendTo(
      values,
      context,
      (ledger, time) =>
        cosignLedgerCheckpoint(ledger, signer, {
          name,
          time,
          timestamp,
          ...(logKey === undefined ? {} : { logKey }),
        }),
      signer.did,
    );
    const { origin, size } = made.target.checkpoint;
    const summary = {
      ok: true,
      id: made.entry.id,
      checkpoint: made.target.entry.id,
      origin,
      size,
      previousSize: made.previousSize ?? null,
      fresh: made.fresh,
      line: made.line,
      vkey: formatVerifierKey(witnessVerifierKey(signer, name)),
    };
    out(context, values, summary, `${made.line}\n`);
    return 0;
  },
};

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

const vkeyCommand: Command = {
  name: 'ledger vkey',
  summary:
    "print a key's C2SP verifier key: the log's for this ledger, or with --witness a witness's",
  usage: 'patchtrail ledger vkey --key KEY.pem [--name NAME] (--ledger FILE | --witness) [--json]',
  options: {
    ...common,
    key: { type: 'string' },
    name: { type: 'string' },
    witness: { type: 'boolean' },
  },
  positionals: 0,
  async run(values, _p, context) {
    if (typeof values.key !== 'string') throw new UsageError('--key KEY.pem is required');
    const { publicKey } = await readKey(values.key);
    const identity = { did: didFromPublicKey(publicKey), publicKey };
    let key: VerifierKey;
    if (values.witness === true) key = witnessVerifierKey(identity, witnessName(values));
    else {
      const ledger = await openLedger(ledgerPath(values), context);
      key = logVerifierKey(ledger.id, identity, logName(values));
    }
    const text = formatVerifierKey(key);
    out(context, values, { ok: true, vkey: text, name: key.name }, `${text}\n`);
    return 0;
  },
};

const verifyProof: Command = {
  name: 'ledger verify-proof',
  summary: 'verify a proof pack without a ledger, against pinned witness (and log) keys',
  usage:
    'patchtrail ledger verify-proof PACK --witness VKEY... [--threshold K] [--log-key VKEY] [--patch BUNDLE|sha256:DIGEST] [--json]',
  options: {
    json: { type: 'boolean' },
    witness: { type: 'string', multiple: true },
    threshold: { type: 'string' },
    'log-key': { type: 'string' },
    patch: { type: 'string' },
  },
  positionals: 1,
  async run(values, [path = ''], context) {
    const { logKey, witnesses, k } = trust(values);
    if (logKey === undefined && k === 0)
      throw new UsageError('pin at least one --witness (with --threshold 1 or more) or --log-key');
    const patchRef = optionalString(values.patch);
    const patch = patchRef === undefined ? undefined : await patchDigest(patchRef);
    const bytes = await readInput(path, MAX_PROOF_PACK_BYTES, 'proof pack');
    const report = await verifyProofPack(bytes, { logKey, witnesses, threshold: k, patch });
    out(context, values, report, describeReport(report));
    const [problem] = report.problems;
    if (problem === undefined) return 0;
    if (values.json !== true) context.stderr(`${problem.code}: ${problem.message}\n`);
    return 1;
  },
};

function describeStep(step: LineageStep): string {
  const words = [`  #${step.index}`, step.time, step.kind];
  if (step.kind !== 'publish') words.push(step.reason);
  words.push('by', step.author);
  if (step.parent !== undefined) words.push('after', step.parent.slice(0, 19));
  if (step.target !== undefined) words.push('on', step.target);
  if (step.compromised === true) words.push('COMPROMISED');
  return words.join(' ');
}

function describeReport(report: ProofPackReport): string {
  if (!report.ok && report.checkpoint === undefined) return '';
  const { origin = '', size = 0 } = report.checkpoint ?? {};
  const names = report.witnesses.map((w) => w.name).join(', ');
  const lines = [
    `patch ${report.patch ?? ''}`,
    `checkpoint ${origin} size ${size}; ${report.witnesses.length} witness(es)${names === '' ? '' : `: ${names}`}`,
    ...report.lineage.map(describeStep),
    ...report.problems.map((p) => `  ${p.code}: ${p.message}`),
    report.ok ? 'ok' : 'REJECTED',
  ];
  return `${lines.join('\n')}\n`;
}

export const PROOF_COMMANDS: readonly Command[] = [
  checkpoint,
  cosign,
  prove,
  vkeyCommand,
  verifyProof,
];
