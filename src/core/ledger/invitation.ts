/**
 * Invitations: what a device needs to find a team's room — the ledger id, the room secret and
 * any signaling addresses — carried in a link's fragment (`#/join?…`), which browsers never send
 * to a server. An invitation carries no trust: the joining device registers itself, and an
 * admin endorses it. A link arrives from anywhere, so reading one is strict and never throws.
 *
 * The app draws a team's room secret at random when it founds the team; the CLI, which keeps
 * no state beside the ledger file, derives one from the inviting key (`roomSecretOf`), so every
 * invitation made with that key opens the same room.
 */
import { sha256 } from '../crypto/hash.ts';
import type { Signer } from '../crypto/signer.ts';
import { toBase64Url, utf8Encode } from '../encoding/bytes.ts';
import { oneLineName } from '../encoding/visible.ts';
import type { ErrorCode } from '../errors.ts';

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
  return toBase64Url(random(new Uint8Array(ROOM_SECRET_BYTES)));
}

/**
 * The room secret `signer` derives for a ledger: SHA-256 of its Ed25519 signature over a
 * message of its own (RFC 8032 signatures are deterministic, so the same key gives the same
 * secret, 256 bits, base64url). The signature is never shown; no entry, checkpoint or
 * cosignature signs a message of this form.
 */
export async function roomSecretOf(signer: Signer, ledgerId: string): Promise<string> {
  const signature = await signer.sign(utf8Encode(`patchtrail room secret v1\n${ledgerId}\n`));
  return toBase64Url(await sha256(signature));
}

/** Whether `text` is a room secret an invitation may carry (base64url, 128 bits or more). */
export function isRoomSecret(text: string): boolean {
  return SECRET.test(text);
}

/** The link to share: the app's address with the invitation in its fragment. */
export function invitationLink(appAddress: string, invitation: Invitation): string {
  return `${appAddress.split('#')[0] ?? appAddress}#/join?${invitationQuery(invitation)}`;
}

/** The invitation as the query of the app's `#/join?` route. */
export function invitationQuery(invitation: Invitation): string {
  const query = new URLSearchParams({
    ledger: invitation.ledgerId,
    secret: invitation.roomSecret,
    // Only a hint (the genesis names the team), cut as the reader cuts it: a name at the
    // ledger's limit (4,096 characters) made a link too long for its QR code.
    name: oneLineName(invitation.name, MAX_NAME),
  });
  for (const address of invitation.signaling) query.append('signal', address);
  return query.toString();
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
export function readInvitationLink(text: string): InvitationRead {
  // A link never holds white space (the builder encodes it): pasted with the message it came
  // in ("join us: <link> thanks"), the link is the word that holds "#/join?".
  const link = text.split(/\s+/).find((word) => word.includes('#/join?')) ?? text;
  const at = link.indexOf('#/join?');
  if (at === -1) return refused('this is not an invitation link (it has no #/join? part)');
  return readInvitation(link.slice(at + '#/join?'.length));
}
