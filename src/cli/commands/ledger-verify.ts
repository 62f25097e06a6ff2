/**
 * `ledger verify`: every line of a ledger file checked again, signatures included, and the
 * file as a whole: no torn last line, no repeated line, and still the log its own checkpoints
 * signed (core/ledger/log-check.ts).
 */
import { inconsistentCheckpoints } from '../../core/ledger/log-check.ts';
import type { Command } from '../context.ts';
import { openLedgerFile } from '../ledger-file.ts';
import { shown } from '../terminal.ts';
import { ledgerOption, ledgerPath, out } from './ledger-common.ts';

export const verifyCommand: Command = {
  name: 'ledger verify',
  summary: 'check every entry of a ledger file again, signatures included, and its checkpoints',
  usage: 'patchtrail ledger verify --ledger FILE [--json]',
  options: { ...ledgerOption },
  positionals: 0,
  async run(values, _p, context) {
    const { ledger, report } = await openLedgerFile(ledgerPath(values), false);
    const malicious = [...ledger.registry().identities.values()]
      .filter((i) => i.malicious)
      .map((i) => i.did);
    const { held, rejected, repeated, truncatedTail: tornTail } = report;
    const checkpoints = await inconsistentCheckpoints(ledger);
    const summary = {
      ok: rejected.length + held + tornTail + repeated.length + checkpoints.length === 0,
      ledger: ledger.id,
      entries: ledger.size,
      digest: await ledger.digest(),
      outOfStanding: ledger.outOfStanding().length,
      held,
      rejected,
      tornTail,
      repeated,
      checkpoints,
      malicious,
    };
    // Each problem: its code, what stderr says about the file, and its line in the report.
    const problems: [string, string, string][] = [
      ...rejected.map((r): [string, string, string] => [
        r.code,
        'ledger has rejected lines',
        `line ${r.line}: ${r.code}: ${shown(r.message)}`,
      ]),
      ...repeated.map((r): [string, string, string] => [
        'MALFORMED_INPUT',
        'ledger repeats a line',
        `line ${r.line} repeats entry ${r.id}`,
      ]),
      ...checkpoints.map((c): [string, string, string] => [
        'INVALID_METADATA',
        'ledger does not match its own checkpoint',
        c.message,
      ]),
    ];
    if (held > 0)
      problems.push([
        'MALFORMED_INPUT',
        'entries wait for a missing predecessor',
        `${held} entries wait for a missing predecessor`,
      ]);
    if (tornTail > 0)
      problems.push([
        'MALFORMED_INPUT',
        'ledger ends with a torn line',
        `a torn last line: ${tornTail} bytes after the last newline (a write cut short); the next append sets them aside`,
      ]);
    const text = [
      `ledger ${ledger.id}`,
      `${ledger.size} entries verified; digest ${summary.digest}`,
      `${summary.outOfStanding} out of standing; ${malicious.length} identities proven malicious`,
      ...problems.map(([, , line]) => line),
      '',
    ];
    out(context, values, summary, text.join('\n'));
    const [first] = problems;
    if (first === undefined) return 0;
    if (values.json !== true) context.stderr(`${first[0]}: ${first[1]}\n`);
    return 1;
  },
};
