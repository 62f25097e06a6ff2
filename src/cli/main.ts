/**
 * The patchtrail CLI. Exit codes: 0 success; 1 input rejected (code and one-line message on
 * stderr, or `{"ok":false,...}` on stdout with --json); 2 usage error.
 */
import { parseArgs } from 'node:util';
import { isPatchtrailError } from '../core/index.ts';
import { UsageError } from './errors.ts';
import type { CliContext, Command } from './context.ts';
import { useStdin } from './io.ts';
import { terminalSafe } from './terminal.ts';
import { id, keygen } from './commands/keys.ts';
import { attest, create } from './commands/create.ts';
import { inspect, verify } from './commands/verify.ts';
import { apply } from './commands/apply.ts';
import { LEDGER_COMMANDS } from './commands/ledger.ts';
import { reputation } from './commands/reputation.ts';
import { check } from './commands/check.ts';
import { rollback } from './commands/rollback.ts';
import { agent } from './commands/agent.ts';
import { POLICY_COMMANDS } from './commands/policy.ts';

const COMMANDS: readonly Command[] = [
  keygen,
  id,
  create,
  attest,
  verify,
  inspect,
  apply,
  check,
  rollback,
  agent,
  reputation,
];

/** Commands of two words: `patchtrail ledger init`, `patchtrail policy publish`. */
const GROUPS: Readonly<Record<string, readonly Command[]>> = {
  ledger: LEDGER_COMMANDS,
  policy: POLICY_COMMANDS,
};

function overview(): string {
  const all = [...COMMANDS, ...LEDGER_COMMANDS, ...POLICY_COMMANDS];
  // One column for the summaries, past the longest name ("ledger verify-proof").
  const width = Math.max(...all.map((c) => c.name.length));
  const lines = all.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'patchtrail: signed patch bundles and their provenance',
    '',
    'usage: patchtrail COMMAND [options]   (patchtrail COMMAND --help for details)',
    '',
    ...lines,
    '',
    'exit status: 0 ok, 1 input rejected (with an error code), 2 usage error',
    '',
  ].join('\n');
}

/** `patchtrail ledger --help`: every word with its summary and usage. */
function groupHelp(name: string, group: readonly Command[]): string {
  const words = group.map(
    (c) => `  ${c.name.slice(name.length + 1)}: ${c.summary}\n    ${c.usage}\n`,
  );
  return [
    `usage: patchtrail ${name} WORD [options]   (patchtrail ${name} WORD --help for one word)`,
    '',
    ...words,
  ].join('\n');
}

function commandHelp(command: Command): string {
  return `${command.summary}\n\nusage: ${command.usage}\n`;
}

async function runCommand(command: Command, args: string[], context: CliContext): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (cause) {
    throw new UsageError((cause as Error).message);
  }
  if (parsed.values.help === true) {
    context.stdout(commandHelp(command));
    return 0;
  }
  if (parsed.positionals.length !== command.positionals) {
    throw new UsageError(
      `expected ${command.positionals} argument(s), got ${parsed.positionals.length}`,
    );
  }
  return command.run(parsed.values, parsed.positionals, context);
}

function jsonRequested(args: readonly string[]): boolean {
  return args.includes('--json');
}

/** Exit status when the CLI itself failed (a bug, never bad input): EX_SOFTWARE. */
export const INTERNAL_ERROR = 70;

/**
 * The whole CLI run, as the process entry and the in-process tests call it: every byte of output
 * goes through the terminal net (`terminalSafe`), and an unexpected exception is reported in one
 * line with exit 70 instead of a stack trace.
 */
export async function runCli(
  argv: readonly string[],
  context: CliContext,
  debug = false,
): Promise<number> {
  const safe: CliContext = {
    ...context,
    stdout: (text) => context.stdout(terminalSafe(text)),
    stderr: (text) => context.stderr(terminalSafe(text)),
  };
  useStdin(context.stdin);
  try {
    return await main(argv, safe);
  } catch (cause) {
    safe.stderr(
      `patchtrail: internal error: ${cause instanceof Error ? cause.message : String(cause)}\n`,
    );
    if (debug) console.error(cause);
    return INTERNAL_ERROR;
  } finally {
    useStdin(undefined);
  }
}

export async function main(argv: readonly string[], context: CliContext): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? context.stderr : context.stdout)(overview());
    return name === undefined ? 2 : 0;
  }
  let command = COMMANDS.find((c) => c.name === name);
  const group = name in GROUPS ? GROUPS[name] : undefined;
  if (group !== undefined) {
    const [word, ...rest] = args;
    command = group.find((c) => c.name === `${name} ${word ?? ''}`);
    if (command === undefined) {
      const known = group.map((c) => c.name.slice(name.length + 1)).join('|');
      const usage = `usage: patchtrail ${name} ${known} ...\n`;
      if (word === '--help' || word === '-h') {
        context.stdout(groupHelp(name, group));
        return 0;
      }
      const said = word === undefined ? 'needs a word' : `has no word "${word}"`;
      context.stderr(`patchtrail ${name} ${said}\n${usage}`);
      return 2;
    }
    args.splice(0, args.length, ...rest);
  }
  if (command === undefined) {
    context.stderr(`patchtrail: unknown command "${name}"\n\n${overview()}`);
    return 2;
  }
  try {
    return await runCommand(command, args, context);
  } catch (cause) {
    if (cause instanceof UsageError) {
      context.stderr(`patchtrail ${name}: ${cause.message}\nusage: ${command.usage}\n`);
      return 2;
    }
    if (isPatchtrailError(cause)) {
      if (jsonRequested(args)) {
        context.stdout(
          `${JSON.stringify({ ok: false, code: cause.code, message: cause.message })}\n`,
        );
      } else {
        // One line, whatever the message quotes (a parser's snippet of the input can hold any byte).
        // (Other characters that move the cursor are escaped on the way out, terminalSafe.)
        context.stderr(`${cause.code}: ${cause.message.replaceAll('\n', '\\u000a')}\n`);
      }
      return 1;
    }
    throw cause;
  }
}
