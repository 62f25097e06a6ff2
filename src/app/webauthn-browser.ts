/**
 * The browser's WebAuthn calls (navigator.credentials), with binary members spelled base64url
 * as the ledger stores them. The Relying Party is this page: RP ID `location.hostname`, origin
 * `location.origin` (README, "Passkeys"). A passkey made here works only on this origin.
 */
import { fromBase64Url, toBase64Url } from '../core/encoding/bytes.ts';
import type { PasskeyAssertion } from '../core/ledger/kinds.ts';
import type { RegistrationJSON } from './passkey-registration.ts';

export interface WebAuthnClient {
  readonly supported: boolean;
  readonly origin: string;
  readonly rpId: string;
  create(options: {
    challenge: Uint8Array;
    userId: Uint8Array;
    name: string;
  }): Promise<RegistrationJSON>;
  get(options: { challenge: Uint8Array; credentials: string[] }): Promise<PasskeyAssertion>;
}

const b64 = (buffer: ArrayBuffer) => toBase64Url(new Uint8Array(buffer));

/** ES256 first (every authenticator), then Ed25519 and RS256 (COSE algorithm ids, RFC 9053). */
const ALGORITHMS = [-7, -8, -257].map((alg) => ({ type: 'public-key' as const, alg }));

export function browserWebAuthn(): WebAuthnClient {
  const supported =
    typeof window !== 'undefined' &&
    window.isSecureContext &&
    typeof window.PublicKeyCredential === 'function';
  const rpId = typeof location === 'undefined' ? '' : location.hostname;
  return {
    supported,
    origin: typeof location === 'undefined' ? '' : location.origin,
    rpId,
    async create({ challenge, userId, name }) {
      const credential = (await navigator.credentials.create({
        publicKey: {
          rp: { id: rpId, name: 'patchtrail' },
          user: { id: new Uint8Array(userId), name, displayName: name },
          challenge: new Uint8Array(challenge),
          pubKeyCredParams: ALGORITHMS,
          authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
          attestation: 'none',
        },
      })) as PublicKeyCredential | null;
      if (credential === null) throw new Error('no passkey was made');
      const response = credential.response as AuthenticatorAttestationResponse;
      return {
        id: credential.id,
        rawId: b64(credential.rawId),
        type: 'public-key',
        response: {
          attestationObject: b64(response.attestationObject),
          clientDataJSON: b64(response.clientDataJSON),
        },
      };
    },
    async get({ challenge, credentials }) {
      const got = (await navigator.credentials.get({
        publicKey: {
          challenge: new Uint8Array(challenge),
          rpId,
          allowCredentials: credentials.map((id) => ({
            type: 'public-key' as const,
            id: new Uint8Array(fromBase64Url(id)),
          })),
          userVerification: 'required',
        },
      })) as PublicKeyCredential | null;
      if (got === null) throw new Error('no passkey answered');
      const response = got.response as AuthenticatorAssertionResponse;
      const assertion: PasskeyAssertion = {
        credential: got.id,
        authenticatorData: b64(response.authenticatorData),
        clientDataJSON: b64(response.clientDataJSON),
        signature: b64(response.signature),
      };
      if (response.userHandle !== null) assertion.userHandle = b64(response.userHandle);
      return assertion;
    },
  };
}
