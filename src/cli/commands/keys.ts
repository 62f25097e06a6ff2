/** `keygen` and `id`: Ed25519 keys as PEM files, named by did:key. */
import { didFromPublicKey, makeSeedSigner, privateKeyPem } from '../../core/index.ts';
import { UsageError } from '../errors.ts';
import { exists, readKey, writeAtomic } from '../io.ts';
import type { Command } from '../context.ts';

export const keygen: Command = {
  name: 'keygen',
  summary: 'make an Ed25519 key (PKCS#8 PEM, mode 0600) and print its did:key',
  usage: 'patchtrail keygen --out KEY.pem',
  options: { out: { type: 'string' } },
  positionals: 0,
  async run(values, _positionals, context) {
    const out = values.out;
    if (typeof out !== 'string') throw new UsageError('--out KEY.pem is required');
    if (await exists(out)) throw new UsageError(`"${out}" exists; refusing to overwrite a key`);
    const seed = crypto.getRandomValues(new Uint8Array(32));
    const { did } = await makeSeedSigner(seed);
    const pem = privateKeyPem(seed);
    seed.fill(0);
    await writeAtomic(out, pem, 0o600);
    context.stdout(`${did}\n`);
    return 0;
  },
};

export const id: Command = {
  name: 'id',
  summary: 'print the did:key of a private or public PEM key',
  usage: 'patchtrail id KEY.pem',
  options: {},
  positionals: 1,
  async run(_values, [path = ''], context) {
    const key = await readKey(path);
    context.stdout(`${didFromPublicKey(key.publicKey)}\n`);
    return 0;
  },
};
