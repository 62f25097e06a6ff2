/** Deterministic keys, diffs and bundles for tests. */
import {
  appendAttestation,
  createBundle,
  makeSeedSigner,
  serializeBundle,
  type Bundle,
  type Signer,
} from '../../src/core/index.ts';

export const NOW = new Date('2026-11-22T10:00:00Z');

export function seed(byte: number): Uint8Array {
  return new Uint8Array(32).fill(byte);
}

export function signer(byte: number): Promise<Signer> {
  return makeSeedSigner(seed(byte));
}

export const SAMPLE_DIFF = `diff --git a/src/greet.c b/src/greet.c
index 3b18e51..a8c5c9a 100644
--- a/src/greet.c
+++ b/src/greet.c
@@ -1,3 +1,3 @@
 #include <stdio.h>
-int main(void) { printf("helo\\n"); }
+int main(void) { printf("hello\\n"); }
 /* end */
`;

export async function sampleBundle(authorByte = 1): Promise<Bundle> {
  return createBundle({
    diff: SAMPLE_DIFF,
    signer: await signer(authorByte),
    reason: 'Fix greeting typo',
    components: ['greet'],
    buildEnvironment: `sha256:${'ab'.repeat(32)}`,
    validationTests: `sha256:${'cd'.repeat(32)}`,
    now: NOW,
  });
}

export async function attested(
  bundle: Bundle,
  byte: number,
  role = 'reviewer',
  note?: string,
): Promise<Bundle> {
  return appendAttestation(bundle, {
    signer: await signer(byte),
    role,
    verdict: 'pass',
    now: NOW,
    ...(note === undefined ? {} : { note }),
  });
}

export function bytesOf(bundle: Bundle | object): Uint8Array {
  return new TextEncoder().encode(serializeBundle(bundle as Bundle));
}
