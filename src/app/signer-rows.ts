/**
 * A bundle's signatures as the team ledger sees their signers: registered name, the roles the
 * registry gives (the role a bundle claims is shown, never trusted), standing, and whether the
 * signature counts. An attester the ledger does not know is listed and marked "not counted".
 */
import type { AttesterReport } from '../core/agent/types.ts';
import type { Identity } from '../core/ledger/registry.ts';
import { attesterStanding, holdsRole } from '../core/policy/chain.ts';
import type { SignatureRow } from './check.ts';

export type SignerStanding = 'registered' | 'unknown' | 'revoked' | 'malicious' | 'not-checked';

export interface SignerRow {
  /** 'author', or the role the attestation claims (unverified). */
  claimedRole: string;
  isAuthor: boolean;
  did: string;
  /** Registered name, '' when the ledger does not know the key. */
  name: string;
  signature: SignatureRow['status'];
  problem?: { code: string; message: string };
  /** Roles the registry says the key holds (with stake above 0). */
  roles: string[];
  standing: SignerStanding;
  /** Whether this signature counts for the policy. */
  counted: boolean;
  /** Why not, in words, when it does not. */
  why?: string;
  verdict?: 'pass' | 'fail';
  note?: string;
  timestamp?: string;
}

const NOT_COUNTED: Record<Exclude<SignerStanding, 'registered'>, string> = {
  unknown: 'not counted: this team’s ledger does not know this key',
  revoked: 'not counted: this key was revoked',
  malicious: 'not counted: this key signed two different stories (equivocation)',
  'not-checked': 'not counted: no team ledger is open on this device',
};

function rolesOf(identity: Identity | undefined): string[] {
  if (identity === undefined) return [];
  return Object.keys(identity.roles)
    .filter((role) => holdsRole(identity, [role]) !== undefined)
    .sort();
}

/** Every signature, with the signer as the registry sees it (undefined: no team open). */
export function signerRows(
  signatures: readonly SignatureRow[],
  identities: ReadonlyMap<string, Identity> | undefined,
  attesters: readonly AttesterReport[] = [],
): SignerRow[] {
  return signatures.map((sig): SignerRow => {
    const isAuthor = sig.role === 'author';
    const identity = identities?.get(sig.did);
    const standing: SignerStanding =
      identities === undefined ? 'not-checked' : attesterStanding(identities, sig.did);
    const reported = attesters.find((a) => a.did === sig.did);
    let why: string | undefined;
    if (sig.status !== 'valid') why = 'not counted: the signature does not verify';
    else if (sig.repeat === true) why = 'not counted: this key already attested';
    else if (standing !== 'registered') why = NOT_COUNTED[standing];
    else if (!isAuthor && reported === undefined) why = 'not counted: the author attesting itself';
    const row: SignerRow = {
      claimedRole: sig.role,
      isAuthor,
      did: sig.did,
      name: identity?.name ?? '',
      signature: sig.status,
      roles: rolesOf(identity),
      standing,
      counted: why === undefined,
    };
    if (why !== undefined) row.why = why;
    if (sig.problem !== undefined) row.problem = sig.problem;
    if (sig.verdict !== undefined) row.verdict = sig.verdict;
    if (sig.note !== undefined) row.note = sig.note;
    if (sig.timestamp !== undefined) row.timestamp = sig.timestamp;
    return row;
  });
}
