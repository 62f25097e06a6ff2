/**
 * The commit journal every tree writes (src/core/diff/journal.ts), read as the untrusted input
 * it is: what this build writes reads back; journals of earlier builds (Node v1 and v2, the
 * browser's patchtrail-txn v1) stay readable; a torn journal is "not committed"; anything else
 * is a coded refusal, never an uncaught exception, whatever keys and values it holds.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeJournal,
  encodeJournal,
  planCommit,
  remainingOps,
  type JournalOp,
  type StagedKind,
} from '../../src/core/diff/journal.ts';
import { isPatchtrailError } from '../../src/core/errors.ts';
import type { TreeChange } from '../../src/core/diff/tree.ts';

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const sha = (ops: unknown) => createHash('sha256').update(JSON.stringify(ops)).digest('hex');
const write = (path: string, text: string, executable = false): TreeChange => ({
  action: 'write',
  path,
  content: new TextEncoder().encode(text),
  executable,
});

/** The code a decode fails with, 'committed' or 'torn' when it does not fail. */
function outcome(input: Uint8Array): string {
  try {
    return decodeJournal(input).committed ? 'committed' : 'torn';
  } catch (error) {
    if (!isPatchtrailError(error)) throw error;
    return error.code;
  }
}

describe('the commit journal', () => {
  it('orders deletes first, names blobs in write order, and reads back what it writes', () => {
    const { ops, blobs } = planCommit([
      write('a.txt', 'a'),
      { action: 'delete', path: 'old/gone' },
      write('bin/run', '#!', true),
    ]);
    expect(ops).toEqual([
      { action: 'delete', path: 'old/gone' },
      { action: 'write', path: 'a.txt', blob: '0', executable: false },
      { action: 'write', path: 'bin/run', blob: '1', executable: true },
    ]);
    expect([...blobs.keys()]).toEqual(['0', '1']);
    expect(decodeJournal(encodeJournal(ops))).toEqual({ committed: true, ops });
  });

  it('refuses two changes to one path as a caller bug, and an unsafe path with UNSAFE_PATH', () => {
    expect(() => planCommit([write('a', '1'), { action: 'delete', path: 'a' }])).toThrow(TypeError);
    expect(() => planCommit([write('../a', '1')])).toThrow(
      expect.objectContaining({ code: 'UNSAFE_PATH' }),
    );
  });

  it('reads journals of earlier builds: Node v1 and v2, browser patchtrail-txn v1', () => {
    const nodeOps = [
      { action: 'delete', path: 'x' },
      { action: 'write', path: 'y', blob: '3', executable: true },
    ];
    const expected: JournalOp[] = [
      { action: 'delete', path: 'x' },
      { action: 'write', path: 'y', blob: '3', executable: true },
    ];
    expect(decodeJournal(bytes({ version: 1, ops: nodeOps }))).toEqual({
      committed: true,
      ops: expected,
    });
    expect(decodeJournal(bytes({ version: 2, ops: nodeOps, sha256: sha(nodeOps) }))).toEqual({
      committed: true,
      ops: expected,
    });
    const browserOps = [{ action: 'write', path: 'n/b', blob: '0' }];
    expect(decodeJournal(bytes({ format: 'patchtrail-txn', version: 1, ops: browserOps }))).toEqual(
      { committed: true, ops: [{ action: 'write', path: 'n/b', blob: '0', executable: false }] },
    );
  });

  it('is torn (never committed) when cut short anywhere or when its checksum fails', () => {
    const whole = encodeJournal(planCommit([write('a', '1'), write('b/c', '2')]).ops);
    for (let cut = 0; cut < whole.length; cut++)
      expect(outcome(whole.subarray(0, cut)), `cut at ${cut}`).toBe('torn');
    const ops = [{ action: 'delete', path: 'keep.txt' }];
    expect(
      outcome(bytes({ version: 2, ops, sha256: sha([{ action: 'delete', path: 'a' }]) })),
    ).toBe('torn');
  });

  it.each([
    ['version 4 (unknown)', { version: 4, ops: [] }, 'MALFORMED_INPUT'],
    ['another format', { format: 'x', version: 1, ops: [] }, 'MALFORMED_INPUT'],
    ['no ops', { version: 1 }, 'MALFORMED_INPUT'],
    ['a list', [], 'MALFORMED_INPUT'],
    ['an unknown key', { version: 1, ops: [], extra: 1 }, 'MALFORMED_INPUT'],
    ['a path outside', { version: 1, ops: [{ action: 'delete', path: '../x' }] }, 'UNSAFE_PATH'],
    [
      'a path into .git',
      { version: 1, ops: [{ action: 'delete', path: '.git/x' }] },
      'UNSAFE_PATH',
    ],
    [
      'a blob outside the staging directory',
      { version: 1, ops: [{ action: 'write', path: 'x', blob: '../../../etc/passwd' }] },
      'MALFORMED_INPUT',
    ],
    [
      'one blob for two writes',
      {
        version: 1,
        ops: [
          { action: 'write', path: 'x', blob: '0' },
          { action: 'write', path: 'y', blob: '0' },
        ],
      },
      'MALFORMED_INPUT',
    ],
    [
      'two ops on one path',
      {
        version: 1,
        ops: [
          { action: 'delete', path: 'x' },
          { action: 'delete', path: 'x' },
        ],
      },
      'MALFORMED_INPUT',
    ],
    ['an unknown action', { version: 1, ops: [{ action: 'chmod', path: 'x' }] }, 'MALFORMED_INPUT'],
  ])('refuses %s with a code', (_name, journal, code) => {
    expect(outcome(bytes(journal))).toBe(code);
  });

  it('is never confused by keys named after Object.prototype members (property)', () => {
    const key = fc.constantFrom(
      '__proto__',
      'constructor',
      'hasOwnProperty',
      'toString',
      'valueOf',
      'format',
      'version',
      'ops',
      'sha256',
      'path',
      'action',
      'blob',
      'executable',
    );
    /** JSON text of an object from entries, so "__proto__" is an own key, as in a planted file. */
    const object = (entries: [string, string][]) =>
      `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
    const scalar = fc
      .constantFrom(1, 2, 'write', 'delete', '0', 'a/b', 'patchtrail-txn', null, true)
      .map((v) => JSON.stringify(v));
    const op = fc.array(fc.tuple(key, scalar), { maxLength: 5 }).map(object);
    const value = fc.oneof(
      scalar,
      fc.array(op, { maxLength: 3 }).map((ops) => `[${ops.join(',')}]`),
    );
    const journal = fc.array(fc.tuple(key, value), { maxLength: 6 }).map(object);
    fc.assert(
      fc.property(journal, (text) => {
        const result = outcome(new TextEncoder().encode(text));
        expect(['committed', 'torn', 'MALFORMED_INPUT', 'UNSAFE_PATH']).toContain(result);
      }),
      { numRuns: 2000, seed: 10 },
    );
    // A journal this build could replay, with such a key slipped in anywhere, is refused.
    const valid = fc.array(fc.constantFrom('a', 'b/c', 'd e'), { minLength: 1, maxLength: 3 });
    const planted = fc.record({
      paths: valid,
      key: fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf'),
      where: fc.nat(3),
    });
    fc.assert(
      fc.property(planted, ({ paths, key, where }) => {
        const ops = [...new Set(paths)].map((path) =>
          object([
            ['action', '"delete"'],
            ['path', JSON.stringify(path)],
          ]),
        );
        const extra: [string, string] = [key, '{"version":2}'];
        const clean = object([
          ['version', '1'],
          ['ops', `[${ops.join(',')}]`],
        ]);
        expect(outcome(new TextEncoder().encode(clean))).toBe('committed');
        const at = where % (ops.length + 1);
        const dirty =
          at === ops.length
            ? object([['version', '1'], extra, ['ops', `[${ops.join(',')}]`]])
            : object([
                ['version', '1'],
                [
                  'ops',
                  `[${ops.map((o, i) => (i === at ? o.replace(/^\{/, `{${JSON.stringify(key)}:1,`) : o)).join(',')}]`,
                ],
              ]);
        expect(outcome(new TextEncoder().encode(dirty)), dirty).toBe('MALFORMED_INPUT');
      }),
      { numRuns: 300, seed: 11 },
    );
    const proto = '{"version":1,"ops":[],"__proto__":{"version":2}}';
    expect(outcome(new TextEncoder().encode(proto))).toBe('MALFORMED_INPUT');
  });
});

describe('remainingOps', () => {
  const ops: JournalOp[] = [
    { action: 'delete', path: 'a' },
    { action: 'write', path: 'b', blob: '0', executable: false },
    { action: 'delete', path: 'c' },
    { action: 'write', path: 'd', blob: '1', executable: false },
  ];
  const staged = (kinds: Record<string, StagedKind>) => async (blob: string) =>
    kinds[blob] ?? 'missing';

  it('skips what a consumed blob proves done, and keeps the rest in order', async () => {
    expect(await remainingOps(ops, staged({ 0: 'file', 1: 'file' }))).toEqual(ops);
    expect(await remainingOps(ops, staged({ 1: 'file' }))).toEqual(ops.slice(2));
    expect(await remainingOps(ops, staged({}))).toEqual([]);
  });

  it('refuses, with UNSAFE_PATH, a pending write whose blob is not a regular file', async () => {
    await expect(remainingOps(ops, staged({ 0: 'file', 1: 'other' }))).rejects.toMatchObject({
      code: 'UNSAFE_PATH',
    });
  });
});
