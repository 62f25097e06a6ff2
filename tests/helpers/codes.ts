/** The error code an action fails with: a coded rejection, 'no error', or 'uncoded' (a bug). */
import { isPatchtrailError, type ErrorCode } from '../../src/core/errors.ts';

export async function codeOf(action: () => unknown): Promise<ErrorCode | 'no error' | 'uncoded'> {
  try {
    await action();
    return 'no error';
  } catch (error) {
    return isPatchtrailError(error) ? error.code : 'uncoded';
  }
}
