/**
 * The kiosk's words for a waiting bundle (src/ui/pages/kiosk/kiosk-words.ts): "Refused by the
 * team's policy" only when the policy denied it; a bundle the check refused before the policy
 * was asked (an unknown author, a change no apply carries out) is "Refused", its reasons below.
 */
import { describe, expect, it } from 'vitest';
import { waitingWords } from '../../src/ui/pages/kiosk/kiosk-words.ts';

describe('a waiting bundle, in a few words', () => {
  it('blames the policy only for what the policy denied', () => {
    expect(waitingWords({ state: 'refused', code: 'POLICY_DENIED' })).toBe(
      'Refused by the team’s policy',
    );
    for (const code of ['MALFORMED_INPUT', 'UNKNOWN_AUTHOR', 'REVOKED_KEY', undefined])
      expect(waitingWords({ state: 'refused', ...(code === undefined ? {} : { code }) })).toBe(
        'Refused',
      );
    expect(waitingWords({ state: 'stale', code: 'STALE_LEDGER' })).toBe(
      'Waiting for a fresher ledger',
    );
    expect(waitingWords({ state: 'failed', code: 'APPLY_CONFLICT' })).toBe('Could not be applied');
  });
});
