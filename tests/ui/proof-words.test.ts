/** Why a proof pack could not be made, in words (src/ui/pages/audit/proof-words.ts). */
import { describe, expect, it } from 'vitest';
import { proofRefusalWords } from '../../src/ui/pages/audit/proof-words.ts';

describe('proofRefusalWords', () => {
  it('says a checkpoint is missing, who makes one, and what serves meanwhile, without the code', () => {
    const words = proofRefusalWords(
      'STALE_LEDGER',
      'no checkpoint of this ledger file covers sha256:ab yet',
    );
    expect(words.what).toBe(
      'No proof pack yet: no checkpoint of the team’s ledger covers this patch’s entries.',
    );
    expect(words.next).toMatch(/^Ask an admin to checkpoint the ledger and sync it/);
    expect(words.next).toContain('Export JSON or Export CSV');
    // The code and the core's wording are shown beneath, small: never the headline.
    expect(`${words.what} ${words.next}`).not.toMatch(/STALE_LEDGER|ledger file|sha256/);
  });

  it('has words for every refusal the core gives, and keeps an unknown one’s message', () => {
    for (const code of ['POLICY_DENIED', 'TOO_LARGE']) {
      const words = proofRefusalWords(code, 'core words');
      expect(words.what).toMatch(/^No proof pack: /);
      expect(words.what).not.toContain('core words');
    }
    expect(proofRefusalWords('FAILED', 'open or join a team first').what).toBe(
      'No proof pack: open or join a team first.',
    );
  });
});
