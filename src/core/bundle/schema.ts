/**
 * JSON Schema (draft 2020-12) validation for every bundle read, with Ajv. All errors are
 * collected so a rejection lists every bad field at once.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { reject, type ErrorCode } from '../errors.ts';
import schema from './bundle.schema.json' with { type: 'json' };

export { schema as bundleSchema };

type Validators = Record<'bundle' | 'patchStatement' | 'attestationStatement', ValidateFunction>;
let validators: Validators | undefined;

function compiled(): Validators {
  if (validators === undefined) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    ajv.addSchema(schema);
    const get = (ref: string): ValidateFunction => {
      const fn = ajv.getSchema(`${schema.$id}${ref}`);
      if (fn === undefined) throw new Error(`bundle schema lacks ${ref}`);
      return fn;
    };
    validators = {
      bundle: get(''),
      patchStatement: get('#/$defs/patchStatement'),
      attestationStatement: get('#/$defs/attestationStatement'),
    };
  }
  return validators;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(top level)' : error.instancePath;
  const extra =
    error.keyword === 'additionalProperties'
      ? ` "${String((error.params as { additionalProperty?: unknown }).additionalProperty)}"`
      : '';
  return `${where}: ${error.message ?? error.keyword}${extra}`;
}

/** Validates `value` against one part of the bundle schema, rejecting with `code` on failure. */
export function assertSchema(
  part: keyof Validators,
  value: unknown,
  code: ErrorCode,
  what: string,
): void {
  const validate = compiled()[part];
  if (validate(value)) return;
  const details = (validate.errors ?? []).map(describe);
  reject(
    code,
    `${what} does not match the bundle schema: ${details.slice(0, 3).join('; ')}`,
    details,
  );
}
