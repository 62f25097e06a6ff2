/**
 * `npm run relay`: the y-websocket relay for big teams.
 *   node bin/relay.mjs [--host 127.0.0.1] [--port 4455]
 */
import { isLoopback, parseListenArgs } from './args.ts';
import { startRelay } from './relay.ts';

const USAGE = `usage: npm run relay -- [--host ADDRESS] [--port N]   (or node bin/relay.mjs ...)

Runs the optional y-websocket relay for bigger teams (put its address in Settings, Relay).
  --host ADDRESS  where to listen (default 127.0.0.1)
  --port N        default 4455; 0 picks a free port
`;

async function main(): Promise<void> {
  const { host, port, help } = parseListenArgs(process.argv.slice(2), { port: 4455 });
  if (help) return void process.stdout.write(USAGE);
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
