/**
 * The staff of the "Plant 4" team that the patch workflow's tests share: an author with the
 * developer role and two reviewers, Rita and Sam, each registered by name and endorsed with
 * stake by the admin, then the policy the test passes published.
 */
import type { Json } from '../../src/core/encoding/canonical-json.ts';
import type { Ledger, Signer } from '../../src/core/index.ts';

export interface Plant4Staff {
  author: Signer;
  rita: Signer;
  sam: Signer;
}

export async function staffPlant4(
  ledger: Ledger,
  admin: Signer,
  staff: Plant4Staff & { authorName: string },
  policy: { [key: string]: Json },
  time: string,
): Promise<void> {
  const { author, rita, sam } = staff;
  await ledger.append(author, 'register', { name: staff.authorName }, time);
  await ledger.append(rita, 'register', { name: 'Rita' }, time);
  await ledger.append(sam, 'register', { name: 'Sam' }, time);
  for (const [who, role] of [
    [author, 'developer'],
    [rita, 'reviewer'],
    [sam, 'reviewer'],
  ] as const)
    await ledger.append(admin, 'endorse', { subject: who.did, role, stake: 10 }, time);
  await ledger.append(admin, 'policy', { version: 1, policy }, time);
}
