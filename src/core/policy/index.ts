/** The policy engine's public surface (for src/core/index.ts to re-export). */
export * from './types.ts';
export { readPolicy, schemaProblems, canonicalHash } from './document.ts';
export {
  CompiledPolicy,
  compilePolicy,
  compilePolicyAsync,
  type CompileOptions,
  decisionHash,
  decisionRecord,
  evaluatePolicy,
  sealDecision,
} from './evaluate.ts';
export {
  effectivePolicy,
  effectivePolicyAsync,
  type EffectivePolicy,
  type PolicyCandidate,
  type PolicyConflict,
} from './effective.ts';
export {
  MAX_ACTIVATION_ITEMS,
  MAX_COMPREHENSION_STEPS,
  MAX_EXPRESSION_DEPTH,
  MAX_EXPRESSION_LENGTH,
  type CelEngine,
} from './cel-api.ts';
export { loadCelEngine, usesCel } from './cel-load.ts';
export { checkPublishable, publishRefusal } from './publishable.ts';
export { PACK_UNMET, packContext, packOnly } from './pack-only.ts';
export { default as policySchema } from './policy.schema.json' with { type: 'json' };
