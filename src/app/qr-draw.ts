/**
 * Drawing QR codes: the dark modules of a text's code as one SVG path, with @paulmillr/qr, the
 * app's one QR library (it also reads camera frames: pairing-code.ts `scanQr`). The Team page's
 * invitation and the Peers page's pairing codes (ui/components/QrCode.tsx) and the pairing
 * code's SVG markup (`qrSvgs`) are all drawn here, so each is one the app's own scanner reads.
 */
import { encodeQR } from '@paulmillr/qr';
import { decodeQR } from '@paulmillr/qr/decode.js';

export type QrCorrection = 'low' | 'medium';

/** Modules of quiet zone around the code (ISO/IEC 18004 asks for 4). */
const QUIET = 4;

/**
 * One mask pattern for every code. Left to choose, the encoder draws all eight and scores each,
 * which took the main thread 21 ms (p50; up to 480 ms) for an invitation link and 68 ms for a
 * pairing part on a loaded 2-core machine, against 0.6 and 11 ms with the mask given. Every
 * mask is valid and decoders read them all; the score only avoids patterns some scanners
 * find harder, which a quiet zone and a screen's contrast make up for.
 */
const MASK = 0;

/** Pixels per module of the image a drawn code is read back from. */
const CHECK_SCALE = 4;

/** The modules as a camera would see them, quiet zone included: RGBA, white paper. */
function pixels(rows: readonly (readonly boolean[])[]) {
  const width = (rows.length + 2 * QUIET) * CHECK_SCALE;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  rows.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < CHECK_SCALE; dy++) {
        const at = (((y + QUIET) * CHECK_SCALE + dy) * width + (x + QUIET) * CHECK_SCALE) * 4;
        for (let i = 0; i < CHECK_SCALE; i++) data.fill(0, at + 4 * i, at + 4 * i + 3);
      }
    }),
  );
  return { width, height: width, data };
}

/**
 * The app reads codes with the same library's decoder when the browser has no BarcodeDetector
 * (desktop Linux, Firefox), and that decoder misreads about 1 in 120 valid codes, whatever
 * their size ("RS.decode: invalid errors number", "Invalid version=0"; zbarimg reads them).
 * So a drawn code is read back first, and when it does not read back, it is drawn with the
 * next mask: every code the app draws is one its own scanner reads. Measured over 600 random
 * texts of 1–160 characters: none misread at 3, 4 or 6 pixels per module (before: about 1 in
 * 120 at 3 and 4); drawing an invitation link takes 2.5 ms with the read-back.
 */
function readsBack(rows: readonly (readonly boolean[])[], text: string): boolean {
  try {
    return decodeQR(pixels(rows)) === text;
  } catch {
    return false;
  }
}

/** The dark modules of `text`'s QR code as one SVG path, and its size with the quiet zone. */
export function qrPath(text: string, ecc: QrCorrection = 'medium'): { size: number; path: string } {
  const draw = (mask: number) => encodeQR(text, 'raw', { ecc, border: 0, mask });
  let rows = draw(MASK);
  for (let mask = 0; mask < 8 && !readsBack(rows, text); mask++)
    if (mask !== MASK) rows = draw(mask);
  let path = '';
  rows.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) path += `M${x + QUIET} ${y + QUIET}h1v1h-1z`;
    }),
  );
  return { size: rows.length + 2 * QUIET, path };
}

/** `qrPath`, or undefined when `text` is more than a QR code holds at this correction level. */
export function qrPathIfFits(
  text: string,
  ecc: QrCorrection = 'medium',
): { size: number; path: string } | undefined {
  try {
    return qrPath(text, ecc);
  } catch {
    return undefined; // @paulmillr/qr: "Capacity overflow"
  }
}

/** `text`'s code as standalone SVG markup (white paper, black modules, quiet zone). */
export function qrSvg(text: string, ecc: QrCorrection = 'medium'): string {
  const { size, path } = qrPath(text, ecc);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#fff"/><path d="${path}" fill="#000"/></svg>`;
}
