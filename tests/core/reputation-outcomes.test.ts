/**
 * Credit follows outcomes (issue 10, §4), on real ledgers: an attestation credits anyone only
 * once its author has gone on without rolling back; a rollback or a flag turns what the patch
 * earned into dissatisfaction, also with those who vouched for it; a system that keeps a
 * compromised patch pays for it; and a newcomer nobody applied through earns probation credit
 * when a team member's settled outcome confirms what it vouched for earlier.
 */
import { describe, expect, it } from 'vitest';
import type { Signer } from '../../src/core/index.ts';
import type { Ledger } from '../../src/core/ledger/ledger.ts';
import {
  computeReputation,
  defaultReputationParams,
  explainScore,
  reputationClock,
  reputationInputs,
} from '../../src/core/reputation/index.ts';
import { attest, day, edgesOf, found, patch, signers } from './reputation-helpers.ts';

/** An admin, a second member (endorsed), a source and a device, all registered. */
async function team() {
  const [admin, member, source, device, voucher] = await signers(11, 12, 13, 14, 15);
  const ledger = await found(admin);
  const names = new Map([[admin.did, 'admin']]);
  for (const [who, name] of [
    [member, 'member'],
    [source, 'source'],
    [device, 'device'],
    [voucher, 'voucher'],
  ] as const) {
    await ledger.append(who, 'register', { name }, day(0));
    names.set(who.did, name);
  }
  await ledger.append(admin, 'endorse', { subject: member.did, role: 'tester', stake: 0 }, day(0));
  return { ledger, names, admin, member, source, device, voucher };
}

const inputsOf = (ledger: Ledger) => {
  const params = defaultReputationParams(reputationClock(ledger));
  const input = reputationInputs(ledger, params);
  return { params, input, result: computeReputation(input, params) };
};
const edges = (ledger: Ledger, names: Map<string, string>) =>
  edgesOf(inputsOf(ledger).input, names);
const score = (ledger: Ledger, who: Signer) => inputsOf(ledger).result.scores.get(who.did);

/** `who` goes on working: one more entry in its own chain (a harmless attestation). */
const goOn = (ledger: Ledger, who: Signer, n: number, time: string) =>
  attest(ledger, who, patch(900 + n), 'analyzed', time);

describe('credit follows outcomes', () => {
  it('an applied credits its source only once its author has written a later entry', async () => {
    const { ledger, names, admin, source } = await team();
    const built = await attest(ledger, source, patch(1), 'built', day(1));
    const applied = await attest(ledger, admin, patch(1), 'applied', day(2), {
      parent: built.id,
    });
    // The admin has said nothing since: its applied is pending, the source has nothing yet,
    // and the explanation says what is waiting.
    expect(edges(ledger, names)['admin → source']).toBeUndefined();
    expect(score(ledger, source)).toBe(0);
    const waiting = inputsOf(ledger);
    expect(explainScore(waiting.input, waiting.result, source.did)?.pending).toEqual([
      { from: admin.did, entry: applied.id },
    ]);
    await goOn(ledger, admin, 1, day(3));
    expect(edges(ledger, names)['admin → source']).toBe(4 * 1024);
    expect(score(ledger, source)).toBeGreaterThan(0);
    const settled = inputsOf(ledger);
    const why = explainScore(settled.input, settled.result, source.did);
    expect(why?.pending).toEqual([]);
    expect(why?.contributors.map((c) => c.did)).toEqual([admin.did]);
  });

  it('one admin applying a bad patch does not lift its source before the rollback comes', async () => {
    const { ledger, admin, member, source } = await team();
    const bad = await attest(ledger, source, patch(2), 'built', day(1));
    const applied = await attest(ledger, admin, patch(2), 'applied', day(2), { parent: bad.id });
    // Everyone else decides now, on this ledger: the source is still at 0.
    await attest(ledger, member, patch(3), 'analyzed', day(2)); // others' entries change nothing
    expect(score(ledger, source)).toBe(0);
    await attest(ledger, admin, patch(2), 'rolled-back', day(3), { parent: applied.id });
    expect(score(ledger, source)).toBe(0);
  });

  it('a rolled-back patch credits nobody, and counts against everyone who vouched for it first', async () => {
    const { ledger, names, admin, source, voucher } = await team();
    // The voucher earns the admin's trust on a good patch first.
    const good = await attest(ledger, voucher, patch(1), 'built', day(1));
    await attest(ledger, admin, patch(1), 'applied', day(1.5), { parent: good.id });
    // Then it applies the source's bad patch before the admin does (a ring member's vouch).
    const bad = await attest(ledger, source, patch(2), 'built', day(2));
    await attest(ledger, voucher, patch(2), 'applied', day(2.5), { parent: bad.id });
    const applied = await attest(ledger, admin, patch(2), 'applied', day(3), { parent: bad.id });
    await goOn(ledger, admin, 1, day(3.5));
    // Settled: the admin credits the source and, by probation, the voucher who was there first.
    expect(edges(ledger, names)).toMatchObject({
      'admin → source': 4096,
      'admin → voucher': 4096 + 2048,
    });
    await attest(ledger, admin, patch(2), 'rolled-back', day(4), { parent: applied.id });
    const after = edges(ledger, names);
    expect(after['admin → source']).toBeUndefined();
    // 4096 from patch 1, less 4096 of dissatisfaction for having vouched for patch 2.
    expect(after['admin → voucher']).toBeUndefined();
  });

  it('a flag turns credit into dissatisfaction, noticed or not', async () => {
    const { ledger, names, admin, member, source } = await team();
    const good = await attest(ledger, source, patch(1), 'built', day(1));
    await attest(ledger, member, patch(1), 'applied', day(1), { parent: good.id });
    const bad = await attest(ledger, source, patch(2), 'built', day(2));
    await attest(ledger, member, patch(2), 'applied', day(2), { parent: bad.id });
    await goOn(ledger, member, 1, day(3));
    expect(edges(ledger, names)['member → source']).toBe(2 * 4096);
    await ledger.append(
      admin,
      'flag',
      { patch: patch(2), compromised: true, evidence: 'x' },
      day(4),
    );
    const { input } = inputsOf(ledger);
    // The source is zeroed (it built the patch) and its edges cut; the member's row no longer
    // holds the credit of either patch: 4096 from patch 1, less 4096 for patch 2.
    expect(edgesOf(input, names)['member → source']).toBeUndefined();
    expect(input.penalties.map((p) => [names.get(p.did), p.kind])).toContainEqual([
      'source',
      'compromised',
    ]);
  });
});

