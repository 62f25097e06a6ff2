/**
 * Pairing codes: an offer or answer SDP as text a person can copy, paste or scan. The SDP is
 * compressed (deflate-raw, the platform's CompressionStream) and base64url-encoded after a
 * prefix naming its kind: `PT1:o:` (offer) or `PT1:a:` (answer). A loopback offer (~0.7 KB)
 * becomes ~0.5 KB of code and fits one QR code; one with many LAN candidates is split into
 * parts `PTQ:i/n:...` shown as several codes and joined again in any order.
 *
 * Codes come from another person's screen or camera: they are untrusted. Wrong prefixes, bad
 * base64, a broken deflate stream, parts that do not fit together, and anything that inflates
 * beyond MAX_SDP_BYTES (a decompression bomb) are refused with MALFORMED_INPUT or TOO_LARGE.
 */
import { decodeQR } from '@paulmillr/qr/decode.js';
import { base64urlnopad } from '@scure/base';
import { concatBytes, fromBase64, utf8Decode } from '../core/encoding/bytes.ts';
import { isPatchtrailError, reject } from '../core/errors.ts';
import { qrSvg } from './qr-draw.ts';

export type PairingKind = 'offer' | 'answer';

export const MAX_SDP_BYTES = 64 * 1024;
/** A pasted code, whole or joined from parts. */
export const MAX_CODE_CHARS = 128 * 1024;
/** Characters of code per QR code: version ~16 at low error correction, easy to scan. */
export const QR_PART_CHARS = 600;
const MAX_PARTS = 32;

const PREFIX: Record<PairingKind, string> = { offer: 'PT1:o:', answer: 'PT1:a:' };

async function pipeBytes(bytes: Uint8Array, stream: GenericTransformStream, limit: number) {
  const reader = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(stream)
    .getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      reject('TOO_LARGE', `a pairing code inflates beyond ${limit} bytes`);
    }
    chunks.push(value);
  }
  return concatBytes(...chunks);
}

/** The code for an SDP. */
export async function encodePairingCode(kind: PairingKind, sdp: string): Promise<string> {
  const raw = new TextEncoder().encode(sdp);
  const packed = await pipeBytes(raw, new CompressionStream('deflate-raw'), MAX_SDP_BYTES * 2);
  return `${PREFIX[kind]}${base64urlnopad.encode(packed)}`;
}

/** The SDP in a code of the expected kind (whitespace around and inside a paste is ignored). */
export async function decodePairingCode(kind: PairingKind, text: string): Promise<string> {
  if (text.length > MAX_CODE_CHARS) reject('TOO_LARGE', 'the pairing code is too long');
  const code = text.replace(/\s+/g, '');
  const other = kind === 'offer' ? 'answer' : 'offer';
  if (code.startsWith(PREFIX[other]))
    reject('MALFORMED_INPUT', `this is an ${other} code, not an ${kind} code`);
  if (!code.startsWith(PREFIX[kind])) reject('MALFORMED_INPUT', `not a patchtrail ${kind} code`);
  const packed = fromBase64(code.slice(PREFIX[kind].length), 'pairing code');
  let raw: Uint8Array;
  try {
    raw = await pipeBytes(packed, new DecompressionStream('deflate-raw'), MAX_SDP_BYTES);
  } catch (error) {
    if (isPatchtrailError(error)) throw error;
    return reject('MALFORMED_INPUT', 'the pairing code is damaged (it does not inflate)');
  }
  const sdp = utf8Decode(raw, 'the pairing code');
  if (!sdp.startsWith('v=0\r\n'))
    reject('MALFORMED_INPUT', 'the pairing code holds no session description');
  return sdp;
}

