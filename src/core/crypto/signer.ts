/**
 * A signer is an identity that can sign: its did:key, its public key and a sign function.
 * Browser keys (non-extractable WebCrypto) and CLI keys (PEM seeds) both fit this shape.
 */
import { didFromPublicKey } from './did-key.ts';
import { makeSigner, publicKeyFromSeed, type Ed25519Backend } from './ed25519.ts';

export interface Signer {
  readonly did: string;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

export async function makeSeedSigner(seed: Uint8Array, backend?: Ed25519Backend): Promise<Signer> {
  const publicKey = publicKeyFromSeed(seed);
  const sign = await makeSigner(seed, backend);
  return { did: didFromPublicKey(publicKey), publicKey, sign };
}
