/** CLI-only failure: the command line itself is wrong (exit 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
