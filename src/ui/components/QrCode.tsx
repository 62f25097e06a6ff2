/**
 * A QR code as inline SVG (one path of dark modules, drawn by app/qr-draw.ts). Its encoder
 * (@paulmillr/qr) is 7.3 KiB gzipped (qrcode-generator, which it replaced, was 8.3 KiB), and it
 * loads only with the pages that show a code.
 */
import { createMemo, Show } from 'solid-js';
import { qrPathIfFits, type QrCorrection } from '../../app/qr-draw.ts';
import { formatCount } from './format.ts';
import './qr.css';

export function QrCode(props: { text: string; label: string; ecc?: QrCorrection }) {
  const code = createMemo(() => qrPathIfFits(props.text, props.ecc));
  return (
    <Show
      when={code()}
      fallback={
        <p class="notice" data-testid="qr-too-long">
          Too long for a QR code ({formatCount(props.text.length)} characters): use the text
          instead.
        </p>
      }
    >
      {(qr) => (
        <svg
          class="qr"
          role="img"
          aria-label={props.label}
          viewBox={`0 0 ${qr().size} ${qr().size}`}
          shape-rendering="crispEdges"
          data-testid="qr-code"
        >
          <rect width="100%" height="100%" fill="#fff" />
          <path d={qr().path} fill="#000" />
        </svg>
      )}
    </Show>
  );
}
