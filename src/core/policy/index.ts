/** The policy engine's public surface (for src/core/index.ts to re-export). */
export * from './types.ts';
export { readPolicy, schemaProblems, canonicalHash } from './document.ts';
export {
  CompiledPolicy,
  compilePolicy,
  decisionHash,
  decisionRecord,
  evaluatePolicy,
  sealDecision,
} from './evaluate.ts';
export {
  effectivePolicy,
  type EffectivePolicy,
  type PolicyCandidate,
  type PolicyConflict,
} from './effective.ts';
export { default as policySchema } from './policy.schema.json' with { type: 'json' };
