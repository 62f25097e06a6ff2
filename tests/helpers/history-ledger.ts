/**
 * A ledger with a history worth charting: an admin endorses four systems one after another,
 * which then build, review, test and apply a dozen patches over thirty days (parents linked,
 * one rejection, one rollback), so every system's score moves along the way.
 */
import type { Entry } from '../../src/core/ledger/entry.ts';
import type { Ledger } from '../../src/core/ledger/ledger.ts';
import { attest, day, found, patch, signers } from '../core/reputation-helpers.ts';

export async function historyLedger(): Promise<{ ledger: Ledger; dids: string[] }> {
  const [admin, ...systems] = await signers(1, 2, 3, 4, 5);
  const ledger = await found(admin);
  const roles = ['builder', 'reviewer', 'tester', 'reviewer'] as const;
  for (const [i, system] of systems.entries()) {
    await ledger.append(system, 'register', { name: `system ${i}` }, day(i));
    const endorse = { subject: system.did, role: roles[i] as string, stake: 2 + i };
    await ledger.append(admin, 'endorse', endorse, day(i));
  }
  for (let n = 1; n <= 12; n++) {
    const [builder, reviewer, tester, other] = systems;
    const at = (k: number) => day(4 + n * 2 + k / 4);
    const built = await attest(ledger, builder, patch(n), 'built', at(0));
    let last: Entry = await attest(ledger, reviewer, patch(n), 'reviewed', at(1), {
      parent: built.id,
    });
    if (n % 3 === 0) last = await attest(ledger, other, patch(n), 'reviewed', at(2));
    last = await attest(ledger, tester, patch(n), 'tested', at(3), { parent: last.id });
    const outcome = n === 5 ? 'rejected' : 'applied';
    const applied = await attest(ledger, admin, patch(n), outcome, at(4), { parent: last.id });
    if (n === 8)
      await attest(ledger, admin, patch(n), 'rolled-back', at(5), { parent: applied.id });
  }
  return { ledger, dids: systems.map((s) => s.did) };
}
