/**
 * This device's identity for the UI: the stored non-extractable key (made on first start),
 * its did:key and its name, as a signal. The key itself stays in src/storage/device-key.ts.
 */
import { createSignal, type Accessor } from 'solid-js';
import { loadOrCreateDeviceKey, renameDevice, type DeviceKey } from '../storage/device-key.ts';
import { insecureContext } from './secure-context.ts';

export interface DeviceService {
  /** Undefined until the key is loaded (or made). */
  readonly key: Accessor<DeviceKey | undefined>;
  /** Why the key could not be loaded or made, if it could not. */
  readonly failure: Accessor<string | undefined>;
  /** Resolves with the key (with its current name) once it is ready. */
  ready(): Promise<DeviceKey>;
  rename(name: string): Promise<DeviceKey>;
}

export function createDevice(): DeviceService {
  const [key, setKey] = createSignal<DeviceKey>();
  const [failure, setFailure] = createSignal<string>();
  const loading = loadOrCreateDeviceKey().then(
    (loaded) => {
      setKey(loaded);
      return loaded;
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      setFailure(
        insecureContext() ?? `This browser could not make or read a device key: ${message}`,
      );
      throw error;
    },
  );
  loading.catch(() => undefined); // reported through `failure`
  return {
    key,
    failure,
    // The loaded key, or the renamed one since: a name must never be read from a stale copy.
    ready: async () => (await loading, key() ?? (await loading)),
    async rename(name) {
      await loading;
      const renamed = await renameDevice(name);
      setKey(renamed);
      return renamed;
    },
  };
}
