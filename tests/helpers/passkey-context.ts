/**
 * A policy context for one patch on a ledger, with the passkey-backed set computed over the
 * patch's hops and flags as the agent's policyDecider does: for the passkey policy tests.
 */
import type { Ledger } from '../../src/core/ledger/ledger.ts';
import { passkeyBacked } from '../../src/core/ledger/passkeys.ts';
import { provenance } from '../../src/core/ledger/queries.ts';
import type { BundleAttestation, PolicyContext } from '../../src/core/policy/index.ts';

export async function passkeyContext(
  ledger: Ledger,
  patch: string,
  now: string,
  bundleAttestations: BundleAttestation[] = [],
): Promise<PolicyContext> {
  const chain = provenance(ledger, patch);
  const ids = [...chain.hops.map((h) => h.id), ...chain.flags.map((f) => f.id)];
  return {
    patch,
    metadata: { creator: '', reason: 'fix', components: ['app'] },
    provenance: chain,
    passkeyBacked: await passkeyBacked(ledger, ids),
    bundleAttestations,
    identities: ledger.registry().identities,
    scores: new Map(),
    scoreHash: `sha256:${'00'.repeat(32)}`,
    ledgerDigest: await ledger.digest(),
    now,
    newestLedgerTime: now,
    system: { treeHash: patch, components: {} },
    fuzz: 0,
  };
}
