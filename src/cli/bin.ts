/** Process entry: real streams, stdin and clock; exit status from `runCli`. Or a verify worker. */
import { useRuntimeSha256 } from '../core/crypto/hash.ts';
import { runCli } from './main.ts';
import { nodeSha256 } from './node-crypto.ts';
import { isVerifyWorker, runVerifyWorker } from './verify-pool.ts';

function write(stream: NodeJS.WriteStream): (text: string) => void {
  return (text) => void stream.write(text);
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
