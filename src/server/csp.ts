/**
 * The app's Content Security Policy, sent as a header by the local server and kept equal to the
 * `<meta>` in index.html (a test compares them). `connect-src` names ws: and wss: because the
 * signaling and relay addresses are settings (a teammate's LAN address, a team relay); scripts
 * stay 'self' only, so no injected script is there to use them.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws: wss:",
  "media-src 'self' blob:",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
