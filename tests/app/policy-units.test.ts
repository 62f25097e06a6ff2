/**
 * Reputation as a percentage and durations in days/hours/minutes: exact both ways, so what
 * the form shows is what the engine reads, bit for bit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  durationOf,
  durationText,
  percentFromPpb,
  ppbFromPercent,
  secondsFrom,
} from '../../src/app/policy-units.ts';

describe('reputation as a percentage', () => {
  it('reads the engine’s parts per billion as a percentage of the team’s trust', () => {
    expect(percentFromPpb(600_000_000)).toBe('60');
    expect(percentFromPpb(5_000_001)).toBe('0.5000001');
    expect(percentFromPpb(1_000_000_000)).toBe('100');
    expect(percentFromPpb(0)).toBe('0');
    expect(percentFromPpb(1.5)).toBeUndefined();
    expect(percentFromPpb('60')).toBeUndefined();
  });

  it('turns typed percentages into whole ppb, rounding past seven decimals', () => {
    expect(ppbFromPercent('60')).toBe(600_000_000);
    expect(ppbFromPercent(' 2.5 % ')).toBe(25_000_000);
    expect(ppbFromPercent('0,5')).toBe(5_000_000);
    expect(ppbFromPercent('0.00000005')).toBe(1);
    expect(ppbFromPercent('0.00000004')).toBe(0);
    expect(ppbFromPercent('-1')).toBeUndefined();
    expect(ppbFromPercent('abc')).toBeUndefined();
    expect(ppbFromPercent('')).toBeUndefined();
  });

  it('round-trips every ppb the schema allows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), (ppb) => {
        expect(ppbFromPercent(percentFromPpb(ppb) ?? '')).toBe(ppb);
      }),
    );
  });
});

describe('durations', () => {
  it('shows seconds in the largest unit that divides them', () => {
    expect(durationOf(604_800)).toEqual({ amount: '7', unit: 'days' });
    expect(durationOf(5_400)).toEqual({ amount: '90', unit: 'minutes' });
    expect(durationOf(61)).toEqual({ amount: '61', unit: 'seconds' });
    expect(durationOf(0)).toEqual({ amount: '0', unit: 'seconds' });
    expect(durationText(86_400)).toBe('1 day');
    expect(durationText(7_200)).toBe('2 hours');
  });

  it('turns an amount and a unit into whole seconds, or nothing', () => {
    expect(secondsFrom('1.5', 'hours')).toBe(5_400);
    expect(secondsFrom('7', 'days')).toBe(604_800);
    expect(secondsFrom('0.5', 'seconds')).toBeUndefined();
    expect(secondsFrom('x', 'days')).toBeUndefined();
  });

  it('round-trips every duration the schema allows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 315_360_000 }), (seconds) => {
        const d = durationOf(seconds);
        expect(d === undefined ? undefined : secondsFrom(d.amount, d.unit)).toBe(seconds);
      }),
    );
  });
});