/** A short tag of a whole code (FNV-1a), carried by each of its parts so codes do not mix. */
function tagOf(code: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < code.length; i++) hash = Math.imul(hash ^ code.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** A code as QR-sized parts `PTQ:i/n:tag:...` (one part, the code itself, when it fits). */
export function splitForQr(code: string, partChars = QR_PART_CHARS): string[] {
  if (code.length <= partChars) return [code];
  const count = Math.ceil(code.length / partChars);
  if (count > MAX_PARTS)
    reject('TOO_LARGE', `the code needs ${count} QR codes; at most ${MAX_PARTS}`);
  const tag = tagOf(code);
  return Array.from(
    { length: count },
    (_, i) => `PTQ:${i + 1}/${count}:${tag}:${code.slice(i * partChars, (i + 1) * partChars)}`,
  );
}

const PART = /^PTQ:(\d{1,2})\/(\d{1,2}):([0-9a-f]{8}):(.*)$/s;

/** Joins scanned parts (any order, duplicates allowed) into a code; says what is missing. */
export function joinQrParts(scanned: readonly string[]): {
  code?: string;
  have: number;
  need: number;
} {
  const plain = scanned.find((s) => !s.startsWith('PTQ:'));
  if (plain !== undefined) return { code: plain, have: 1, need: 1 };
  const parts = new Map<number, string>();
  let need = 0;
  let tag = '';
  for (const text of scanned) {
    const match = PART.exec(text);
    if (match === null) reject('MALFORMED_INPUT', 'not a part of a patchtrail code');
    const [, i, n, partTag, body] = match as unknown as [string, string, string, string, string];
    const index = Number(i);
    const count = Number(n);
    if (count < 2 || count > MAX_PARTS || index < 1 || index > count)
      reject('MALFORMED_INPUT', `part ${i} of ${n} cannot be`);
    if (need !== 0 && (count !== need || partTag !== tag))
      reject('MALFORMED_INPUT', 'these parts belong to different codes');
    need = count;
    tag = partTag;
    const known = parts.get(index);
    if (known !== undefined && known !== body)
      reject('MALFORMED_INPUT', `two different parts ${index}`);
    parts.set(index, body);
  }
  if (parts.size < need || need === 0) return { have: parts.size, need };
  const code = Array.from({ length: need }, (_, i) => parts.get(i + 1) ?? '').join('');
  if (tagOf(code) !== tag) reject('MALFORMED_INPUT', 'the parts do not make up the code they name');
  return { code, have: need, need };
}

/** QR codes as SVG markup (generated here from our own text). */
export function qrSvgs(code: string): string[] {
  return splitForQr(code).map((part) => qrSvg(part, 'low'));
}

export interface ImagePixels {
  width: number;
  height: number;
  /** RGBA, as ImageData holds it. */
  data: Uint8ClampedArray | Uint8Array;
}

/** The text of a QR code in an image (a camera frame), or undefined when none is found. */
export async function scanQr(image: ImagePixels): Promise<string | undefined> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorLike }).BarcodeDetector;
  if (Detector !== undefined && image instanceof ImageData) {
    try {
      const found = await new Detector({ formats: ['qr_code'] }).detect(image);
      if (found[0] !== undefined) return found[0].rawValue;
    } catch {
      // fall through to the JS decoder
    }
  }
  const once = (pixels: ImagePixels) => {
    try {
      return decodeQR({ width: pixels.width, height: pixels.height, data: pixels.data });
    } catch {
      return undefined; // no code in this frame
    }
  };
  // The JS decoder misreads some codes at some sizes (modules of uneven width in pixels: about
  // 1 image in 50 of large codes drawn at whole pixels); the same image at half size reads in
  // most of those (measured: 10 of 480 unread, 3 after this).
  return once(image) ?? (image.width >= MIN_HALVED * 2 ? once(halved(image)) : undefined);
}

/** Narrower images are not halved again: a code's modules would be under a pixel. */
const MIN_HALVED = 160;

/** `image` at half its width and height, each pixel the mean of the four it covers. */
export function halved(image: ImagePixels): ImagePixels {
  const width = image.width >> 1;
  const height = image.height >> 1;
  const data = new Uint8ClampedArray(width * height * 4);
  const { data: from, width: stride } = image;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const a = (2 * y * stride + 2 * x) * 4;
      const b = a + stride * 4;
      const at = (y * width + x) * 4;
      for (let c = 0; c < 4; c++)
        data[at + c] =
          ((from[a + c] ?? 0) +
            (from[a + 4 + c] ?? 0) +
            (from[b + c] ?? 0) +
            (from[b + 4 + c] ?? 0)) >>
          2;
    }
  return { width, height, data };
}

interface BarcodeDetectorLike {
  new (options: { formats: string[] }): {
    detect(image: ImageData): Promise<{ rawValue: string }[]>;
  };
}
