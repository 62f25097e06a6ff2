/**
 * JSON Schema (draft 2020-12) validation for every bundle read. The validators are compiled
 * ahead of time from `bundle.schema.json` (scripts/gen-validators.mjs), so nothing is compiled
 * at run time: no `eval`, no CSP exception. All errors are collected so a rejection lists
 * every bad field at once.
 */
import { reject, type ErrorCode } from '../errors.ts';
import schema from './bundle.schema.json' with { type: 'json' };
import * as validators from './schema-validators.generated.js';
import type { ValidationError } from './schema-validators.generated.js';

export { schema as bundleSchema };

function describe(error: ValidationError): string {
  const where = error.instancePath === '' ? '(top level)' : error.instancePath;
  const name =
    error.keyword === 'additionalProperties' ? error.params.additionalProperty : error.propertyName;
  const extra = name === undefined ? '' : ` "${String(name)}"`;
  return `${where}: ${error.message ?? error.keyword}${extra}`;
}

/** Validates `value` against one part of the bundle schema, rejecting with `code` on failure. */
export function assertSchema(
  part: 'bundle' | 'patchStatement' | 'attestationStatement',
  value: unknown,
  code: ErrorCode,
  what: string,
): void {
  const validate = validators[part];
  if (validate(value)) return;
  const details = (validate.errors ?? []).map(describe);
  reject(
    code,
    `${what} does not match the bundle schema: ${details.slice(0, 3).join('; ')}`,
    details,
  );
}
