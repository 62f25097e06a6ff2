/** Process entry: real streams and clock; an unexpected crash is reported, not dumped. */
import { main } from './main.ts';

function write(stream: NodeJS.WriteStream): (text: string) => void {
  return (text) => void stream.write(text);
}

main(process.argv.slice(2), {
  stdout: write(process.stdout),
  stderr: write(process.stderr),
  now: () => new Date(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (cause: unknown) => {
    process.stderr.write(
      `patchtrail: internal error: ${cause instanceof Error ? cause.message : String(cause)}\n`,
    );
    if (process.env.PATCHTRAIL_DEBUG) console.error(cause);
    process.exitCode = 70;
  },
);
