/**
 * A device's state, as the device reports it to its own policy: which components are installed
 * and at which versions (seed 001's system state), for `component-version` rules. It is a file
 * on the device (`device-state.schema.json`), written by whatever inventories the system, so it
 * is untrusted input: every problem is listed in one MALFORMED_INPUT, keys are read as own
 * properties only (`__proto__` or `constructor` is a component name like any other), and the
 * result is a fresh object with no prototype.
 */
import { reject } from '../errors.ts';

export const DEVICE_STATE_FORMAT = 'urn:patchtrail:device-state:v1';
/** Components a state file may list; names up to 200 characters, versions up to 256. */
export const MAX_DEVICE_COMPONENTS = 1024;

export interface DeviceState {
  format: typeof DEVICE_STATE_FORMAT;
  /** Component name → installed version (SemVer-like; rules say what they accept). */
  components: Readonly<Record<string, string>>;
}

/** Length in code points, as JSON Schema counts it. */
const codePoints = (text: string): number => [...text].length;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function componentProblems(components: unknown): string[] {
  if (!isObject(components)) return ['/components: must be an object'];
  const names = Object.keys(components);
  const problems: string[] = [];
  if (names.length > MAX_DEVICE_COMPONENTS)
    problems.push(`/components: at most ${MAX_DEVICE_COMPONENTS} components`);
  for (const name of names.slice(0, MAX_DEVICE_COMPONENTS)) {
    const version: unknown = Object.getOwnPropertyDescriptor(components, name)?.value;
    const at = `/components/${JSON.stringify(name)}`;
    if (name.length === 0 || codePoints(name) > 200)
      problems.push(`${at}: a name is 1 to 200 characters`);
    if (typeof version !== 'string' || version.length === 0 || codePoints(version) > 256)
      problems.push(`${at}: the version must be a string of 1 to 256 characters`);
  }
  return problems;
}

/** Checks an untrusted device-state document and returns a prototype-free copy of it. */
export function readDeviceState(value: unknown): DeviceState {
  const problems: string[] = [];
  if (!isObject(value)) problems.push('(top level): must be an object');
  else {
    for (const name of Object.keys(value))
      if (name !== 'format' && name !== 'components') problems.push(`/${name}: is not a member`);
    if (!Object.hasOwn(value, 'format') || value.format !== DEVICE_STATE_FORMAT)
      problems.push(`/format: must be ${DEVICE_STATE_FORMAT}`);
    if (!Object.hasOwn(value, 'components')) problems.push('/components: is missing');
    else problems.push(...componentProblems(value.components));
  }
  if (problems.length > 0)
    reject('MALFORMED_INPUT', `device state: ${problems.slice(0, 3).join('; ')}`, problems);
  const components: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, version] of Object.entries((value as { components: object }).components))
    Object.defineProperty(components, name, { value: version, enumerable: true });
  return { format: DEVICE_STATE_FORMAT, components: Object.freeze(components) };
}
