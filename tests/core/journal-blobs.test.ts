/**
 * Version 3 of the commit journal: each write op names its staged blob's SHA-256, so a tree
 * can make blobs and journal durable in one flush. A blob that fails its checksum while no op
 * has run was torn by a crash during that flush (discard); once replay began it was put there
 * (refuse); a journal without blob checksums has nothing to check.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeJournal,
  encodeJournal,
  intactBlobs,
  type JournalOp,
} from '../../src/core/diff/journal.ts';

const hex = (text: string) => createHash('sha256').update(text).digest('hex');
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const sha = (ops: unknown) => createHash('sha256').update(JSON.stringify(ops)).digest('hex');

const OPS: JournalOp[] = [
  { action: 'delete', path: 'gone' },
  { action: 'write', path: 'a', blob: '0', executable: false, sha256: hex('new a') },
  { action: 'write', path: 'b', blob: '1', executable: true, sha256: hex('new b') },
];

describe('journal version 3 (blob checksums)', () => {
  it('writes version 3 when the writes name their blobs, and reads back what it writes', () => {
    const encoded = encodeJournal(OPS);
    expect(JSON.parse(new TextDecoder().decode(encoded))).toMatchObject({ version: 3 });
    expect(decodeJournal(encoded)).toEqual({ committed: true, ops: OPS });
  });

  it('refuses as a caller bug a journal where only some writes name their blob SHA-256', () => {
    const mixed = [OPS[1], { action: 'write', path: 'c', blob: '2', executable: false }];
    expect(() => encodeJournal(mixed as JournalOp[])).toThrow(TypeError);
  });

  it('refuses (MALFORMED_INPUT) a version 3 write without a hex sha256, and one in version 2', () => {
    const code = (value: unknown) => {
      try {
        decodeJournal(bytes(value));
        return 'read';
      } catch (error) {
        return (error as { code?: string }).code;
      }
    };
    const bare = [{ action: 'write', path: 'a', blob: '0', executable: false }];
    const bad = [{ ...bare[0], sha256: 'ABC' }];
    const withSum = [{ ...bare[0], sha256: hex('x') }];
    const deleteWithSum = [{ action: 'delete', path: 'a', sha256: hex('x') }];
    expect(code({ format: 'patchtrail-txn', version: 3, ops: bare, sha256: sha(bare) })).toBe(
      'MALFORMED_INPUT',
    );
    expect(code({ format: 'patchtrail-txn', version: 3, ops: bad, sha256: sha(bad) })).toBe(
      'MALFORMED_INPUT',
    );
    expect(
      code({
        format: 'patchtrail-txn',
        version: 3,
        ops: deleteWithSum,
        sha256: sha(deleteWithSum),
      }),
    ).toBe('MALFORMED_INPUT');
    expect(code({ version: 2, ops: withSum, sha256: sha(withSum) })).toBe('MALFORMED_INPUT');
    expect(code({ format: 'patchtrail-txn', version: 3, ops: withSum, sha256: sha(withSum) })).toBe(
      'read',
    );
  });
});

describe('intactBlobs', () => {
  const sums = (blobs: Record<string, string>) => async (blob: string) => hex(blobs[blob] ?? '');
  const files = (present: string[]) => async (path: string) => present.includes(path);
  const whole = { 0: 'new a', 1: 'new b' };

  it('accepts blobs that hold the bytes the journal names', async () => {
    expect(await intactBlobs(OPS, OPS, sums(whole), files(['gone']))).toBe(true);
  });

  it('calls a torn blob, with no op run yet, never committed (false: discard)', async () => {
    const torn = { 0: 'new a', 1: 'new' };
    expect(await intactBlobs(OPS, OPS, sums(torn), files(['gone']))).toBe(false);
  });

  it('refuses (MALFORMED_INPUT) a changed blob once a delete or a move has run', async () => {
    const torn = { 0: 'new a', 1: 'new' };
    await expect(intactBlobs(OPS, OPS, sums(torn), files([]))).rejects.toMatchObject({
      code: 'MALFORMED_INPUT',
    });
    await expect(intactBlobs(OPS, OPS.slice(2), sums(torn), files(['gone']))).rejects.toMatchObject(
      { code: 'MALFORMED_INPUT' },
    );
  });

  it('checks only the blobs still to be moved, and nothing in a journal without checksums', async () => {
    const moved = { 1: 'new b' }; // blob 0 is in place already: its bytes are not asked for
    expect(await intactBlobs(OPS, OPS.slice(2), sums(moved), files([]))).toBe(true);
    const v2: JournalOp[] = OPS.map((op) =>
      op.action === 'write'
        ? { action: op.action, path: op.path, blob: op.blob, executable: op.executable }
        : op,
    );
    expect(await intactBlobs(v2, v2, sums({}), files([]))).toBe(true);
  });
});
