/**
 * Browser entry bundled by ./chromium-page.ts: puts our real Ed25519 module (and the bench's
 * measuring loop) on `window` so Playwright's `page.evaluate` can call it.
 */
import * as ed25519 from '../../src/core/crypto/ed25519.ts';
import { fromHex } from '../../src/core/encoding/bytes.ts';
import { measureEd25519 } from './ed25519-measure.ts';

const api = { ed25519, fromHex, measureEd25519 };

export type Ed25519PageApi = typeof api;

declare global {
  interface Window {
    patchtrailEd25519: Ed25519PageApi;
  }
}

window.patchtrailEd25519 = api;
