/**
 * Chromium's virtual authenticator over the DevTools protocol (WebAuthn domain): a CTAP2
 * platform authenticator with resident keys and user verification that always succeeds, so
 * navigator.credentials.create/get answer without a person. Shared by the passkey e2e test and
 * the generator of the passkey fixtures (tests/fixtures/passkeys/generate.ts).
 */
import type { CDPSession, Page } from 'playwright-core';

export interface VirtualAuthenticator {
  cdp: CDPSession;
  authenticatorId: string;
}

export async function addVirtualAuthenticator(page: Page): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
  return { cdp, authenticatorId };
}

/** The credentials the authenticator holds (with their private keys and counters). */
export async function virtualCredentials(auth: VirtualAuthenticator) {
  const { credentials } = await auth.cdp.send('WebAuthn.getCredentials', {
    authenticatorId: auth.authenticatorId,
  });
  return credentials;
}

/** Sets a credential's signature counter, as a cloned authenticator would report it. */
export async function setSignCount(
  auth: VirtualAuthenticator,
  credentialId: string,
  signCount: number,
): Promise<void> {
  const credential = (await virtualCredentials(auth)).find((c) => c.credentialId === credentialId);
  if (credential === undefined) throw new Error(`no virtual credential ${credentialId}`);
  const { authenticatorId } = auth;
  await auth.cdp.send('WebAuthn.removeCredential', { authenticatorId, credentialId });
  await auth.cdp.send('WebAuthn.addCredential', {
    authenticatorId,
    credential: { ...credential, signCount },
  });
}
