/**
 * A team and its bundles, made in Node with the real core, for the patch workflow's browser
 * tests: an admin founds "Plant 4" (threshold 1), registers an author (developer) and two
 * reviewers, and publishes a policy that wants one review by a reviewer from an author with
 * the developer role; bundles that the policy allows (reviewed), denies (a reviewer's fail),
 * holds for review (no review yet), and one by a stranger; a patch published on the ledger
 * whose bundle is never handed over. For the lineage graph: Sam's tested and forwarded hops on
 * the reviewed patch (and Ada's build), and a `flagged` bundle the admin flags as compromised, on which Mallory
 * equivocates. The browser joins by invitation and gets the ledger file.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invitationLink } from '../../src/core/ledger/invitation.ts';
import {
  appendAttestation,
  createBundle,
  Ledger,
  loadLedgerFile,
  makeSeedSigner,
  serializeBundle,
  serializeEntries,
  signEntry,
  type Bundle,
  type Signer,
} from '../../src/core/index.ts';
import { makeLedgerCheckpoint } from '../../src/core/ledger/proofs.ts';
import type { VerifierKey } from '../../src/core/ledger/note.ts';
import { staffPlant4 } from '../helpers/plant4-team.ts';

const T = '2026-11-22T11:00:00Z';
export const TEAM = 'Plant 4';
export const OLD_CONF = 'mode=old\nlevel=1\n';
export const NEW_CONF = 'mode=new\nlevel=1\n';
const DIFF =
  'diff --git a/app.conf b/app.conf\n--- a/app.conf\n+++ b/app.conf\n@@ -1,2 +1,2 @@\n-mode=old\n+mode=new\n level=1\n';
/** `git diff --binary` of a 6-byte file grown to 7 bytes: a change no apply carries out. */
const BINARY =
  'diff --git a/logo.bin b/logo.bin\n' +
  'index 677273046bce3115f56c248238f3b83f77cfc239..4e0e1df897e1d1c62cc34ba4198ecc6c02b2c878 100644\n' +
  'GIT binary patch\nliteral 7\nOcmZQzWKPP=GXeku?E!EA\n\nliteral 6\nNcmZQzWJ=1+0{{Yf0X+Z!\n\n';

export const POLICY = {
  format: 'urn:patchtrail:policy:v1',
  version: 1,
  name: 'Plant 4 field policy',
  rules: [
    { id: 'authors', kind: 'authors', mode: 'enforce', allow: { roles: ['developer'] } },
    {
      id: 'one-review',
      kind: 'attestations',
      mode: 'enforce',
      reason: 'reviewed',
      count: 1,
      from: { roles: ['reviewer'] },
    },
    { id: 'not-flagged', kind: 'not-flagged', mode: 'enforce' },
  ],
};

export interface WorkflowFixture {
  ledgerId: string;
  /** The ledger file (the CLI's format) the browser imports after joining. */
  ledgerFile: string;
  /** The same ledger grown by `grow` attestations (a file the quota test imports); or ''. */
  grownLedgerFile: string;
  invitation(appAddress: string): string;
  /** Bundle files by name. */
  bundles: Record<BundleName, string>;
  /** The Inbox key (payload digest) of each bundle. */
  keys: Record<BundleName | 'elsewhere', string>;
  dids: Record<'author' | 'rita' | 'sam' | 'mallory', string>;
  /**
   * The admin's checkpoint over a ledger file in that file's order (a checkpoint commits to its
   * keeper's log order): the file with the checkpoint appended, and the key to verify against.
   */
  checkpoint(file: Uint8Array): Promise<{ file: Uint8Array; logKey: VerifierKey }>;
}

const NAMES = ['reviewed', 'failed', 'plain', 'stranger', 'flagged', 'binary'] as const;
export type BundleName = (typeof NAMES)[number];

const seed = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));
const keyOf = (bundle: Bundle) =>
  `sha256:${createHash('sha256').update(Buffer.from(bundle.envelope.payload, 'base64')).digest('hex')}`;

async function bundlesOf(author: Signer, rita: Signer, stranger: Signer) {
  const make = (reason: string, signer = author) =>
    createBundle({ diff: DIFF, signer, reason, components: ['app'], now: new Date(T) });
  const reviewed = await appendAttestation(await make('Switch app.conf to the new mode'), {
    ...{ signer: rita, role: 'reviewer', verdict: 'pass' as const },
    ...{ note: 'Read it; the new mode is right.', now: new Date(T) },
  });
  const failed = await appendAttestation(await make('Switch app.conf, second build'), {
    ...{ signer: rita, role: 'reviewer', verdict: 'fail' as const },
    ...{ note: 'This build breaks level 1.', now: new Date(T) },
  });
  const flagged = await appendAttestation(await make('Switch app.conf, a build we regret'), {
    ...{ signer: rita, role: 'reviewer', verdict: 'pass' as const },
    ...{ note: 'Looked fine at the time.', now: new Date(T) },
  });
  const binary = await appendAttestation(
    await createBundle({
      ...{ diff: DIFF + BINARY, signer: author, reason: 'Switch app.conf and its logo' },
      ...{ components: ['app'], now: new Date(T) },
    }),
    {
      ...{ signer: rita, role: 'reviewer', verdict: 'pass' as const },
      ...{ note: 'The logo too.', now: new Date(T) },
    },
  );
  return {
    reviewed,
    failed,
    flagged,
    binary,
    plain: await make('Switch app.conf, not reviewed yet'),
    stranger: await make('Switch app.conf, from nobody we know', stranger),
    elsewhere: await make('A patch only the ledger has heard of'),
  };
}

