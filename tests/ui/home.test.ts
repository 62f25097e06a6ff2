/**
 * A page opened at the app's root is sent home by replacing its address before the router
 * starts (src/ui/home.ts); every other address, a link into the app, is left as it is.
 */
import { describe, expect, it } from 'vitest';
import { HOME_ROUTE, openAtHome, type HomeWindow } from '../../src/ui/home.ts';

function fakeWindow(hash: string): HomeWindow & { replaced: string[] } {
  const replaced: string[] = [];
  return {
    replaced,
    location: { hash },
    history: { state: { depth: 3 }, replaceState: (_state, _unused, url) => replaced.push(url) },
  };
}

describe('opening the app at its root', () => {
  it('replaces the root’s address with the home screen’s', () => {
    for (const hash of ['', '#', '#/']) {
      const win = fakeWindow(hash);
      openAtHome(win);
      expect(win.replaced).toEqual([`#${HOME_ROUTE}`]);
    }
    expect(HOME_ROUTE).toBe('/inbox');
  });

  it('leaves any other address alone, an invitation or an unknown one included', () => {
    for (const hash of [
      '#/join?ledger=ab&secret=cd',
      '#/inbox',
      '#/?x=1',
      '#//',
      '#/no-such-page',
      '#x',
    ]) {
      const win = fakeWindow(hash);
      openAtHome(win);
      expect(win.replaced).toEqual([]);
    }
  });
});
