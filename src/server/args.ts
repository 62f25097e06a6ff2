/** Command-line options shared by `npm start` (serve) and `npm run relay`. */
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';

export interface ListenOptions {
  host: string;
  port: number;
  /** Other string options the entry asked for. */
  extra: Record<string, string | undefined>;
  /** --help or -h: print the usage and do nothing else. */
  help: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

/** Parses --host/--port (and `extra` string options); throws a readable Error on bad input. */
export function parseListenArgs(
  argv: readonly string[],
  defaults: { port: number },
  extra: readonly string[] = [],
): ListenOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: String(defaults.port) },
      ...Object.fromEntries(extra.map((name) => [name, { type: 'string' as const }])),
    },
    strict: true,
  });
  if (values.help === true) return { host: '', port: 0, extra: {}, help: true };
  const host = String(values.host);
  if (host !== 'localhost' && isIP(host) === 0)
    throw new Error(`--host must be an IP address (e.g. a LAN address), found "${host}"`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0..65535, found "${String(values.port)}"`);
  const chosen: Record<string, string | undefined> = {};
  for (const name of extra) {
    const value = (values as Record<string, unknown>)[name];
    chosen[name] = typeof value === 'string' ? value : undefined;
  }
  return { host, port, extra: chosen, help: false };
}
