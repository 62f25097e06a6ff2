/**
 * A team and its bundles, made in Node with the real core, for the patch workflow's browser
 * tests: an admin founds "Plant 4" (threshold 1), registers an author (developer) and two
 * reviewers, and publishes a policy that wants one review by a reviewer from an author with
 * the developer role; bundles that the policy allows (reviewed), denies (a reviewer's fail),
 * holds for review (no review yet), and one by a stranger; a patch published on the ledger
 * whose bundle is never handed over. The browser joins by invitation and gets the ledger file.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invitationLink } from '../../src/app/invitation.ts';
import {
  appendAttestation,
  createBundle,
  Ledger,
  makeSeedSigner,
  serializeBundle,
  serializeEntries,
  type Bundle,
  type Signer,
} from '../../src/core/index.ts';
import { staffPlant4 } from '../helpers/plant4-team.ts';

const T = '2026-11-22T11:00:00Z';
export const TEAM = 'Plant 4';
export const OLD_CONF = 'mode=old\nlevel=1\n';
export const NEW_CONF = 'mode=new\nlevel=1\n';
const DIFF =
  'diff --git a/app.conf b/app.conf\n--- a/app.conf\n+++ b/app.conf\n@@ -1,2 +1,2 @@\n-mode=old\n+mode=new\n level=1\n';

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
  /** Bundle files by name: reviewed, failed, plain, stranger. */
  bundles: Record<'reviewed' | 'failed' | 'plain' | 'stranger', string>;
  /** The Inbox key (payload digest) of each bundle. */
  keys: Record<'reviewed' | 'failed' | 'plain' | 'stranger' | 'elsewhere', string>;
}

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
  return {
    reviewed,
    failed,
    plain: await make('Switch app.conf, not reviewed yet'),
    stranger: await make('Switch app.conf, from nobody we know', stranger),
    elsewhere: await make('A patch only the ledger has heard of'),
  };
}

/** `grow`: attestations by Rita appended after the ledger file is written (grownLedgerFile). */
export async function buildWorkflowFixture(dir: string, grow = 0): Promise<WorkflowFixture> {
  const [admin, author, rita, sam, stranger] = [
    await seed(11),
    await seed(12),
    await seed(13),
    await seed(14),
    await seed(99),
  ];
  const ledger = await Ledger.found(admin, { name: TEAM, admins: [admin.did], threshold: 1 }, T);
  await staffPlant4(ledger, admin, { author, rita, sam, authorName: 'Ada' }, POLICY, T);
  const made = await bundlesOf(author, rita, stranger);
  const elsewhere = keyOf(made.elsewhere);
  const diffDigest = JSON.parse(
    Buffer.from(made.elsewhere.envelope.payload, 'base64').toString('utf8'),
  ).subject[0].digest.sha256 as string;
  await ledger.append(
    author,
    'publish',
    {
      ...{ patch: elsewhere, diff: `sha256:${diffDigest}`, creator: author.did },
      ...{ reason: 'A patch only the ledger has heard of', components: ['app'], created: T },
    },
    T,
  );
  const ledgerFile = join(dir, 'plant4.ledger');
  await writeFile(ledgerFile, serializeEntries(ledger.all()));
  const grownLedgerFile = grow > 0 ? join(dir, 'plant4-grown.ledger') : '';
  for (let i = 0; i < grow; i++) {
    const note = `Bench run ${i}: ${'all green. '.repeat(20)}`;
    await ledger.append(rita, 'attest', { patch: elsewhere, reason: 'tested', note }, T);
  }
  if (grow > 0) await writeFile(grownLedgerFile, serializeEntries(ledger.all()));
  const bundles = {} as WorkflowFixture['bundles'];
  const keys = { elsewhere } as WorkflowFixture['keys'];
  for (const name of ['reviewed', 'failed', 'plain', 'stranger'] as const) {
    bundles[name] = join(dir, `${name}.json`);
    keys[name] = keyOf(made[name]);
    await writeFile(bundles[name], serializeBundle(made[name]));
  }
  const roomSecret = 'AAAAAAAAAAAAAAAAAAAAAA';
  return {
    ledgerId: ledger.id,
    ledgerFile,
    grownLedgerFile,
    invitation: (app) =>
      invitationLink(app, { ledgerId: ledger.id, roomSecret, signaling: [], name: TEAM }),
    bundles,
    keys,
  };
}
