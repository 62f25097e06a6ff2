/** Process entry: real streams, stdin and clock; exit status from `runCli`. Or a verify worker. */
import { useRuntimeSha256 } from '../core/crypto/hash.ts';
import { runCli } from './main.ts';
import { nodeSha256 } from './node-crypto.ts';
import { isVerifyWorker, runVerifyWorker } from './verify-pool.ts';

/**
 * Writes to a stream until its reader goes away. A reader that stops early (`| head`) closes
 * the pipe: the writes after that fail with EPIPE, and unhandled, that error printed a stack
 * and ended the process with exit 1, the status that means "input rejected", in the middle of
 * the work (an apply included). The output ends there; the command finishes and exits with its
 * own status, as ripgrep does.
 */
function write(stream: NodeJS.WriteStream): (text: string) => void {
  let open = true;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    open = false;
  });
  return (text) => {
    if (open) stream.write(text);
  };
}

// SHA-256 through Node's OpenSSL, for ids and receipts (node-crypto.ts).
useRuntimeSha256(nodeSha256);

// The same bundle serves as the signature-checking worker (verify-pool.ts).
if (isVerifyWorker()) runVerifyWorker();
else startCli();

function startCli(): void {
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
}
