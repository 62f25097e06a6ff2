/**
 * Long lists a page at a time (src/ui/components/paging.ts): a bundle's file list or an apply's
 * changed files can run to tens of thousands, so each request shows at most MORE_ITEMS more,
 * says how many, and the last request shows exactly what is left.
 */
import { describe, expect, it } from 'vitest';
import { FIRST_ITEMS, MORE_ITEMS, moreItems } from '../../src/ui/components/paging.ts';

describe('showing a long list a page at a time', () => {
  it('shows MORE_ITEMS more each time, and says how many of all are shown', () => {
    expect(FIRST_ITEMS).toBeLessThan(MORE_ITEMS);
    expect(moreItems(100, 60_000)).toEqual({
      next: 1100,
      words: 'Show 1,000 more (100 of 60,000)',
    });
    expect(moreItems(1100, 60_000).next).toBe(2100);
  });

  it('shows exactly what is left at the end, never more than there is', () => {
    expect(moreItems(59_500, 60_000)).toEqual({
      next: 60_000,
      words: 'Show 500 more (59,500 of 60,000)',
    });
    let shown = FIRST_ITEMS;
    let requests = 0;
    while (shown < 60_000) {
      const next = moreItems(shown, 60_000).next;
      expect(next - shown).toBeLessThanOrEqual(MORE_ITEMS);
      expect(next).toBeGreaterThan(shown);
      shown = next;
      requests++;
    }
    expect(shown).toBe(60_000);
    expect(requests).toBe(60);
  });
});
