/**
 * The team a kiosk belongs to, made in Node with the real core: an admin (who stays in Node,
 * as an admin's laptop would), an author and a reviewer, Rita; a policy that needs Rita's
 * review and checks after every apply that app.conf still holds a `mode=` line; and bundles:
 * `good` (mode=old → mode=new, reviewed), `denied` (Rita marked it failing), `broken`
 * (mode=new → garbage, reviewed, fails the post-apply check) and `newer` (mode=new →
 * mode=newer, reviewed). `endorseKiosk` admits the kiosk's own ledger file (its register
 * entry) and endorses its key with the `kiosk` role; `bindAdminPasskey` records, signed by the
 * admin, a passkey the admin made on the kiosk's own authenticator.
 */
import {
  appendAttestation,
  createBundle,
  Ledger,
  makeSeedSigner,
  serializeBundle,
  serializeEntries,
  utf8Encode,
  type Bundle,
  type Signer,
} from '../../src/core/index.ts';
import { admitLines, ledgerLines } from '../../src/core/ledger/file.ts';
import {
  bindingFromRegistration,
  type RegistrationExpectation,
  type RegistrationJSON,
} from '../../src/app/passkey-registration.ts';

export const TEAM = 'Lobby screens';
export const SECRET = 'kiosk-room-secret-0123456789';

const POLICY = {
  format: 'urn:patchtrail:policy:v1',
  version: 1,
  name: 'lobby kiosks',
  rules: [
    {
      ...{ id: 'review', kind: 'attestations', mode: 'enforce', reason: 'reviewed', count: 1 },
      from: { roles: ['reviewer'] },
    },
    {
      ...{ id: 'health', kind: 'post-apply', mode: 'enforce' },
      checks: [{ path: 'app.conf', contains: 'mode=' }],
    },
  ],
};

const diff = (from: string, to: string) =>
  `--- a/app.conf\n+++ b/app.conf\n@@ -1 +1 @@\n-${from}\n+${to}\n`;

/** Now, to the second: entries and bundles carry it. */
const stamp = () => new Date(Math.floor(Date.now() / 1000) * 1000);

export interface KioskWorld {
  ledgerId: string;
  invitation(origin: string): string;
  /** The team's ledger file as it stands. */
  file(): Uint8Array;
  /** Admits the kiosk's exported ledger and endorses `did` as a kiosk. */
  endorseKiosk(exported: Uint8Array, did: string): Promise<void>;
  /** The admin binds a passkey made on the kiosk's authenticator (a verified registration). */
  bindAdminPasskey(
    registration: RegistrationJSON,
    expected: RegistrationExpectation,
  ): Promise<void>;
  bundles: Record<'good' | 'denied' | 'broken' | 'newer', Uint8Array>;
}

async function bundle(author: Signer, rita: Signer, reason: string, change: string, pass = true) {
  const made = await createBundle({ diff: change, signer: author, reason, now: stamp() });
  const verdict = pass ? 'pass' : 'fail';
  const reviewed: Bundle = await appendAttestation(made, {
    ...{ signer: rita, role: 'reviewer', verdict },
    now: stamp(),
  });
  return utf8Encode(serializeBundle(reviewed));
}

export async function kioskWorld(): Promise<KioskWorld> {
  const seed = (n: number) => makeSeedSigner(new Uint8Array(32).fill(n));
  const [admin, author, rita] = [await seed(41), await seed(42), await seed(43)];
  const time = () => stamp().toISOString().replace('.000Z', 'Z');
  const ledger = await Ledger.found(
    admin,
    { name: TEAM, admins: [admin.did], threshold: 1 },
    time(),
  );
  await ledger.append(author, 'register', { name: 'Ada (author)' }, time());
  await ledger.append(rita, 'register', { name: 'Rita' }, time());
  for (const [who, role] of [
    [author, 'developer'],
    [rita, 'reviewer'],
  ] as const)
    await ledger.append(admin, 'endorse', { subject: who.did, role, stake: 10 }, time());
  await ledger.append(admin, 'policy', { version: 1, policy: POLICY }, time());
  return {
    ledgerId: ledger.id,
    invitation: (origin) =>
      `${origin}#/join?${new URLSearchParams({ ledger: ledger.id, secret: SECRET, name: TEAM }).toString()}`,
    file: () => serializeEntries(ledger.all()),
    async endorseKiosk(exported, did) {
      await admitLines(ledger, ledgerLines(exported).lines);
      await ledger.append(admin, 'endorse', { subject: did, role: 'kiosk', stake: 1 }, time());
    },
    async bindAdminPasskey(registration, expected) {
      const body = await bindingFromRegistration(registration, expected);
      await ledger.append(admin, 'passkey', body, time());
    },
    bundles: {
      good: await bundle(author, rita, 'Lobby player 2.0', diff('mode=old', 'mode=new')),
      denied: await bundle(author, rita, 'Untested tweak', diff('mode=new', 'mode=odd'), false),
      broken: await bundle(author, rita, 'Lobby player 2.1', diff('mode=new', 'garbage')),
      newer: await bundle(author, rita, 'Lobby player 2.2', diff('mode=new', 'mode=newer')),
    },
  };
}
