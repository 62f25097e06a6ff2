/**
 * The small team of cli-team.ts with what `agent --watch` tests add: a bundle `breaks.json`
 * whose diff breaks health.txt, and stations: a fresh drop folder and target (app.conf and
 * health.txt as before any patch), watched under a policy that allows anything without fuzz
 * and checks after each apply that health.txt still says healthy.
 */
import { copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cliTeam } from './cli-team.ts';

export interface WatchLine {
  status: string;
  file?: string;
  code?: string;
  message?: string;
  recorded?: string[];
}

/** JSON lines as `agent --json` prints them. */
export const watchLines = (stdout: string): WatchLine[] =>
  stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as WatchLine);

export function watchTeam(prefix: string) {
  const team = cliTeam(prefix);
  const { at, ok, L } = team;
  let n = 0;

  async function setup(): Promise<void> {
    await team.setup();
    writeFileSync(
      at('breaks.diff'),
      '--- a/health.txt\n+++ b/health.txt\n@@ -1 +1 @@\n-status=healthy\n+status=broken\n',
    );
    await ok([
      ...['create', '--diff', at('breaks.diff'), '--key', at('dev.pem'), '--reason', 'oops'],
      ...['--out', at('breaks.json')],
    ]);
  }

  function station() {
    n++;
    const drop = at(`drop${n}`);
    mkdirSync(drop);
    const target = team.target(`t${n}`);
    writeFileSync(`${target}/health.txt`, 'status=healthy\n');
    const name = `kiosk-${n}`;
    const policy = team.policy('health.json', [
      { id: 'no-fuzz', kind: 'fuzz', mode: 'enforce', allowed: false },
      {
        id: 'health',
        kind: 'post-apply',
        mode: 'enforce',
        checks: [{ path: 'health.txt', contains: 'healthy' }],
      },
    ]);
    /** `agent --watch` of this station as the kiosk; `more` adds options. */
    const args = (...more: string[]) => [
      ...['agent', '--watch', drop, '--dir', target, '--key', at('kiosk.pem')],
      ...['--policy', policy, '--target', name, ...L(), ...more],
    ];
    /** Drops a bundle the recommended way: written under a .part name, renamed into place. */
    const put = (bundle: string, as: string) => {
      copyFileSync(at(bundle), `${drop}/${as}.part`);
      renameSync(`${drop}/${as}.part`, `${drop}/${as}`);
    };
    /** The reasons the ledger's audit trail of this target holds, oldest first. */
    const audit = async () =>
      (
        JSON.parse(await ok(['ledger', 'audit', name, '--json', ...L()])) as {
          events: { reason: string }[];
        }
      ).events.map((e) => e.reason);
    return { drop, target, name, args, put, audit };
  }

  return { ...team, setup, station };
}
