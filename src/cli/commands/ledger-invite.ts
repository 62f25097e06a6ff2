/**
 * `patchtrail ledger invite`: the link that brings a browser into a team whose ledger the CLI
 * keeps. The app's "Join a team" reads it (core/ledger/invitation.ts); the joining device signs
 * its own registration and waits for the team's ledger (a file from this ledger, or a peer
 * already in the room). The room secret is derived from --key, so every invitation made with
 * the same key opens the same room, or given with --secret (an app's own invitation carries
 * one) to bring CLI-invited devices into a room the app's devices already share.
 */
import {
  invitationLink,
  isRoomSecret,
  readInvitationLink,
  roomSecretOf,
} from '../../core/ledger/invitation.ts';
import type { Command } from '../context.ts';
import { UsageError } from '../errors.ts';
import { shown } from '../terminal.ts';
import { signerFrom } from './create.ts';
import { ledgerOption, ledgerPath, openLedger, out, type Values } from './ledger-common.ts';

/** The app's address: http(s), no credentials; its fragment is replaced by the invitation. */
function appAddress(value: unknown): string {
  if (typeof value !== 'string' || value === '')
    throw new UsageError('--app URL is required (the address the app is served from)');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--app: "${shown(value)}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UsageError(`--app: want an http:// or https:// address, not ${shown(url.protocol)}`);
  if (url.username !== '' || url.password !== '')
    throw new UsageError('--app: the address must not carry a user name or password');
  url.hash = '';
  return url.href;
}

async function roomSecret(values: Values, ledgerId: string): Promise<string> {
  if (typeof values.secret === 'string') {
    if (values.key !== undefined) throw new UsageError('give --key or --secret, not both');
    if (!isRoomSecret(values.secret))
      throw new UsageError(
        '--secret: want a room secret of 128 bits or more (22 to 128 characters of A-Z a-z 0-9 - _)',
      );
    return values.secret;
  }
  if (values.key === undefined)
    throw new UsageError(
      '--key KEY.pem (the room secret is derived from it) or --secret is required',
    );
  return roomSecretOf(await signerFrom(values.key), ledgerId);
}

export const invite: Command = {
  name: 'ledger invite',
  summary:
    "print an invitation link to this ledger's room for the app (the room secret derived from --key)",
  usage:
    'patchtrail ledger invite --app URL (--key KEY.pem | --secret SECRET) [--signal WS-URL]... [--name TEAM] --ledger FILE [--json]',
  options: {
    ...ledgerOption,
    app: { type: 'string' },
    key: { type: 'string' },
    secret: { type: 'string' },
    signal: { type: 'string', multiple: true },
    name: { type: 'string' },
  },
  positionals: 0,
  async run(values, _p, context) {
    const address = appAddress(values.app);
    const { ledger } = await openLedger(ledgerPath(values), context);
    const invitation = {
      ledgerId: ledger.id,
      roomSecret: await roomSecret(values, ledger.id),
      signaling: Array.isArray(values.signal) ? values.signal.map(String) : [],
      name: typeof values.name === 'string' ? values.name : ledger.genesis.body.name,
    };
    const link = invitationLink(address, invitation);
    // The app reads it back this strictly: what it would refuse is refused here.
    const read = readInvitationLink(link);
    if (!read.ok) throw new UsageError(`--signal: ${read.message}`);
    out(
      context,
      values,
      {
        ok: true,
        link,
        ledger: ledger.id,
        name: read.invitation.name,
        signaling: read.invitation.signaling,
      },
      `${link}\n`,
    );
    if (values.json !== true)
      context.stderr(
        'The link holds the room secret: send it only to devices you mean to invite. Each device\n' +
          'registers itself; bring its ledger file here (ledger import), then ledger endorse it.\n',
      );
    return 0;
  },
};
