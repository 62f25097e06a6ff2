/** Process entry: real streams, stdin and clock; exit status from `runCli`. */
import { runCli } from './main.ts';

function write(stream: NodeJS.WriteStream): (text: string) => void {
  return (text) => void stream.write(text);
}

void runCli(
  process.argv.slice(2),
  {
    stdout: write(process.stdout),
    stderr: write(process.stderr),
    now: () => new Date(),
  },
  process.env.PATCHTRAIL_DEBUG !== undefined,
).then((code) => {
  process.exitCode = code;
});
