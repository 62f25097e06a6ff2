/**
 * How the agent's runs are shown: one line per step, the in-bundle attesters as the registry
 * sees them, the warnings (warn-mode rules, inflated self-reports), then the outcome. Step
 * messages, names and notes carry untrusted text (names, reasons, paths): each goes through
 * `shown()`. `--json` prints the result with ledger entries as JSON objects (never bytes).
 */
import {
  parseJson,
  utf8Decode,
  type ApplyRunResult,
  type AttesterReport,
  type CheckResult,
  type Entry,
  type RollbackResult,
} from '../core/index.ts';
import type { CliContext } from './context.ts';
import type { Values } from './commands/ledger-common.ts';
import { shown } from './terminal.ts';

type AnyResult = CheckResult | ApplyRunResult | RollbackResult;

/** A ledger entry for JSON output: its id and its fields (the signed bytes, parsed). */
export function entryJson(entry: Entry): { id: string; entry: unknown } {
  return { id: entry.id, entry: parseJson(utf8Decode(entry.bytes), 'entry') };
}

function attesterLine(a: AttesterReport): string {
  const who = shown(a.name === '' ? a.did : `${a.name} (${a.did})`);
  const roles = a.roles.length === 0 ? 'no role' : `role(s) ${a.roles.map(shown).join(', ')}`;
  const standing =
    a.standing === 'registered'
      ? `registered, ${roles}`
      : `${a.standing.toUpperCase()}: not counted`;
  return `     attester ${who}: ${a.verdict} (claims ${shown(a.claimedRole)}; ${standing})`;
}

function describe(result: AnyResult): string {
  const lines: string[] = [];
  for (const s of result.steps) {
    const code = s.code === undefined ? '' : `${s.code}: `;
    lines.push(`${s.ok ? 'ok  ' : 'FAIL'} ${s.step.padEnd(17)} ${code}${shown(s.message)}`);
    if (s.step === 'verify-attesters' && 'attesters' in result)
      lines.push(...(result.attesters ?? []).map(attesterLine));
  }
  if ('decision' in result)
    for (const w of result.decision?.warnings ?? []) lines.push(`warn ${shown(w)}`);
  lines.push(`=> ${result.status}`);
  return `${lines.join('\n')}\n`;
}

/** Prints the run and turns a stop into exit 1 with its code on stderr. */
export function report(result: AnyResult, values: Values, context: CliContext): number {
  const failed = result.steps.find((s) => !s.ok);
  if (values.json === true) {
    const attestation =
      'attestation' in result && result.attestation !== undefined
        ? { attestation: entryJson(result.attestation) }
        : {};
    context.stdout(`${JSON.stringify({ ok: failed === undefined, ...result, ...attestation })}\n`);
  } else {
    context.stdout(describe(result));
    if (failed !== undefined)
      context.stderr(`${failed.code ?? 'MALFORMED_INPUT'}: ${shown(failed.message)}\n`);
  }
  return failed === undefined ? 0 : 1;
}
