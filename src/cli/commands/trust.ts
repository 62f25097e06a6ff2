/** `--trust KEY.pem|DID`, repeated: the did:key identities a command trusts. */
import { didFromPublicKey, isDidKey } from '../../core/index.ts';
import { UsageError } from '../errors.ts';
import { readKey } from '../io.ts';

export async function trustedSet(values: unknown): Promise<string[] | undefined> {
  if (values === undefined) return undefined;
  const out: string[] = [];
  for (const value of values as string[]) {
    if (value.startsWith('did:')) {
      if (!isDidKey(value)) throw new UsageError(`--trust: "${value}" is not an Ed25519 did:key`);
      out.push(value);
    } else {
      out.push(didFromPublicKey((await readKey(value)).publicKey));
    }
  }
  return out;
}
