/**
 * `patchtrail ledger posture`: an assessor records a security posture report about a system:
 * named checks and their results, the digest of the full report, the scanner, a summary of the
 * findings and when it ran. Reputation counts it only from a holder of the assessor role; the
 * output says whether this one counts.
 */
import { postureStanding, utcTimestamp, type Entry } from '../../core/index.ts';
import type { Command } from '../context.ts';
import { UsageError } from '../errors.ts';
import { digestReference } from '../io.ts';
import { shown } from '../terminal.ts';
import { signerFrom } from './create.ts';
import { did, ledgerOption, withLedger, type Values } from './ledger-common.ts';

const CHECK = /^([a-z][a-z0-9-]{0,63})=(.{1,4096})$/su;
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/** `--check NAME=RESULT`, repeated: e.g. disk-encryption=pass. */
function checks(values: Values): Record<string, string> {
  const given = Array.isArray(values.check) ? values.check.map(String) : [];
  if (given.length === 0) throw new UsageError('give at least one --check NAME=RESULT');
  if (given.length > 64) throw new UsageError('at most 64 --check');
  const out = new Map<string, string>();
  for (const text of given) {
    const m = CHECK.exec(text);
    if (m === null)
      throw new UsageError(
        `--check "${text}": NAME=RESULT, NAME in a-z 0-9 - (e.g. firewall=pass)`,
      );
    const [, name = '', result = ''] = m;
    if (out.has(name)) throw new UsageError(`--check ${name} is given twice`);
    out.set(name, result);
  }
  return Object.fromEntries(out);
}

function text(values: Values, name: string): string | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || value.length > 4096)
    throw new UsageError(`--${name} takes 1 to 4096 characters`);
  return value;
}

export const posture: Command = {
  name: 'ledger posture',
  summary: "as an assessor, record a system's security posture (checks, report digest, scanner)",
  usage:
    'patchtrail ledger posture DID --key ASSESSOR.pem --check NAME=RESULT... [--report FILE|sha256:HEX] [--scanner TEXT] [--findings TEXT] [--assessed TIME] --ledger FILE [--json]',
  options: {
    ...ledgerOption,
    key: { type: 'string' },
    check: { type: 'string', multiple: true },
    report: { type: 'string' },
    scanner: { type: 'string' },
    findings: { type: 'string' },
    assessed: { type: 'string' },
  },
  positionals: 1,
  async run(values, [subject = ''], context) {
    const body: Entry<'posture'>['body'] = { subject: did(subject, 'DID'), checks: checks(values) };
    if (typeof values.report === 'string')
      body.report = await digestReference(values.report, '--report');
    const scanner = text(values, 'scanner');
    if (scanner !== undefined) body.scanner = scanner;
    const findings = text(values, 'findings');
    if (findings !== undefined) body.findings = findings;
    const assessed = text(values, 'assessed') ?? utcTimestamp(context.now());
    if (!TIME.test(assessed) || Number.isNaN(Date.parse(assessed)))
      throw new UsageError('--assessed takes a UTC time, e.g. 2026-11-22T10:00:00Z');
    body.assessed = assessed;
    const signer = await signerFrom(values.key);
    let standing = { counted: false, why: '' };
    const [entry] = await withLedger(
      values,
      async (ledger, time) => {
        standing = postureStanding(ledger, signer.did, body.subject);
        return [await ledger.append(signer, 'posture', body, time)];
      },
      context,
    );
    const id = entry?.id ?? '';
    if (values.json === true) {
      context.stdout(`${JSON.stringify({ ok: true, id, subject: body.subject, ...standing })}\n`);
      return 0;
    }
    context.stdout(`${id}\n`);
    if (standing.counted) context.stdout(`counted: ${shown(standing.why)}\n`);
    else
      context.stderr(`warning: recorded but not counted by reputation: ${shown(standing.why)}\n`);
    return 0;
  },
};
