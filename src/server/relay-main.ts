/**
 * `npm run relay`: the y-websocket relay for big teams.
 *   node bin/relay.mjs [--host 127.0.0.1] [--port 4455]
 */
import { isLoopback, parseListenArgs } from './args.ts';
import { startRelay } from './relay.ts';

async function main(): Promise<void> {
  const { host, port } = parseListenArgs(process.argv.slice(2), { port: 4455 });
  const relay = await startRelay({ host, port });
  process.stdout.write(`patchtrail: relay at ${relay.url} (put it in Settings → Relay)\n`);
  if (!isLoopback(host))
    process.stdout.write('patchtrail: reachable from the network; the relay sees the entries\n');
  const stop = () => void relay.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `patchtrail relay: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 2;
});
