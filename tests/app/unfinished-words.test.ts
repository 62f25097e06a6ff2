/** What the screens say about work cut short, from names a file, a folder and storage chose. */
import { describe, expect, it } from 'vitest';
import { finishedWords, pickAgainWords } from '../../src/app/unfinished-words.ts';
import type { Unfinished } from '../../src/app/unfinished.ts';

const cut = (extra: Partial<Unfinished>): Unfinished => ({
  ...{ id: 'a', tab: 't', ledger: 'l', target: 'x', key: 'k', patch: 'k', kind: 'apply' },
  ...{ place: { kind: 'workspace', name: 'main' }, fileName: 'fix.json' },
  started: '2026-12-07 17:40 UTC',
  ...extra,
});

describe('words about work cut short', () => {
  it('names the bundle and the target as the screens do', () => {
    expect(finishedWords(cut({}), 'nothing-changed')).toBe(
      'Applying “fix.json” to workspace “main” was cut short before any file changed: nothing changed there and nothing was recorded. Apply it again when you are ready.',
    );
    expect(finishedWords(cut({ kind: 'rollback' }), 'finished')).toMatch(
      /^Rolling back “fix\.json” on workspace “main” was cut short after the files were put back\./,
    );
  });

  it('escapes control and bidi characters and cuts long names, so they cannot reorder or flood the sentence', () => {
    const words = pickAgainWords(
      cut({
        fileName: `fix\u202Enosj.exe\u001b[2K${'x'.repeat(500)}`,
        place: { kind: 'folder', name: 'fw\u2066\nroot' },
        started: `now\u0007${'y'.repeat(500)}`,
      }),
    );
    // eslint-disable-next-line no-control-regex -- control characters are what must not be there
    expect(words).not.toMatch(/[\u0000-\u001f\u202a-\u202e\u2066-\u2069]/);
    expect(words).toContain('fix\\u{202E}nosj.exe [2K');
    expect(words).toContain('folder “fw\\u{2066} root”');
    expect(words.length).toBeLessThan(400);
  });
});