/** Two different entries by `who` at its next sequence number: equivocation. */
async function equivocate(ledger: Ledger, who: Signer, patch: string): Promise<void> {
  const head = ledger.head(who.did);
  if (head === undefined) throw new Error('equivocate: no head');
  for (const note of ['first story', 'second story']) {
    const entry = await signEntry(who, {
      ...{ ledger: ledger.id, seq: head.seq + 1, prev: head.id, refs: [], time: T },
      ...{ kind: 'attest', body: { patch, reason: 'reviewed', note } },
    });
    await ledger.admit(entry.bytes, { key: entry.id });
  }
}

/**
 * Ada records a build of the reviewed patch (a leaf apart), Sam tests it and forwards it on
 * (the newest leaf, which this device's apply will name as its parent); the flagged patch is
 * flagged by the admin, and Mallory equivocates about it.
 */
async function lineageEntries(
  ledger: Ledger,
  who: { admin: Signer; author: Signer; sam: Signer; mallory: Signer },
  reviewed: string,
  flagged: string,
): Promise<void> {
  await ledger.append(who.author, 'attest', { patch: reviewed, reason: 'built' }, T);
  const tested = await ledger.append(who.sam, 'attest', { patch: reviewed, reason: 'tested' }, T);
  const parent = tested.id;
  await ledger.append(who.sam, 'attest', { patch: reviewed, reason: 'forwarded', parent }, T);
  const flag = { patch: flagged, compromised: true, evidence: 'It shipped a backdoor.' };
  await ledger.append(who.admin, 'flag', flag, T);
  await ledger.append(who.mallory, 'register', { name: 'Mallory' }, T);
  await equivocate(ledger, who.mallory, flagged);
}

async function publishElsewhere(ledger: Ledger, author: Signer, bundle: Bundle): Promise<string> {
  const elsewhere = keyOf(bundle);
  const diffDigest = JSON.parse(Buffer.from(bundle.envelope.payload, 'base64').toString('utf8'))
    .subject[0].digest.sha256 as string;
  await ledger.append(
    author,
    'publish',
    {
      ...{ patch: elsewhere, diff: `sha256:${diffDigest}`, creator: author.did },
      ...{ reason: 'A patch only the ledger has heard of', components: ['app'], created: T },
    },
    T,
  );
  return elsewhere;
}

async function checkpointFile(admin: Signer, file: Uint8Array) {
  const { ledger } = await loadLedgerFile(file);
  const { key: logKey } = await makeLedgerCheckpoint(ledger, admin, { time: T });
  return { file: serializeEntries(ledger.all()), logKey };
}

/** `grow`: attestations by Rita appended after the ledger file is written (grownLedgerFile). */
export async function buildWorkflowFixture(dir: string, grow = 0): Promise<WorkflowFixture> {
  const [admin, author, rita, sam, mallory, stranger] = await Promise.all(
    [11, 12, 13, 14, 15, 99].map(seed),
  );
  if (!admin || !author || !rita || !sam || !mallory || !stranger) throw new Error('no signers');
  const ledger = await Ledger.found(admin, { name: TEAM, admins: [admin.did], threshold: 1 }, T);
  await staffPlant4(ledger, admin, { author, rita, sam, authorName: 'Ada' }, POLICY, T);
  const made = await bundlesOf(author, rita, stranger);
  const keys = {
    elsewhere: await publishElsewhere(ledger, author, made.elsewhere),
  } as WorkflowFixture['keys'];
  const bundles = {} as WorkflowFixture['bundles'];
  for (const name of NAMES) {
    bundles[name] = join(dir, `${name}.json`);
    keys[name] = keyOf(made[name]);
    await writeFile(bundles[name], serializeBundle(made[name]));
  }
  await lineageEntries(ledger, { admin, author, sam, mallory }, keys.reviewed, keys.flagged);
  const ledgerFile = join(dir, 'plant4.ledger');
  await writeFile(ledgerFile, serializeEntries(ledger.all()));
  const grownLedgerFile = grow > 0 ? join(dir, 'plant4-grown.ledger') : '';
  for (let i = 0; i < grow; i++) {
    const note = `Bench run ${i}: ${'all green. '.repeat(20)}`;
    await ledger.append(rita, 'attest', { patch: keys.elsewhere, reason: 'tested', note }, T);
  }
  if (grow > 0) await writeFile(grownLedgerFile, serializeEntries(ledger.all()));
  const roomSecret = 'AAAAAAAAAAAAAAAAAAAAAA';
  return {
    ledgerId: ledger.id,
    ledgerFile,
    grownLedgerFile,
    invitation: (app) =>
      invitationLink(app, { ledgerId: ledger.id, roomSecret, signaling: [], name: TEAM }),
    bundles,
    keys,
    dids: { author: author.did, rita: rita.did, sam: sam.did, mallory: mallory.did },
    checkpoint: (file) => checkpointFile(admin, file),
  };
}
