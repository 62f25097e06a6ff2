/** `create` and `attest`: sign a new bundle, or append an attestation to one. */
import { basename } from 'node:path';
import {
  appendAttestation,
  createBundleReport,
  makeSeedSigner,
  MAX_BUNDLE_BYTES,
  MAX_DIFF_BYTES,
  readBundle,
  serializeBundle,
  type Signer,
  type UnappliableChange,
} from '../../core/index.ts';
import type { CreateBundleInput } from '../../core/index.ts';
import { UsageError } from '../errors.ts';
import { digestReference, readInput, readKey, writeAtomic } from '../io.ts';
import { shown } from '../terminal.ts';
import type { CliContext, Command } from '../context.ts';

export async function signerFrom(path: unknown): Promise<Signer> {
  if (typeof path !== 'string') throw new UsageError('--key KEY.pem is required');
  const key = await readKey(path);
  if (key.kind !== 'private')
    throw new UsageError(`"${path}" is a public key; signing needs the private key`);
  return makeSeedSigner(key.seed);
}

async function emit(text: string, out: unknown, context: CliContext): Promise<void> {
  if (typeof out === 'string' && out !== '-') await writeAtomic(out, text);
  else context.stdout(text);
}

function parseStrip(value: unknown): number {
  if (value === undefined) return 1;
  if (typeof value !== 'string' || !/^\d{1,2}$/.test(value)) {
    throw new UsageError('--strip takes a whole number from 0 to 64');
  }
  const n = Number(value);
  if (n > 64) throw new UsageError('--strip takes a whole number from 0 to 64');
  return n;
}

/**
 * The bundle carries any bytes, a binary patch or a symbolic link too, but no apply carries
 * those out: the author hears it now, on stderr (the bundle is still written, and the exit is
 * 0), not from every device that refuses it later.
 */
function warnUnappliable(changes: readonly UnappliableChange[], context: CliContext): void {
  for (const change of changes)
    context.stderr(
      `warning: ${shown(change.path)}: a ${change.what}; apply refuses it, so this bundle cannot be applied as it is\n`,
    );
}

export const create: Command = {
  name: 'create',
  summary: 'sign a unified diff into a patch bundle',
  usage:
    'patchtrail create --diff FILE|- --key KEY.pem [--reason TEXT] [--component NAME]...\n' +
    '                  [--build-env FILE|sha256:HEX] [--tests FILE|sha256:HEX] [--strip N] [--out FILE]',
  options: {
    diff: { type: 'string' },
    key: { type: 'string' },
    reason: { type: 'string' },
    component: { type: 'string', multiple: true },
    'build-env': { type: 'string' },
    tests: { type: 'string' },
    strip: { type: 'string' },
    out: { type: 'string' },
  },
  positionals: 0,
  async run(values, _positionals, context) {
    const diffPath = values.diff;
    if (typeof diffPath !== 'string') throw new UsageError('--diff FILE|- is required');
    const strip = parseStrip(values.strip);
    const signer = await signerFrom(values.key);
    // Any bytes: a diff that is not UTF-8 is carried in base64 (bundle/diff-encoding.ts).
    const diff = await readInput(diffPath, MAX_DIFF_BYTES, 'diff');
    const input: CreateBundleInput = {
      diff,
      signer,
      components: (values.component as string[] | undefined) ?? [],
      strip,
      now: context.now(),
      subjectName: diffPath === '-' ? 'patch.diff' : basename(diffPath),
    };
    if (typeof values.reason === 'string') input.reason = values.reason;
    if (typeof values['build-env'] === 'string') {
      input.buildEnvironment = await digestReference(values['build-env'], '--build-env');
    }
    if (typeof values.tests === 'string') {
      input.validationTests = await digestReference(values.tests, '--tests');
    }
    const { bundle, unappliable, onlyIn } = await createBundleReport(input);
    await emit(serializeBundle(bundle), values.out, context);
    warnUnappliable(unappliable, context);
    for (const path of onlyIn)
      context.stderr(
        `warning: ${shown(path)}: in one tree only (diff -r without -N leaves such a file out); this bundle does not carry it\n`,
      );
    return 0;
  },
};

export const attest: Command = {
  name: 'attest',
  summary: "append a reviewer's, tester's or compliance officer's signed attestation",
  usage:
    'patchtrail attest BUNDLE --key KEY.pem --role ROLE [--verdict pass|fail] [--note TEXT] [--out FILE]',
  options: {
    key: { type: 'string' },
    role: { type: 'string' },
    verdict: { type: 'string' },
    note: { type: 'string' },
    out: { type: 'string' },
  },
  positionals: 1,
  async run(values, [path = ''], context) {
    const role = values.role;
    if (typeof role !== 'string') throw new UsageError('--role ROLE is required');
    if (!/^[a-z][a-z0-9_-]{0,31}$/.test(role)) {
      throw new UsageError(
        '--role must be lower-case letters, digits, "-" or "_", at most 32, e.g. reviewer',
      );
    }
    const verdict = values.verdict ?? 'pass';
    if (verdict !== 'pass' && verdict !== 'fail') throw new UsageError('--verdict is pass or fail');
    const signer = await signerFrom(values.key);
    const bundle = readBundle(await readInput(path, MAX_BUNDLE_BYTES, 'bundle'));
    const note = typeof values.note === 'string' ? { note: values.note } : {};
    const updated = await appendAttestation(bundle, {
      signer,
      role,
      verdict,
      now: context.now(),
      ...note,
    });
    await emit(serializeBundle(updated), values.out, context);
    return 0;
  },
};
