import { describe, expect, it } from 'vitest';
import { pageTitle } from '../../src/ui/shell/page-title.ts';

describe('pageTitle', () => {
  it('names the screen before the app', () => {
    expect(pageTitle('/policy')).toBe('Policy · patchtrail');
    expect(pageTitle('/inbox')).toBe('Inbox · patchtrail');
    expect(pageTitle('/settings')).toBe('Settings · patchtrail');
  });

  it('names a patch detail whatever its key', () => {
    expect(pageTitle(`/patch/sha256:${'ab'.repeat(32)}`)).toBe('Patch detail · patchtrail');
    expect(pageTitle('/patch/file-3')).toBe('Patch detail · patchtrail');
  });

  it('says nothing is here for an unknown route, even one named like an object key', () => {
    expect(pageTitle('/no-such-page')).toBe('Nothing here · patchtrail');
    expect(pageTitle('/constructor')).toBe('Nothing here · patchtrail');
  });

  it('is the app name alone at the root', () => {
    expect(pageTitle('/')).toBe('patchtrail');
    expect(pageTitle('')).toBe('patchtrail');
  });
});
