/**
 * How the agent runs its steps: each step returns a value or a coded stop; the log records
 * every step as it ran and halts the pipeline at the first stop. A coded error thrown inside a
 * step (the applier's APPLY_CONFLICT, the ledger's refusal) is a stop too; anything else is a
 * fault of ours and propagates.
 */
import { isPatchtrailError, type ErrorCode } from '../errors.ts';
import type { AgentStep, StepOutcome } from './types.ts';

export type StepValue<T> =
  | { ok: true; value: T; message: string }
  | { ok: false; code: ErrorCode; message: string; denied: boolean };

export function passed<T>(value: T, message: string): StepValue<T> {
  return { ok: true, value, message };
}

/** A coded stop; `denied` when the policy (not the input) is why. */
export function stopped(code: ErrorCode, message: string, denied = false): StepValue<never> {
  return { ok: false, code, message, denied };
}

/** Thrown by `StepLog.run` to end the pipeline; the log already says why. */
export class Halt extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly denied: boolean,
  ) {
    super(code);
  }
}

export class StepLog {
  readonly steps: StepOutcome[] = [];

  /** `onStep` hears each step as it starts (a caller's progress). */
  constructor(private readonly onStep?: (step: AgentStep) => void) {}

  /** Runs one step and records it; returns its value or throws `Halt`. */
  async run<T>(step: AgentStep, body: () => StepValue<T> | Promise<StepValue<T>>): Promise<T> {
    const result = await this.attempt(step, body);
    if (result.ok) return result.value;
    throw new Halt(result.code, result.denied);
  }

  /** Runs one step and records it like `run`, but returns a stop instead of throwing it. */
  async attempt<T>(
    step: AgentStep,
    body: () => StepValue<T> | Promise<StepValue<T>>,
  ): Promise<StepValue<T>> {
    let result: StepValue<T>;
    this.onStep?.(step);
    try {
      result = await body();
    } catch (error) {
      if (!isPatchtrailError(error)) throw error;
      result = stopped(error.code, error.message);
    }
    if (result.ok) this.steps.push({ step, ok: true, message: result.message });
    else this.steps.push({ step, ok: false, code: result.code, message: result.message });
    return result;
  }
}
