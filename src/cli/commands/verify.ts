/** `verify` and `inspect`: check a bundle's signatures and metadata, and show what it holds. */
import {
  MAX_BUNDLE_BYTES,
  patchDiffText,
  peekUnverifiedPredicate,
  readBundle,
  verifyParsedBundle,
  type BundleReport,
  type SignatureReport,
  type VerifyResult,
} from '../../core/index.ts';
import { readInput } from '../io.ts';
import { shown, terminalSafe } from '../terminal.ts';
import { trustedSet } from './trust.ts';
import type { CliContext, Command } from '../context.ts';

/** One signature; everything in it but the status words comes from the bundle. */
function signatureLine(s: SignatureReport, author?: string): string {
  const trust = s.trusted === null ? '' : s.trusted ? ', trusted' : ', NOT trusted';
  const verdict = s.verdict === undefined ? '' : ` ${s.verdict}`;
  const extra = s.repeat === true ? ' (repeat: counted once)' : '';
  const own = s.did === author ? " (the author's own: not counted)" : '';
  const problem =
    s.problem === undefined ? '' : ` — ${s.problem.code}: ${shown(s.problem.message)}`;
  const note = s.note === undefined ? '' : `\n      note: ${shown(s.note)}`;
  return `  ${s.status.toUpperCase().padEnd(7)} ${shown(s.role)}${verdict} ${shown(s.did)}${trust}${extra}${own}${problem}${note}`;
}

const list = (items: readonly string[]) => items.map(shown).join(', ');

function describeReport(report: BundleReport): string {
  const p = report.predicate;
  const lines = [
    // Every line of it: a second line may say what the first does not ("Also: adds a user").
    `reason:      ${p.reason_for_patch
      .split('\n')
      .map(shown)
      .join(`\n${' '.repeat(13)}`)}`,
    `author:      ${shown(p.creator_identity)}`,
    `created:     ${p.creation_timestamp}`,
    `components:  ${list(p.affected_components) || '(none)'}`,
    `files:       ${list(p.files)}`,
    ...(report.unappliable.length === 0
      ? []
      : [
          `unappliable: ${report.unappliable.map((c) => `${shown(c.path)} (a ${c.what})`).join(', ')}: no apply carries these out`,
        ]),
    `path strip:  ${p.path_strip}`,
    `diff:        sha256:${report.diffDigest}${p.patch_diff_encoding === 'base64' ? ' (not UTF-8: carried in base64)' : ''}`,
    `payload:     sha256:${report.payloadDigest}`,
    `build env:   ${p.build_environment ?? '(not given)'}`,
    `tests:       ${p.validation_tests ?? '(not given)'}`,
  ];
  if (p.source_headers !== undefined) {
    const fields = Object.entries(p.source_headers.fields).map(
      // JSON's own escapes (\n for a folded Description line) once; what JSON leaves as it
      // is (bidi and invisible characters) escaped as JSON would: the value stays one line.
      ([k, v]) => `${shown(k)}=${terminalSafe(JSON.stringify(v))}`,
    );
    lines.push(`headers:     ${shown(p.source_headers.format)}: ${fields.join(' ')}`);
  }
  lines.push(
    'signatures:',
    signatureLine(report.author),
    ...report.attestations.map((a) => signatureLine(a, report.author.did)),
  );
  lines.push(
    `attesters:   ${report.attesters.pass.length} pass, ${report.attesters.fail.length} fail (distinct keys, not the author)`,
  );
  return lines.join('\n');
}

function finish(
  result: VerifyResult,
  json: boolean,
  context: CliContext,
  extra: object = {},
): number {
  if (result.ok) {
    const { report } = result;
    if (json) {
      context.stdout(
        `${JSON.stringify({ ok: true, trustChecked: report.trustChecked, ...extra, report }, null, 2)}\n`,
      );
    } else {
      const scope = report.trustChecked
        ? 'signatures, metadata and trusted author checked'
        : 'integrity only: no --trust given, so the author was not checked against a trusted set';
      context.stdout(`OK: bundle verified (${scope})\n${describeReport(report)}\n`);
    }
    return 0;
  }
  const { code, message } = result.problem;
  if (json) {
    const report = result.report === undefined ? {} : { report: result.report };
    context.stdout(
      `${JSON.stringify({ ok: false, code, message, ...extra, ...report }, null, 2)}\n`,
    );
  } else {
    context.stderr(`${code}: ${shown(message)}\n`);
  }
  return 1;
}

export const verify: Command = {
  name: 'verify',
  summary: "check a bundle's signatures and metadata; --trust also checks the author",
  usage: 'patchtrail verify BUNDLE [--trust KEY.pem|DID]... [--json]',
  options: { trust: { type: 'string', multiple: true }, json: { type: 'boolean' } },
  positionals: 1,
  async run(values, [path = ''], context) {
    const trusted = await trustedSet(values.trust);
    const bundle = readBundle(await readInput(path, MAX_BUNDLE_BYTES, 'bundle'));
    const result = await verifyParsedBundle(bundle, trusted === undefined ? {} : { trusted });
    return finish(result, values.json === true, context);
  },
};

export const inspect: Command = {
  name: 'inspect',
  summary: "show a bundle's metadata, files and signatures (with their status)",
  usage: 'patchtrail inspect BUNDLE [--json]',
  options: { json: { type: 'boolean' } },
  positionals: 1,
  async run(values, [path = ''], context) {
    const bundle = readBundle(await readInput(path, MAX_BUNDLE_BYTES, 'bundle'));
    const result = await verifyParsedBundle(bundle);
    if (result.ok && values.json !== true) {
      context.stdout(
        `${describeReport(result.report)}\n\n${patchDiffText(result.report.predicate)}`,
      );
      return 0;
    }
    if (!result.ok && values.json !== true) {
      const claimed = peekUnverifiedPredicate(bundle);
      if (claimed !== undefined) {
        context.stdout(
          `UNVERIFIED claims (do not rely on them):\n${JSON.stringify(claimed, null, 2)}\n`,
        );
      }
    }
    const extra = result.ok ? {} : { unverified: peekUnverifiedPredicate(bundle) ?? null };
    return finish(result, values.json === true, context, extra);
  },
};
