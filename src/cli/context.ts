/** What a command needs from its process: output streams, stdin and the clock, passed in for tests. */
export interface CliContext {
  stdout(text: string): void;
  stderr(text: string): void;
  now(): Date;
  /** What "-" reads (default: the process's stdin). */
  stdin?: () => AsyncIterable<Uint8Array>;
}

export type OptionSpec = Record<
  string,
  { type: 'string' | 'boolean'; multiple?: boolean; short?: string }
>;

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpec;
  /** Number of positional arguments the command takes. */
  positionals: number;
  run(
    values: Record<string, string | boolean | string[] | boolean[] | undefined>,
    positionals: string[],
    context: CliContext,
  ): Promise<number>;
}
