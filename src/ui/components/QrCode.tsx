/**
 * A QR code as inline SVG (one path of dark modules), from @paulmillr/qr, the app's one QR
 * library: it draws here and reads camera frames for pairing (src/app/pairing-code.ts). Its
 * encoder is 7.3 KiB gzipped (qrcode-generator, which it replaced, was 8.3 KiB), and it loads
 * only with the pages that show a code.
 */
import { encodeQR } from '@paulmillr/qr';
import { createMemo } from 'solid-js';
import './qr.css';

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

/** The dark modules of `text`'s QR code as one SVG path, and its size with the quiet zone. */
export function qrPath(text: string, ecc: QrCorrection = 'medium'): { size: number; path: string } {
  const rows = encodeQR(text, 'raw', { ecc, border: 0, mask: MASK });
  let path = '';
  rows.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) path += `M${x + QUIET} ${y + QUIET}h1v1h-1z`;
    }),
  );
  return { size: rows.length + 2 * QUIET, path };
}

export function QrCode(props: { text: string; label: string; ecc?: QrCorrection }) {
  const code = createMemo(() => qrPath(props.text, props.ecc));
  return (
    <svg
      class="qr"
      role="img"
      aria-label={props.label}
      viewBox={`0 0 ${code().size} ${code().size}`}
      shape-rendering="crispEdges"
      data-testid="qr-code"
    >
      <rect width="100%" height="100%" fill="#fff" />
      <path d={code().path} fill="#000" />
    </svg>
  );
}
