/** Long lists shown a page at a time (ItemList, an action's changed files). Pure. */
import { formatCount } from './format.ts';

/** How many items a list shows at first, and how many more each request shows. */
export const FIRST_ITEMS = 100;
export const MORE_ITEMS = 1000;

/** How many of `total` items to show next, from `shown`, and the button's words for it. */
export function moreItems(shown: number, total: number): { next: number; words: string } {
  const next = Math.min(total, shown + MORE_ITEMS);
  const [more, now, all] = [next - shown, shown, total].map(formatCount);
  return { next, words: `Show ${more} more (${now} of ${all})` };
}
