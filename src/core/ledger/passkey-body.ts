/**
 * The shapes of passkey data on the ledger (WebAuthn Level 3): a `passkey` entry binds a
 * credential to its author's identity, and an admin action or attestation may carry a
 * `passkey` assertion in its body. Everything here is attacker-controlled text checked for
 * shape only; the assertion itself is verified against the binding in passkeys.ts.
 */

/** A `passkey` entry's body: a WebAuthn credential bound to the entry's author. */
export interface PasskeyBody {
  /** The credential id, base64url without padding (WebAuthn §5.1 `rawId`). */
  credential: string;
  /** The credential public key as a COSE_Key (RFC 9052 §7), base64url, as the authenticator reported it. */
  publicKey: string;
  /** The attestation statement format the authenticator reported (WebAuthn §8: "none", "packed", ...). */
  format: string;
  /** The origin the credential was created on; assertions must come from the same one. */
  origin: string;
  /** The WebAuthn Relying Party ID the credential is scoped to. */
  rpId: string;
  /** A label for people ("laptop fingerprint reader"). */
  name?: string;
}

/**
 * A WebAuthn assertion (`AuthenticatorAssertionResponse`, base64url members) over the entry
 * that carries it: its challenge is `passkeyChallenge` of that entry (entry.ts).
 */
export interface PasskeyAssertion {
  credential: string;
  authenticatorData: string;
  clientDataJSON: string;
  signature: string;
  userHandle?: string;
}

type Check = (value: unknown) => boolean;

const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** WebAuthn serialises origins as scheme://host[:port], lower case (HTML "serialization of an origin"). */
const ORIGIN = /^https?:\/\/[a-z0-9.-]{1,253}(?::\d{1,5})?$/;
const RP_ID = /^[a-z0-9.-]{1,253}$/;
const FORMAT = /^[a-z0-9-]{1,32}$/;

const base64url =
  (max: number): Check =>
  (v) =>
    typeof v === 'string' && v.length <= max && BASE64URL.test(v);

/** Credential ids are at most 1023 bytes (WebAuthn §4 "Credential ID"). */
const credential = base64url(1364);
/** Room for post-quantum keys and signatures (ML-DSA-87: 2592-byte keys, 4627-byte signatures). */
const bulky = base64url(8192);

const object = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const ASSERTION_REQUIRED: Record<string, Check> = {
  credential,
  authenticatorData: base64url(4096),
  clientDataJSON: base64url(4096),
  signature: bulky,
};

/** Checks a passkey assertion's shape (not its signature). */
export const passkeyAssertion: Check = (v) => {
  if (!object(v)) return false;
  for (const [name, check] of Object.entries(ASSERTION_REQUIRED)) if (!check(v[name])) return false;
  for (const name of Object.keys(v))
    if (!(name in ASSERTION_REQUIRED) && name !== 'userHandle') return false;
  return v.userHandle === undefined || base64url(128)(v.userHandle);
};

/** Required and optional members of a `passkey` entry's body. */
export const PASSKEY_SHAPE: { required: Record<string, Check>; optional: Record<string, Check> } = {
  required: {
    credential,
    publicKey: bulky,
    format: (v) => typeof v === 'string' && FORMAT.test(v),
    origin: (v) => typeof v === 'string' && ORIGIN.test(v),
    rpId: (v) => typeof v === 'string' && RP_ID.test(v),
  },
  optional: { name: (v) => typeof v === 'string' && v.length > 0 && v.length <= 200 },
};
