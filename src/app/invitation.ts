/**
 * Invitations: what a device needs to find a team's room — the ledger id, the room secret and
 * any signaling addresses — carried in a link's fragment (`#/join?…`), which browsers never send
 * to a server. An invitation carries no trust: the joining device registers itself, and an
 * admin endorses it. A link arrives from anywhere, so reading one is strict and never throws.
 */
import { toBase64 } from '../core/encoding/bytes.ts';
import type { ErrorCode } from '../core/errors.ts';
import { oneLineName } from '../storage/device-key.ts';

export interface Invitation {
  ledgerId: string;
  roomSecret: string;
  /** ws:// or wss:// addresses; empty means the app's own signaling, same origin. */
  signaling: string[];
  /** The team's name as the inviter wrote it: a hint until the genesis arrives. */
  name: string;
}

export type InvitationRead =
  { ok: true; invitation: Invitation } | { ok: false; code: ErrorCode; message: string };

/** 16 random bytes: 128 bits, the least a room secret may carry. */
export const ROOM_SECRET_BYTES = 16;
const SECRET = /^[A-Za-z0-9_-]{22,128}$/;
const LEDGER_ID = /^sha256:[0-9a-f]{64}$/;
const MAX_SIGNALING = 4;
const MAX_NAME = 64;

/** A new room secret from `random` (crypto.getRandomValues in the app), base64url. */
export function newRoomSecret(random: (bytes: Uint8Array) => Uint8Array): string {
  const bytes = random(new Uint8Array(ROOM_SECRET_BYTES));
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The link to share: the app's address with the invitation in its fragment. */
export function invitationLink(appAddress: string, invitation: Invitation): string {
  const query = new URLSearchParams({
    ledger: invitation.ledgerId,
    secret: invitation.roomSecret,
    // Only a hint (the genesis names the team), cut as the reader cuts it: a name at the
    // ledger's limit (4,096 characters) made a link too long for its QR code.
    name: oneLineName(invitation.name, MAX_NAME),
  });
  for (const address of invitation.signaling) query.append('signal', address);
  return `${appAddress.split('#')[0] ?? appAddress}#/join?${query.toString()}`;
}

function isSignalingAddress(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'ws:' || url.protocol === 'wss:') && text.length <= 512;
  } catch {
    return false;
  }
}

const refused = (message: string): InvitationRead => ({
  ok: false,
  code: 'MALFORMED_INPUT',
  message,
});

/** Reads an invitation from a link's query (the part after `#/join?`), untrusted. */
export function readInvitation(query: string): InvitationRead {
  const params = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const ledgerId = params.get('ledger') ?? '';
  const roomSecret = params.get('secret') ?? '';
  const signaling = params.getAll('signal');
  if (!LEDGER_ID.test(ledgerId))
    return refused('the invitation names no ledger (expected sha256: and 64 hex digits)');
  if (!SECRET.test(roomSecret))
    return refused('the invitation has no room secret of 128 bits or more');
  if (signaling.length > MAX_SIGNALING || !signaling.every(isSignalingAddress))
    return refused(`signaling addresses must be ws:// or wss:// (at most ${MAX_SIGNALING})`);
  const name = oneLineName(params.get('name') ?? '', MAX_NAME);
  return { ok: true, invitation: { ledgerId, roomSecret, signaling, name } };
}

/** Reads an invitation from a whole link someone pasted (anything after `#/join?`). */
export function readInvitationLink(link: string): InvitationRead {
  const at = link.indexOf('#/join?');
  if (at === -1) return refused('this is not an invitation link (it has no #/join? part)');
  return readInvitation(link.slice(at + '#/join?'.length));
}
