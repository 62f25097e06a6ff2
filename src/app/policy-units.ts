/**
 * Numbers in the units people think in, exactly convertible to the engine's. Reputation is
 * parts per billion of the team's trust (the scores of all systems add up to 10⁹); the form
 * shows it as a percentage, as `patchtrail reputation` prints it (600000000 ppb = 60 %), with
 * up to seven decimals so every integer ppb has one spelling. Durations are whole seconds,
 * shown in the largest unit that divides them. Conversions go through decimal text, never
 * through floating point, so a value survives the round trip bit for bit.
 */

export const PPB_PER_PERCENT = 10_000_000;
const DECIMALS = 7;

/** 600000000 → "60", 5000001 → "0.5000001". Undefined for anything but a whole ppb ≥ 0. */
export function percentFromPpb(ppb: unknown): string | undefined {
  if (typeof ppb !== 'number' || !Number.isSafeInteger(ppb) || ppb < 0) return undefined;
  const whole = Math.floor(ppb / PPB_PER_PERCENT);
  const fraction = String(ppb % PPB_PER_PERCENT)
    .padStart(DECIMALS, '0')
    .replace(/0+$/, '');
  return fraction === '' ? String(whole) : `${whole}.${fraction}`;
}

/**
 * "60" → 600000000, "0.5" → 5000000; more than seven decimals round to the nearest ppb.
 * Undefined when the text is not a non-negative decimal number.
 */
export function ppbFromPercent(text: string): number | undefined {
  const m = /^\s*(\d{1,12})(?:[.,](\d*))?\s*%?\s*$/.exec(text);
  if (m === null) return undefined;
  const digits = m[2] ?? '';
  let ppb =
    Number(m[1]) * PPB_PER_PERCENT + Number(digits.slice(0, DECIMALS).padEnd(DECIMALS, '0'));
  if (Number(digits[DECIMALS] ?? '0') >= 5) ppb += 1;
  return Number.isSafeInteger(ppb) ? ppb : undefined;
}

export const DURATION_UNITS = [
  { unit: 'days', seconds: 86_400 },
  { unit: 'hours', seconds: 3_600 },
  { unit: 'minutes', seconds: 60 },
  { unit: 'seconds', seconds: 1 },
] as const;

export type DurationUnit = (typeof DURATION_UNITS)[number]['unit'];

const secondsIn = (unit: DurationUnit): number =>
  DURATION_UNITS.find((u) => u.unit === unit)?.seconds ?? 1;

/** 604800 → { amount: "7", unit: "days" }; 90 → { amount: "90", unit: "seconds" }. */
export function durationOf(seconds: unknown): { amount: string; unit: DurationUnit } | undefined {
  if (typeof seconds !== 'number' || !Number.isSafeInteger(seconds) || seconds < 0)
    return undefined;
  const fit = DURATION_UNITS.find((u) => seconds > 0 && seconds % u.seconds === 0);
  const unit = fit ?? DURATION_UNITS[3];
  return { amount: String(seconds / unit.seconds), unit: unit.unit };
}

/** "1.5" hours → 5400; undefined unless it makes a whole, non-negative number of seconds. */
export function secondsFrom(amount: string, unit: DurationUnit): number | undefined {
  const m = /^\s*(\d{1,12})(?:[.,](\d{1,6}))?\s*$/.exec(amount);
  if (m === null) return undefined;
  const digits = m[2] ?? '';
  const scale = 10 ** digits.length;
  const scaled = (Number(m[1]) * scale + Number(digits || '0')) * secondsIn(unit);
  return scaled % scale === 0 && Number.isSafeInteger(scaled / scale) ? scaled / scale : undefined;
}

/** "7 days", "1 hour", "90 seconds": for sentences. */
export function durationText(seconds: number): string {
  const d = durationOf(seconds);
  if (d === undefined) return `${seconds} seconds`;
  return d.amount === '1' ? `1 ${d.unit.slice(0, -1)}` : `${d.amount} ${d.unit}`;
}
