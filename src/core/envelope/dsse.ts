/**
 * DSSE v1 envelopes (secure-systems-lab/dsse, protocol.md v1.0.2). The signature covers
 * PAE(payloadType, payload), never the payload alone, so the type is authenticated too.
 * Envelopes are attacker-controlled; `keyid` is an unauthenticated hint.
 */
import { concatBytes, fromBase64, toBase64, utf8Encode } from '../encoding/bytes.ts';
import { verify, type Ed25519Backend } from '../crypto/ed25519.ts';
import type { Signer } from '../crypto/signer.ts';

export interface EnvelopeSignature {
  keyid?: string;
  sig: string;
}

export interface Envelope {
  payloadType: string;
  payload: string;
  signatures: EnvelopeSignature[];
}

/** PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, LEN in bytes. */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = utf8Encode(payloadType);
  return concatBytes(
    utf8Encode(`DSSEv1 ${type.length} `),
    type,
    utf8Encode(` ${payload.length} `),
    payload,
  );
}

export async function signEnvelope(
  payloadType: string,
  payload: Uint8Array,
  signer: Signer,
): Promise<Envelope> {
  const sig = await signer.sign(pae(payloadType, payload));
  return {
    payloadType,
    payload: toBase64(payload),
    signatures: [{ keyid: signer.did, sig: toBase64(sig) }],
  };
}

/**
 * Checks one signature of an envelope against a public key. Base64 errors in the envelope
 * are coded rejections (`MALFORMED_INPUT`); a wrong signature is `false`.
 */
export async function verifyEnvelopeSignature(
  envelope: Envelope,
  signature: EnvelopeSignature,
  publicKey: Uint8Array,
  backend?: Ed25519Backend,
): Promise<boolean> {
  const payload = fromBase64(envelope.payload, 'envelope payload');
  const sig = fromBase64(signature.sig, 'signature');
  return verify(publicKey, pae(envelope.payloadType, payload), sig, backend);
}
