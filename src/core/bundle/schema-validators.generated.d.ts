// Types for the generated standalone validators (scripts/gen-validators.mjs).
export interface ValidationError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
  /** The member name a `propertyNames` error is about. */
  propertyName?: string;
}
export interface Validator {
  (data: unknown): boolean;
  errors?: ValidationError[] | null;
}
export const bundle: Validator;
export const patchStatement: Validator;
export const attestationStatement: Validator;
