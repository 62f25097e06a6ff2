/**
 * `ledger verify`: every line of a ledger file checked again, signatures included, and the
 * file as a whole: no torn last line, no repeated line, and still the log its own checkpoints
 * signed (core/ledger/log-check.ts).
 */
import { LISTED_LINES } from '../../core/index.ts';
import { inconsistentCheckpoints } from '../../core/ledger/log-check.ts';
import type { Command } from '../context.ts';
import { openLedgerFile } from '../ledger-file.ts';
import { shown } from '../terminal.ts';
import { ledgerOption, ledgerPath, out } from './ledger-common.ts';

/** Rejected lines, and repeated ones, said one by one; the rest are counted (--json lists more). */
const SHOWN_LINES = 50;

/** "and 999,950 more rejected lines", when there are more than SHOWN_LINES. */
function more(count: number, what: string, code = 'MALFORMED_INPUT'): [string, string, string][] {
  if (count <= SHOWN_LINES) return [];
  const listed = Math.min(count, LISTED_LINES).toLocaleString('en-US');
  return [
    [
      code,
      `ledger has ${what} lines`,
      `and ${(count - SHOWN_LINES).toLocaleString('en-US')} more ${what} lines (${count.toLocaleString('en-US')} in all; --json lists the first ${listed})`,
    ],
  ];
}

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
    const { held, rejected, rejectedCount, repeated, truncatedTail: tornTail } = report;
    const repeatedCount = report.duplicate;
    const checkpoints = await inconsistentCheckpoints(ledger);
    const summary = {
      ok: rejectedCount + held + tornTail + repeatedCount + checkpoints.length === 0,
      ledger: ledger.id,
      entries: ledger.size,
      digest: await ledger.digest(),
      outOfStanding: ledger.outOfStanding().length,
      held,
      // The first LISTED_LINES of each; the counts are of them all.
      rejected,
      rejectedCount,
      tornTail,
      repeated,
      repeatedCount,
      checkpoints,
      malicious,
    };
    // Each problem: its code, what stderr says about the file, and its line in the report.
    // A file of junk lines is read in bounded memory, and said in a bounded number of lines.
    const problems: [string, string, string][] = [
      ...rejected
        .slice(0, SHOWN_LINES)
        .map((r): [string, string, string] => [
          r.code,
          'ledger has rejected lines',
          `line ${r.line}: ${r.code}: ${shown(r.message)}`,
        ]),
      ...more(rejectedCount, 'rejected', rejected[0]?.code),
      ...repeated
        .slice(0, SHOWN_LINES)
        .map((r): [string, string, string] => [
          'MALFORMED_INPUT',
          'ledger repeats a line',
          `line ${r.line} repeats entry ${r.id}`,
        ]),
      ...more(repeatedCount, 'repeated', 'MALFORMED_INPUT'),
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
