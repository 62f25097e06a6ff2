/**
 * Peers name themselves: each device puts a presence claim in Yjs awareness (its did:key and a
 * signature by that key over the room, its awareness client id, its y-webrtc peer id and a
 * time), so the Peers screen can show a connected peer by the name the verified ledger gives
 * that did. Awareness is written by peers: a claim is untrusted until it checks out — signed by
 * the key its did names, for this room, this awareness client and this connection's peer id,
 * and no older than PRESENCE_FRESH_MS (nor as far in the future) by this device's clock.
 *
 * What a claim proves is control of a key, not standing: the screen looks the did up in the
 * ledger. An insider (it has the room secret) can replay a claim it saw, under the same client
 * and peer ids, until the claim goes stale: it can make a device look connected for minutes,
 * never claim a key it does not hold.
 */
import { publicKeyFromDid } from '../core/crypto/did-key.ts';
import { verify } from '../core/crypto/ed25519.ts';
import type { Signer } from '../core/crypto/signer.ts';
import { fromBase64, toBase64, utf8Encode } from '../core/encoding/bytes.ts';
import { isPatchtrailError } from '../core/errors.ts';
import type { WebrtcPeer } from '../sync/webrtc.ts';
import type { PeerDetail } from './sync.ts';

export interface PresenceClaim {
  did: string;
  /** The y-webrtc peer id of the connection it was made for. */
  peer: string;
  /** When it was signed (ms since the epoch, the signer's clock). */
  at: number;
  /** Ed25519 signature, base64. */
  sig: string;
}

/** A claim older (or further ahead) than this is refused. */
export const PRESENCE_FRESH_MS = 10 * 60_000;
/** Claims are signed again this often, well inside the window. */
export const PRESENCE_RENEW_MS = 4 * 60_000;

function signedText(room: string, client: number, claim: Omit<PresenceClaim, 'sig'>): Uint8Array {
  return utf8Encode(
    `patchtrail presence v1\n${room}\n${client}\n${claim.peer}\n${claim.did}\n${claim.at}`,
  );
}

export async function signPresence(
  signer: Signer,
  room: string,
  client: number,
  peer: string,
  at: number,
): Promise<PresenceClaim> {
  const claim = { did: signer.did, peer, at };
  const sig = await signer.sign(signedText(room, client, claim));
  return { ...claim, sig: toBase64(sig) };
}

const PEER_ID = /^[0-9a-f-]{1,64}$/;

/** The claim in an awareness state, when it has one of the right shape (untrusted). */
export function presenceOf(state: unknown): PresenceClaim | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const presence = (state as { presence?: unknown }).presence;
  if (typeof presence !== 'object' || presence === null) return undefined;
  const { did, peer, at, sig } = presence as Record<string, unknown>;
  if (typeof did !== 'string' || did.length > 128) return undefined;
  if (typeof peer !== 'string' || !PEER_ID.test(peer)) return undefined;
  if (typeof at !== 'number' || !Number.isSafeInteger(at)) return undefined;
  if (typeof sig !== 'string' || sig.length > 128) return undefined;
  return { did, peer, at, sig };
}

/** The did a claim proves, or undefined (bad signature, stale, another room or client). */
export async function checkPresence(
  claim: PresenceClaim,
  room: string,
  client: number,
  now: number,
): Promise<string | undefined> {
  if (Math.abs(now - claim.at) > PRESENCE_FRESH_MS) return undefined;
  try {
    const key = publicKeyFromDid(claim.did);
    const sig = fromBase64(claim.sig, 'presence signature');
    const ok = await verify(key, signedText(room, client, claim), sig);
    return ok ? claim.did : undefined;
  } catch (error) {
    if (isPatchtrailError(error)) return undefined;
    throw error;
  }
}

/** Checked claims remembered at most (a hostile peer can write many). */
const MAX_CHECKED = 512;

/**
 * Checks claims once each and remembers the outcome: `did(client, claim)` answers at once
 * from what is known (undefined while a check runs) and calls `checked` when one finishes.
 */
export function makePresenceChecker(room: string, checked: () => void, now: () => number) {
  const known = new Map<string, string | null>();
  return {
    did(client: number, claim: PresenceClaim): string | undefined {
      if (Math.abs(now() - claim.at) > PRESENCE_FRESH_MS) return undefined;
      const key = `${client}|${claim.peer}|${claim.did}|${claim.at}|${claim.sig}`;
      const found = known.get(key);
      if (found !== undefined) return found ?? undefined;
      if (known.size >= MAX_CHECKED) known.clear();
      known.set(key, null);
      checkPresence(claim, room, client, now())
        .then((did) => {
          if (did === undefined) return;
          known.set(key, did);
          checked();
        })
        .catch(() => undefined); // an unexpected failure: the peer stays unnamed
      return undefined;
    },
  };
}

/** Awareness states read at most per look (a hostile peer can add many). */
const MAX_STATES = 256;

/**
 * A peer session's presence: this device's own claim (signed again for a new doc or peer id,
 * and before it goes stale) and the peers named by the claims that check out.
 */
export function makePresence(
  room: string,
  signer: Signer | undefined,
  now: () => number,
  checked: () => void,
) {
  const checker = makePresenceChecker(room, checked, now);
  let claim: { key: string; value: PresenceClaim } | undefined;
  const fresh = (key: string) =>
    claim !== undefined && claim.key === key && now() - claim.value.at < PRESENCE_RENEW_MS;
  return {
    /** True when this device should (re)sign its claim for this doc and connection. */
    stale: (client: number, peer: string | undefined) =>
      signer !== undefined && peer !== undefined && !fresh(`${client}|${peer}`),
    async own(client: number, peer: string | undefined): Promise<PresenceClaim | undefined> {
      if (signer === undefined || peer === undefined) return undefined;
      const key = `${client}|${peer}`;
      if (!fresh(key))
        claim = { key, value: await signPresence(signer, room, client, peer, now()) };
      return claim?.value;
    },
    /** The peers, each with the did its claim proves once checked. */
    name(peers: readonly WebrtcPeer[], states: Map<number, unknown>, self: number): PeerDetail[] {
      const dids = new Map<string, string>();
      let read = 0;
      for (const [client, state] of states) {
        if (client === self || read++ >= MAX_STATES) continue;
        const found = presenceOf(state);
        const did = found === undefined ? undefined : checker.did(client, found);
        if (found !== undefined && did !== undefined) dids.set(found.peer, did);
      }
      return peers.map((peer) => {
        const did = dids.get(peer.id);
        return did === undefined ? peer : { ...peer, did };
      });
    },
  };
}
