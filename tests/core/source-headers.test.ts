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

  it('finds nothing in plain prose or an empty preamble', () => {
    expect(readSourceHeaders('')).toBeUndefined();
    expect(readSourceHeaders('Just some words about the change.\n')).toBeUndefined();
  });
});
