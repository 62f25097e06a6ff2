/**
 * A team ledger for the Policy screen's tests, made with the real core: two admins (Ada and
 * Bo, threshold 2, plus any extra admin dids, such as a browser's device key), a developer,
 * two reviewers, and `patches` published patches — a third with no review, a third with one,
 * a third with two — and policy version 1 (one review by a reviewer) published by both admins,
 * so it is in force. A draft asking for two reviews then denies the patches with one.
 */
import {
  Ledger,
  makeSeedSigner,
  serializeEntries,
  toHex,
  type Signer,
} from '../../src/core/index.ts';

export const T = '2026-11-22T11:00:00Z';

export const POLICY_V1 = {
  format: 'urn:patchtrail:policy:v1',
  version: 1,
  name: 'Plant policy',
  rules: [
    {
      id: 'reviewed',
      kind: 'attestations',
      mode: 'enforce',
      reason: 'reviewed',
      count: 1,
      from: { roles: ['reviewer'] },
    },
  ],
} as const;

export interface PolicyTeam {
  ledger: Ledger;
  name: string;
  signers: Record<'ada' | 'bo' | 'dev' | 'rita' | 'rex', Signer>;
  /** Patch digests by the number of reviews they have. */
  reviews: [string[], string[], string[]];
  file(): Uint8Array;
}

const seed = (n: number) => new Uint8Array(32).fill(n);
/** A distinct digest for each (n, salt): n in the first four bytes, salt in the fifth. */
const digest = (n: number, salt: number) => {
  const bytes = new Uint8Array(32).map((_, i) => (i * 13 + salt * 101) & 0xff);
  new DataView(bytes.buffer).setUint32(0, n);
  bytes[4] = salt;
  return `sha256:${toHex(bytes)}`;
};

export interface PolicyTeamOptions {
  patches?: number;
  /** More admins in the genesis (by did): devices that can publish from a browser. */
  admins?: string[];
  /** Publish policy version 1 (default true). */
  inForce?: boolean;
}

export async function buildPolicyTeam(options: PolicyTeamOptions = {}): Promise<PolicyTeam> {
  const [ada, bo, dev, rita, rex] = await Promise.all(
    [1, 2, 3, 4, 5].map((n) => makeSeedSigner(seed(40 + n))),
  );
  if (
    ada === undefined ||
    bo === undefined ||
    dev === undefined ||
    rita === undefined ||
    rex === undefined
  )
    throw new Error('no signers');
  const name = 'Plant 4';
  const admins = [ada.did, bo.did, ...(options.admins ?? [])];
  const ledger = await Ledger.found(ada, { name, admins, threshold: 2 }, T);
  const names: [Signer, string][] = [
    [bo, 'Bo'],
    [dev, 'Dev'],
    [rita, 'Rita'],
    [rex, 'Rex'],
  ];
  for (const [who, n] of names) await ledger.append(who, 'register', { name: n }, T);
  for (const admin of [ada, bo]) {
    await ledger.append(admin, 'endorse', { subject: dev.did, role: 'developer', stake: 10 }, T);
    for (const r of [rita, rex])
      await ledger.append(admin, 'endorse', { subject: r.did, role: 'reviewer', stake: 10 }, T);
  }
  const reviews: [string[], string[], string[]] = [[], [], []];
  for (let i = 0; i < (options.patches ?? 6); i++) {
    const patch = digest(i, 1);
    const body = {
      patch,
      diff: digest(i, 2),
      creator: dev.did,
      reason: `fix: patch ${i}`,
      components: ['core/app'],
      created: T,
    };
    await ledger.append(dev, 'publish', body, T);
    const count = i % 3;
    for (const r of [rita, rex].slice(0, count))
      await ledger.append(r, 'attest', { patch, reason: 'reviewed' }, T);
    reviews[count]?.push(patch);
  }
  if (options.inForce !== false)
    for (const admin of [ada, bo])
      await ledger.append(
        admin,
        'policy',
        { version: 1, policy: structuredClone(POLICY_V1) as never },
        T,
      );
  return {
    ledger,
    name,
    signers: { ada, bo, dev, rita, rex },
    reviews,
    file: () => serializeEntries(ledger.all()),
  };
}
