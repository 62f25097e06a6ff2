/**
 * A QR code as inline SVG (one path of dark modules, drawn by app/qr-draw.ts). Its encoder
 * (@paulmillr/qr) is 7.3 KiB gzipped (qrcode-generator, which it replaced, was 8.3 KiB), and it
 * loads only with the pages that show a code.
 */
import { createMemo } from 'solid-js';
import { qrPath, type QrCorrection } from '../../app/qr-draw.ts';
import './qr.css';

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
