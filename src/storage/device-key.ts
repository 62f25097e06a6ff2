/**
 * This device's identity: a non-extractable Ed25519 WebCrypto key pair kept in IndexedDB, its
 * did:key, and a name the user chooses. IndexedDB stores the `CryptoKey` object itself, so the
 * private key can sign after a reload or a browser restart but can never be read out: export
 * fails by design (`extractable: false`). A lost device is replaced by a new key that an admin
 * endorses; there is no backup of this one.
 *
 * The database is this origin's own, but a stored record is still checked before use: the
 * public key must be 32 bytes and the private key an Ed25519 signing key.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { didFromPublicKey } from '../core/crypto/did-key.ts';
import type { Signer } from '../core/crypto/signer.ts';
import { oneLineName } from '../core/encoding/visible.ts';

export const DEVICE_DB = 'patchtrail-device';
const RECORD_ID = 'device';
/** Longest device name kept (register entries allow more; a name is a label, not prose). */
export const MAX_DEVICE_NAME = 64;

interface DeviceRecord {
  id: typeof RECORD_ID;
  privateKey: CryptoKey;
  publicKey: Uint8Array;
  name: string;
  /** When the key was made (advisory, this device's clock). */
  created: string;
}

interface DeviceSchema extends DBSchema {
  device: { key: string; value: DeviceRecord };
}

export interface DeviceKey extends Signer {
  readonly name: string;
  readonly created: string;
  /** The private key itself (non-extractable), for tests that check export fails. */
  readonly privateKey: CryptoKey;
}

function openDeviceDb(): Promise<IDBPDatabase<DeviceSchema>> {
  return openDB<DeviceSchema>(DEVICE_DB, 1, {
    upgrade(db) {
      db.createObjectStore('device', { keyPath: 'id' });
    },
  });
}

/** A device name as kept: one line, at most MAX_DEVICE_NAME characters. */
export function cleanDeviceName(name: string): string {
  return oneLineName(name, MAX_DEVICE_NAME);
}

function toDeviceKey(record: DeviceRecord): DeviceKey {
  const key = record.privateKey;
  if (!(record.publicKey instanceof Uint8Array) || record.publicKey.length !== 32)
    throw new Error('device key store: the stored public key is not 32 bytes');
  if (key.algorithm.name !== 'Ed25519' || key.type !== 'private' || !key.usages.includes('sign'))
    throw new Error('device key store: the stored key is not an Ed25519 signing key');
  const publicKey = record.publicKey.slice();
  return {
    did: didFromPublicKey(publicKey),
    publicKey,
    name: record.name,
    created: record.created,
    privateKey: key,
    sign: async (message) =>
      new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, key, message.slice())),
  };
}

async function generateRecord(now: Date): Promise<DeviceRecord> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  // The public half of a pair is always exportable; only the private half is locked in.
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return {
    id: RECORD_ID,
    privateKey: pair.privateKey,
    publicKey,
    name: '',
    created: now.toISOString(),
  };
}

/**
 * This device's key: the stored one, or a new one made and stored now. Two tabs opening at
 * once agree on one key: a new key is only added when none is stored, in one transaction.
 */
export async function loadOrCreateDeviceKey(
  now: () => Date = () => new Date(),
): Promise<DeviceKey> {
  const db = await openDeviceDb();
  try {
    const stored = await db.get('device', RECORD_ID);
    if (stored !== undefined) return toDeviceKey(stored);
    const fresh = await generateRecord(now());
    const tx = db.transaction('device', 'readwrite');
    const raced = await tx.store.get(RECORD_ID);
    if (raced === undefined) await tx.store.add(fresh);
    await tx.done;
    return toDeviceKey(raced ?? fresh);
  } finally {
    db.close();
  }
}

/** Renames this device (the name others see once it registers in a team). */
export async function renameDevice(name: string): Promise<DeviceKey> {
  const clean = cleanDeviceName(name);
  const db = await openDeviceDb();
  try {
    const tx = db.transaction('device', 'readwrite');
    const stored = await tx.store.get(RECORD_ID);
    if (stored === undefined) throw new Error('renameDevice: this device has no key yet');
    const renamed = { ...stored, name: clean };
    await tx.store.put(renamed);
    await tx.done;
    return toDeviceKey(renamed);
  } finally {
    db.close();
  }
}
