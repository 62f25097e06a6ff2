/**
 * Loading the CEL engine on demand. `import('./cel.ts')` is the only path to @bufbuild/cel, so
 * bundlers put the library in a chunk of its own, fetched the first time a policy with a `cel`
 * rule is compiled; callers that never see one never load it.
 */
import type { CelEngine } from './cel-api.ts';

/** The CEL engine (cel.ts). */
export async function loadCelEngine(): Promise<CelEngine> {
  return (await import('./cel.ts')).celEngine;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Whether an (unchecked) policy document has a `cel` rule, i.e. needs the engine. */
export function usesCel(document: unknown): boolean {
  return (
    isObject(document) &&
    Array.isArray(document.rules) &&
    document.rules.some((rule) => isObject(rule) && rule.kind === 'cel')
  );
}
