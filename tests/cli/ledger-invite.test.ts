/**
 * `patchtrail ledger invite`: a link the app's "Join a team" reads, to the room of a ledger the
 * CLI keeps. The secret is derived from the key (the same key, the same room) or given; what
 * the app would refuse is refused here, with a usage error.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readInvitationLink, roomSecretOf } from '../../src/core/ledger/invitation.ts';
import { makeSeedSigner } from '../../src/core/index.ts';
import { cliWorkspace } from '../helpers/cli.ts';

const { at, pt, ok } = cliWorkspace('pt-invite-');
const L = () => ['--ledger', at('team.ledger')];
const APP = 'https://patch.example/app/';
let ledgerId = '';

beforeAll(async () => {
  for (const who of ['admin', 'other']) await ok(['keygen', '--out', at(`${who}.pem`)]);
  await ok(['ledger', 'init', '--key', at('admin.pem'), '--name', 'Line 3\u001b[2J', ...L()]);
  const log = JSON.parse(await ok(['ledger', 'log', '--json', ...L()])) as {
    entries: { id: string }[];
  };
  ledgerId = log.entries[0]?.id ?? '';
});

const invite = (...args: string[]) => pt(['ledger', 'invite', '--app', APP, ...args, ...L()]);

describe('ledger invite', () => {
  it('prints a link the app reads: this ledger, the team name, a secret derived from the key', async () => {
    const r = await invite('--key', at('admin.pem'));
    expect(r.code).toBe(0);
    const link = r.stdout.trim();
    expect(link.startsWith(`${APP}#/join?`)).toBe(true);
    expect(r.stdout.split('\n')).toHaveLength(2); // the link alone, for scripts
    expect(r.stderr).toContain('ledger endorse');
    const read = readInvitationLink(link);
    expect(read).toMatchObject({
      ok: true,
      invitation: { ledgerId, name: 'Line 3 [2J', signaling: [] },
    });
    if (!read.ok) return;
    expect(read.invitation.roomSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // The same key gives the same room; another key another.
    expect((await invite('--key', at('admin.pem'))).stdout.trim()).toBe(link);
    const other = readInvitationLink((await invite('--key', at('other.pem'))).stdout.trim());
    expect(other.ok && other.invitation.roomSecret).not.toBe(read.invitation.roomSecret);
  });

  it('derives the secret from a signature over the ledger id, not the key itself', async () => {
    const signer = await makeSeedSigner(new Uint8Array(32).fill(9));
    const one = await roomSecretOf(signer, ledgerId);
    expect(await roomSecretOf(signer, ledgerId)).toBe(one);
    expect(await roomSecretOf(signer, `sha256:${'0'.repeat(64)}`)).not.toBe(one);
  });

  it('takes a given secret, signaling addresses and a name, and says it in --json', async () => {
    const secret = 'abcdefghijklmnopqrstuvwxyz012345';
    const r = await invite(
      '--secret',
      secret,
      '--signal',
      'wss://signal.example/room',
      '--name',
      'Night shift',
      '--json',
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const json = JSON.parse(r.stdout) as { link: string; ledger: string; name: string };
    expect(json).toMatchObject({
      ok: true,
      ledger: ledgerId,
      name: 'Night shift',
      signaling: ['wss://signal.example/room'],
    });
    expect(readInvitationLink(json.link)).toMatchObject({
      ok: true,
      invitation: { roomSecret: secret, signaling: ['wss://signal.example/room'] },
    });
  });

  it('never prints a name’s control or bidi characters raw, in the link or in --json', async () => {
    const name = 'Night\u202Eshift\u001b[2J\nline two';
    const text = await invite('--key', at('admin.pem'), '--name', name);
    const json = await invite('--key', at('admin.pem'), '--name', name, '--json');
    for (const out of [text.stdout, json.stdout]) {
      // eslint-disable-next-line no-control-regex -- control characters are what must not appear
      expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
      expect(out.trimEnd().split('\n')).toHaveLength(1);
    }
    const read = readInvitationLink(text.stdout.trim());
    expect(read.ok && read.invitation.name).toBe('Night\u202Eshift [2J line two');
  });

  it('keeps the app address but its fragment', async () => {
    const r = await pt([
      'ledger',
      'invite',
      '--app',
      'http://127.0.0.1:4173/?kiosk=1#/inbox',
      '--key',
      at('admin.pem'),
      ...L(),
    ]);
    expect(r.stdout.startsWith('http://127.0.0.1:4173/?kiosk=1#/join?ledger=')).toBe(true);
  });

  it.each([
    [['--key', 'admin.pem', '--app', 'ftp://x/'], '--app: want an http:// or https:// address'],
    [['--key', 'admin.pem', '--app', 'not a url'], '--app: "not a url" is not a URL'],
    [['--key', 'admin.pem', '--app', 'https://u:p@x/'], 'must not carry a user name'],
    [['--app', APP], '--key KEY.pem (the room secret is derived from it) or --secret'],
    [['--app', APP, '--secret', 'short'], '--secret: want a room secret of 128 bits'],
    [
      ['--app', APP, '--secret', 'abcdefghijklmnopqrstuvwxyz012345', '--key', 'admin.pem'],
      'not both',
    ],
    [
      ['--app', APP, '--key', 'admin.pem', '--signal', 'http://x/'],
      '--signal: signaling addresses',
    ],
    [['--key', 'admin.pem'], '--app URL is required'],
  ])('refuses %j with a usage error', async (args, message) => {
    const r = await pt([
      'ledger',
      'invite',
      ...args.map((a) => (a === 'admin.pem' ? at(a) : a)),
      ...L(),
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });

  it('says a missing ledger file cannot be read, as every ledger word does', async () => {
    const r = await pt([
      'ledger',
      'invite',
      '--app',
      APP,
      '--key',
      at('admin.pem'),
      '--ledger',
      at('nowhere.ledger'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('cannot read ledger');
  });
});
