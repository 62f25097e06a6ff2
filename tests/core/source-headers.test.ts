import { describe, expect, it } from 'vitest';
import { readSourceHeaders } from '../../src/core/bundle/source-headers.ts';

describe('provenance from diff headers', () => {
  it('reads git format-patch mail headers, folding continuation lines', () => {
    const preamble = [
      'From 4f2a1b3c5d6e7f8091a2b3c4d5e6f708192a3b4c Mon Sep 17 00:00:00 2001',
      'From: Ada Lovelace <ada@example.org>',
      'Date: Tue, 3 Mar 2026 10:00:00 +0100',
      'Subject: [PATCH 1/2] parser: reject overlong',
      ' header lines',
      '',
      'Body text.',
    ].join('\n');
    expect(readSourceHeaders(preamble)).toEqual({
      format: 'git-format-patch',
      fields: {
        from: 'Ada Lovelace <ada@example.org>',
        date: 'Tue, 3 Mar 2026 10:00:00 +0100',
        subject: '[PATCH 1/2] parser: reject overlong header lines',
      },
    });
  });

  it('reads DEP-3 fields, with Subject and From as aliases', () => {
    const preamble = [
      'Description: Fix a crash on empty input',
      ' The parser dereferenced a null pointer.',
      ' .',
      ' Second paragraph.',
      'Author: Jane Doe <jane@example.org>',
      'Origin: upstream, commit:abc123',
      'Bug: https://bugs.example.org/42',
      'Forwarded: not-needed',
      'Last-Update: 2026-01-02',
      '---',
    ].join('\n');
    expect(readSourceHeaders(preamble)).toEqual({
      format: 'dep3',
      fields: {
        description:
          'Fix a crash on empty input\nThe parser dereferenced a null pointer.\n\nSecond paragraph.',
        author: 'Jane Doe <jane@example.org>',
        origin: 'upstream, commit:abc123',
        bug: 'https://bugs.example.org/42',
      },
    });
    expect(readSourceHeaders('Subject: short\nFrom: X <x@y>\n')).toEqual({
      format: 'dep3',
      fields: { description: 'short', author: 'X <x@y>' },
    });
  });

  // `git format-patch --cover-letter --stdout` (git 2.39), up to the first patch's diff.
  const series = (coverSubject: string) =>
    [
      'From 8e89149f5ee29bd6f381dc44739c341e716364d1 Mon Sep 17 00:00:00 2001',
      'From: A B <a@b.c>',
      'Date: Mon, 7 Dec 2026 08:22:40 +0000',
      `Subject: [PATCH 0/2] ${coverSubject}`,
      '',
      '*** BLURB HERE ***',
      '',
      'A B (2):',
      '  second: upper two',
      '  third: upper three, add g',
      '',
      '-- ',
      '2.39.5',
      '',
      'From 4936734bbb98e3f78653a53c94935807f4fe37a7 Mon Sep 17 00:00:00 2001',
      'From: Cy D <cy@d.e>',
      'Date: Mon, 7 Dec 2026 08:22:41 +0000',
      'Subject: [PATCH 1/2] second: upper two',
      '',
      '---',
    ].join('\n');

  it('reads a series by its cover letter, or by its first patch while the letter is git’s template', () => {
    expect(readSourceHeaders(series('Upper-case the config'))?.fields).toEqual({
      from: 'A B <a@b.c>',
      date: 'Mon, 7 Dec 2026 08:22:40 +0000',
      subject: '[PATCH 0/2] Upper-case the config',
    });
    expect(readSourceHeaders(series('*** SUBJECT HERE ***'))?.fields).toEqual({
      from: 'Cy D <cy@d.e>',
      date: 'Mon, 7 Dec 2026 08:22:41 +0000',
      subject: '[PATCH 1/2] second: upper two',
    });
  });

  it('finds nothing in plain prose or an empty preamble', () => {
    expect(readSourceHeaders('')).toBeUndefined();
    expect(readSourceHeaders('Just some words about the change.\n')).toBeUndefined();
  });
});
