/**
 * The kiosk's memory as stored text is untrusted (anyone at the browser's profile can edit
 * it): read field by field, whatever does not fit is dropped, never thrown on, and nothing
 * but the fields it knows comes through.
 */
import { describe, expect, it } from 'vitest';
import { readKioskMemory } from '../../src/app/kiosk-record.ts';

const inFlight = {
  ...{ patch: `sha256:${'00'.repeat(32)}`, name: 'new mode', source: 'folder' },
  ...{ treeBefore: `sha256:${'11'.repeat(32)}`, decision: '', started: '2026-12-08T00:00:00Z' },
};
const recovery = {
  ...{ patch: inFlight.patch, name: 'new mode', outcome: 'all-new' },
  ...{ tree: inFlight.treeBefore, at: '2026-12-08T00:00:01Z' },
};
const read = (memory: unknown) => readKioskMemory(JSON.stringify(memory));

describe("the kiosk's stored memory", () => {
  it('keeps an apply or a rollback under way, and what was recovered, with its kind', () => {
    expect(read({ inFlight }).inFlight).toEqual(inFlight);
    expect(read({ inFlight: { ...inFlight, kind: 'rollback' } }).inFlight).toEqual({
      kind: 'rollback',
      ...inFlight,
    });
    expect(read({ inFlight: { ...inFlight, kind: 'apply' } }).inFlight?.kind).toBe('apply');
    expect(read({ recovery: { ...recovery, kind: 'rollback' } }).recovery).toEqual({
      kind: 'rollback',
      ...recovery,
    });
  });

  it('drops what does not fit: an unknown kind, wrong types, extra fields, not JSON at all', () => {
    for (const kind of ['delete', 1, null, { toString: 'rollback' }])
      expect(read({ inFlight: { ...inFlight, kind } }).inFlight).toBeUndefined();
    expect(read({ recovery: { ...recovery, kind: 'apply' } }).recovery).toBeUndefined();
    expect(read({ inFlight: { ...inFlight, treeBefore: 7 } }).inFlight).toBeUndefined();
    expect(read({ inFlight: { ...inFlight, source: 'usb' } }).inFlight).toBeUndefined();
    const extra = read({ inFlight: { ...inFlight, command: 'rm -rf /' } }).inFlight;
    expect(Object.keys(extra ?? {}).sort()).toEqual(Object.keys(inFlight).sort());
    expect(readKioskMemory('{"inFlight":')).toEqual({ sources: {}, taken: {} });
    expect(readKioskMemory('[1,2]')).toEqual({ sources: {}, taken: {} });
  });

  it('reads prototype keys as plain names, polluting nothing', () => {
    const text =
      '{"sources":{"__proto__":{"source":"peer","at":"x"},"constructor":{"source":"folder","at":"y"}},' +
      '"taken":{"__proto__":"3:4","hasOwnProperty":"1:2"},"inFlight":{"__proto__":{"kind":"rollback"}}}';
    const memory = readKioskMemory(text);
    expect(Object.hasOwn(memory.sources, '__proto__')).toBe(true);
    expect(memory.sources.constructor).toEqual({ source: 'folder', at: 'y' });
    expect(memory.taken.hasOwnProperty).toBe('1:2');
    expect(memory.inFlight).toBeUndefined();
    expect(({} as Record<string, unknown>).source).toBeUndefined();
  });
});