describe('vouching for what turns out bad costs the voucher', () => {
  it('keeping a flagged patch is penalised until the system rolls it back', async () => {
    const { ledger, names, admin, member, voucher, source } = await team();
    const good = await attest(ledger, voucher, patch(1), 'built', day(1));
    await attest(ledger, admin, patch(1), 'applied', day(1), { parent: good.id });
    await goOn(ledger, admin, 1, day(1.5));
    const bad = await attest(ledger, source, patch(2), 'built', day(2));
    const kept = await attest(ledger, voucher, patch(2), 'applied', day(2), { parent: bad.id });
    await attest(ledger, member, patch(2), 'applied', day(2), { parent: bad.id });
    const before = score(ledger, voucher) as number;
    const flag = await ledger.append(
      admin,
      'flag',
      { patch: patch(2), compromised: true, evidence: 'backdoor' },
      day(3),
    );
    const { input, result } = inputsOf(ledger);
    const penalties = input.penalties.filter((p) => p.kind === 'kept');
    expect(penalties.map((p) => [names.get(p.did), p.entries])).toEqual(
      expect.arrayContaining([['voucher', [flag.id, kept.id]]]),
    );
    const why = explainScore(input, result, voucher.did);
    expect(why).toMatchObject({ multiplier: 256, zeroed: false });
    expect(result.scores.get(voucher.did)).toBeLessThan(before / 3);
    // The member rolls back: it is a victim, not a voucher, and its penalty goes.
    const applied = [...ledger.byAuthor(member.did)].at(-1)?.id as string;
    await attest(ledger, member, patch(2), 'rolled-back', day(4), { parent: applied });
    const kinds = inputsOf(ledger).input.penalties.map((p) => [names.get(p.did), p.kind]);
    expect(kinds).toContainEqual(['voucher', 'kept']);
    expect(kinds).not.toContainEqual(['member', 'kept']);
  });
});

describe('a newcomer earns trust by honest work', () => {
  it('forwarding a patch earns nothing until someone applies through that hop', async () => {
    const { ledger, names, admin, member, source, device } = await team();
    const built = await attest(ledger, admin, patch(1), 'built', day(1));
    const hop = await attest(ledger, source, patch(1), 'forwarded', day(2), { parent: built.id });
    await attest(ledger, member, patch(1), 'applied', day(3), { parent: built.id });
    await goOn(ledger, member, 1, day(4));
    // the member applied the same content later, but not through the forward: no confirmation
    expect(edges(ledger, names)['member → source']).toBeUndefined();
    await attest(ledger, device, patch(1), 'applied', day(5), { parent: hop.id });
    await goOn(ledger, device, 2, day(6));
    expect(edges(ledger, names)['device → source']).toBe(4096);
  });

  it('gets probation credit when a member’s settled outcome confirms what it vouched for first', async () => {
    const { ledger, names, admin, member, device } = await team();
    // The admin builds; the newcomer applies it early; later the member applies it too.
    const built = await attest(ledger, admin, patch(1), 'built', day(1));
    await attest(ledger, device, patch(1), 'applied', day(2), { parent: built.id });
    await attest(ledger, member, patch(1), 'applied', day(3), { parent: built.id });
    expect(score(ledger, device)).toBe(0); // the member's outcome is pending
    await goOn(ledger, member, 1, day(4));
    // probationWeight (4 × 1024) split between the two that were there first.
    expect(edges(ledger, names)).toMatchObject({ 'member → device': 2048, 'member → admin': 4096 });
    expect(score(ledger, device)).toBeGreaterThan(0);
    // A non-member's confirmation is worth confirmWeight only.
    const p = defaultReputationParams(day(4));
    expect([p.probationWeight, p.confirmWeight]).toEqual([4, 1]);
  });
});
