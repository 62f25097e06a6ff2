/**
 * Whether the browser gives this page what patchtrail needs: WebCrypto (keys, signatures,
 * digests), which it withholds outside a secure context, as it does the service worker. A page
 * served over plain http from another machine's address (`npm start --host 192.168.1.20`
 * opened from a tablet) is such a page; localhost and 127.0.0.1 are secure, as is https.
 */

interface PageFacts {
  isSecureContext?: boolean;
  crypto?: { subtle?: unknown };
  location?: { host: string; protocol: string };
}

/** What is wrong and what to do, when this page cannot work; undefined when it can. */
export function insecureContext(page: PageFacts = globalThis as PageFacts): string | undefined {
  if (page.isSecureContext !== false && page.crypto?.subtle !== undefined) return undefined;
  const where =
    page.location === undefined
      ? 'this address'
      : `${page.location.protocol}//${page.location.host}`;
  return (
    `The browser does not treat ${where} as a secure page, so it withholds the cryptography ` +
    'patchtrail needs to keep this device’s key and check signatures. Open the app over ' +
    'https, or at http://localhost or http://127.0.0.1 on the machine that serves it.'
  );
}

/** Why something given to the app could not be opened: this page's problem first, if it has one. */
export function failureWords(error: unknown): string {
  return insecureContext() ?? (error instanceof Error ? error.message : String(error));
}
