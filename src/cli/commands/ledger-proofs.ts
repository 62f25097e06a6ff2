/**
 * `patchtrail ledger checkpoint|cosign|vkey`: C2SP checkpoints of a ledger file and witness
 * cosignatures (core/ledger/proofs.ts has the design), and what the proof-pack words
 * (ledger-packs.ts: prove, verify-proof) share with them.
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
  cosignLedgerCheckpoint,
  isLogName,
  logVerifierKey,
  makeLedgerCheckpoint,
  witnessVerifierKey,
} from '../../core/ledger/proofs.ts';
import type { CliContext, Command } from '../context.ts';
import { UsageError } from '../errors.ts';
import { readInput, readKey } from '../io.ts';
import { signerFrom } from './create.ts';
import { openLedger as openCommonLedger, withLedger } from './ledger-common.ts';

type Values = Parameters<Command['run']>[0];

export function ledgerPath(values: Values): string {
  if (typeof values.ledger !== 'string') throw new UsageError('--ledger FILE is required');
  return values.ledger;
}

export function out(context: CliContext, values: Values, json: object, text: string): void {
  context.stdout(values.json === true ? `${JSON.stringify(json)}\n` : text);
}

export async function openLedger(path: string, context: CliContext): Promise<Ledger> {
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

export function optionalString(value: unknown): string | undefined {
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

export function trust(values: Values): {
  logKey?: VerifierKey;
  witnesses: VerifierKey[];
  k: number;
} {
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
export async function patchDigest(reference: string): Promise<string> {
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

export const PROOF_COMMANDS: readonly Command[] = [checkpoint, cosign, vkeyCommand];
