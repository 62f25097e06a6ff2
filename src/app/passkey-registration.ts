/**
 * Turns a WebAuthn registration (navigator.credentials.create's answer, base64url JSON) into
 * the body of a `passkey` ledger entry. The library verifies the registration (challenge,
 * origin, RP ID, user verification, the attestation statement in the format the authenticator
 * chose) and extracts the credential id, its COSE public key and that format; nothing is parsed
 * by hand. It lives in the app, not core, because checking an attestation certificate reads the
 * clock. No DOM here: the passkey fixtures' generator uses it in Node too.
 */
import type { PasskeyBody } from '../core/ledger/kinds.ts';
import { loadWebAuthnLibrary } from '../core/crypto/webauthn.ts';
import { toBase64Url } from '../core/encoding/bytes.ts';

/** `PublicKeyCredential.toJSON()` of a registration, as WebAuthn Level 3 spells it. */
export interface RegistrationJSON {
  id: string;
  rawId: string;
  type: 'public-key';
  response: { attestationObject: string; clientDataJSON: string; transports?: string[] };
}

export interface RegistrationExpectation {
  challenge: Uint8Array;
  origin: string;
  rpId: string;
  name?: string;
}

export async function bindingFromRegistration(
  registration: RegistrationJSON,
  expected: RegistrationExpectation,
): Promise<PasskeyBody> {
  const { verifyRegistrationResponse } = await loadWebAuthnLibrary();
  const result = await verifyRegistrationResponse({
    response: {
      id: registration.id,
      rawId: registration.rawId,
      type: registration.type,
      clientExtensionResults: {},
      response: {
        attestationObject: registration.response.attestationObject,
        clientDataJSON: registration.response.clientDataJSON,
      },
    },
    expectedChallenge: toBase64Url(expected.challenge),
    expectedOrigin: expected.origin,
    expectedRPID: expected.rpId,
    requireUserVerification: true,
  });
  if (!result.verified) throw new Error('the authenticator’s registration did not verify');
  const { credential, fmt } = result.registrationInfo;
  const body: PasskeyBody = {
    credential: credential.id,
    publicKey: toBase64Url(credential.publicKey),
    format: fmt,
    origin: expected.origin,
    rpId: expected.rpId,
  };
  if (expected.name !== undefined && expected.name !== '') body.name = expected.name;
  return body;
}
