/**
 * WebAuthn assertion verification: the one module that calls @simplewebauthn/server, a
 * well-kept library that parses authenticator data (CBOR), client data and COSE keys and
 * verifies the signature with WebCrypto, which Node 20 and browsers both provide. Verification
 * reads no clock and no randomness, so every peer reaches the same answer on the same bytes.
 *
 * Rules enforced (WebAuthn Level 3 §7.2 "Verifying an Authentication Assertion"): type
 * `webauthn.get`; the challenge is exactly the one given; the origin is exactly the one given
 * (not cross-origin); the RP ID hash matches; user presence and user verification flags are set;
 * the signature counter, when either side is non-zero, is above the last one accepted. The
 * library loads on first use, so bundles that never meet a passkey never load it.
 *
 * Every input is attacker-controlled. Undecodable data is MALFORMED_INPUT; anything that
 * decodes but does not verify is INVALID_SIGNATURE. Nothing here throws another error.
 */
import { toBase64Url } from '../encoding/bytes.ts';
import { reject } from '../errors.ts';

export interface WebAuthnAssertion {
  credential: string;
  authenticatorData: string;
  clientDataJSON: string;
  signature: string;
  userHandle?: string;
}

export interface WebAuthnExpectation {
  /** The challenge bytes the assertion must carry. */
  challenge: Uint8Array;
  origin: string;
  rpId: string;
  /** The credential's COSE_Key. */
  publicKey: Uint8Array;
  /** The highest signature counter accepted before this assertion (0: none). */
  counter: number;
}

/**
 * Loads the library. Its certificate code (tsyringe, under @peculiar/x509) needs the Reflect
 * metadata polyfill when it loads; the library imports it first, but a bundler that hoists
 * modules can run that check before a CommonJS polyfill, so it is loaded on its own first.
 */
export async function loadWebAuthnLibrary() {
  await import('reflect-metadata');
  return import('@simplewebauthn/server');
}

async function helpers() {
  await import('reflect-metadata');
  return import('@simplewebauthn/server/helpers');
}

/** Decodes what the library would decode, so that garbage is told apart from a bad signature. */
async function decodeAll(assertion: WebAuthnAssertion, publicKey: Uint8Array): Promise<void> {
  const h = await helpers();
  const parts: [string, () => unknown][] = [
    [
      'the credential public key (COSE)',
      () => h.decodeCredentialPublicKey(new Uint8Array(publicKey)),
    ],
    [
      'authenticatorData',
      () => h.parseAuthenticatorData(h.isoBase64URL.toBuffer(assertion.authenticatorData)),
    ],
    ['clientDataJSON', () => h.decodeClientDataJSON(assertion.clientDataJSON)],
  ];
  for (const [what, decode] of parts) {
    try {
      const value = decode();
      if (value === null || typeof value !== 'object') throw new Error('not a map');
    } catch (error) {
      reject('MALFORMED_INPUT', `passkey assertion: ${what} does not decode (${messageOf(error)})`);
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Verifies one assertion; returns the authenticator's new signature counter. */
export async function verifyWebAuthnAssertion(
  assertion: WebAuthnAssertion,
  expected: WebAuthnExpectation,
): Promise<{ counter: number }> {
  await decodeAll(assertion, expected.publicKey);
  const { verifyAuthenticationResponse } = await loadWebAuthnLibrary();
  let result: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    result = await verifyAuthenticationResponse({
      response: {
        id: assertion.credential,
        rawId: assertion.credential,
        type: 'public-key',
        clientExtensionResults: {},
        response: {
          authenticatorData: assertion.authenticatorData,
          clientDataJSON: assertion.clientDataJSON,
          signature: assertion.signature,
          ...(assertion.userHandle === undefined ? {} : { userHandle: assertion.userHandle }),
        },
      },
      expectedChallenge: toBase64Url(expected.challenge),
      expectedOrigin: expected.origin,
      expectedRPID: expected.rpId,
      credential: {
        id: assertion.credential,
        publicKey: new Uint8Array(expected.publicKey),
        counter: expected.counter,
      },
      requireUserVerification: true,
    });
  } catch (error) {
    return reject('INVALID_SIGNATURE', `passkey assertion: ${messageOf(error)}`);
  }
  if (!result.verified)
    reject('INVALID_SIGNATURE', 'passkey assertion: the signature does not verify');
  return { counter: result.authenticationInfo.newCounter };
}
