/**
 * A QR code as inline SVG (one path of dark modules), from qrcode-generator: 2.0 is about 9 KB
 * gzipped with no dependencies, and it is loaded only with the pages that show a code.
 */
import qrcode from 'qrcode-generator';
import { createMemo } from 'solid-js';

/** The dark modules of `text`'s QR code (error correction M) as one SVG path, and its size. */
export function qrPath(text: string): { size: number; path: string } {
  const code = qrcode(0, 'M');
  code.addData(text, 'Byte');
  code.make();
  const count = code.getModuleCount();
  let path = '';
  for (let row = 0; row < count; row++)
    for (let col = 0; col < count; col++)
      if (code.isDark(row, col)) path += `M${col + 4} ${row + 4}h1v1h-1z`;
  return { size: count + 8, path };
}

export function QrCode(props: { text: string; label: string }) {
  const code = createMemo(() => qrPath(props.text));
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
