/**
 * The device state file: `device-state.schema.json` is its normative definition, and the
 * hand-written reader must agree with it on valid files and on junk (Ajv as the referee).
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPatchtrailError, readDeviceState } from '../../src/core/index.ts';

const schema = JSON.parse(
  readFileSync(new URL('../../src/core/agent/device-state.schema.json', import.meta.url), 'utf8'),
) as object;
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);
const FORMAT = 'urn:patchtrail:device-state:v1';

function ours(value: unknown): boolean {
  try {
    readDeviceState(value);
    return true;
  } catch (error) {
    if (!isPatchtrailError(error)) throw error;
    expect(error.code).toBe('MALFORMED_INPUT');
    return false;
  }
}

const name = fc.string({ unit: 'grapheme', minLength: 0, maxLength: 210 });
const version = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 0, maxLength: 260 }),
  fc.constantFrom('2.1.0', '1', ''),
  fc.integer(),
  fc.constant(null),
);

describe('device state', () => {
  it('reads a state file into installed components and versions', () => {
    const state = readDeviceState({
      format: FORMAT,
      components: { firmware: '2.1.4', kernel: '6.1' },
    });
    expect(state.components).toEqual({ firmware: '2.1.4', kernel: '6.1' });
    expect(Object.getPrototypeOf(state.components)).toBeNull();
    expect(Object.isFrozen(state.components)).toBe(true);
  });

  it('agrees with its JSON Schema on generated files, valid and not', () => {
    const doc = fc.record(
      {
        format: fc.oneof(fc.constant(FORMAT), fc.string()),
        components: fc.oneof(fc.dictionary(name, version, { maxKeys: 4 }), fc.jsonValue()),
        extra: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(doc, fc.jsonValue()), (value) => {
        expect(ours(value)).toBe(validate(value));
      }),
      { numRuns: 2000, seed: 3 },
    );
  });

  it('agrees at the limits: 1024 components, 200-character names, 256-character versions', () => {
    const many = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_v, i) => [`c${i}`, '1.0']));
    for (const value of [
      { format: FORMAT, components: many(1024) },
      { format: FORMAT, components: many(1025) },
      { format: FORMAT, components: { ['😀'.repeat(200)]: '1' } },
      { format: FORMAT, components: { ['😀'.repeat(201)]: '1' } },
      { format: FORMAT, components: { fw: '😀'.repeat(256) } },
      { format: FORMAT, components: { fw: '😀'.repeat(257) } },
    ])
      expect(ours(value)).toBe(validate(value));
  });
});
