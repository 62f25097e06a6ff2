/** `--state FILE`: the device-state file (core/agent/device-state.ts), read size-limited. */
import { parseJson, readDeviceState, utf8Decode } from '../core/index.ts';
import { readInput } from './io.ts';

/** A state file lists components and versions; anything over this is refused unread. */
export const MAX_DEVICE_STATE_BYTES = 256 * 1024;

export async function readDeviceStateFile(path: string): Promise<Readonly<Record<string, string>>> {
  const bytes = await readInput(path, MAX_DEVICE_STATE_BYTES, 'device state');
  return readDeviceState(parseJson(utf8Decode(bytes, 'device state'), 'device state')).components;
}
