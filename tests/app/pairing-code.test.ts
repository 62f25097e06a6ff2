/**
 * Pairing codes (src/app/pairing-code.ts): an SDP survives encode → decode, split into QR parts
 * → joined in any order, and QR image → decoder; codes from a stranger's screen are refused
 * when they are of the wrong kind, damaged, mixed from two codes, or inflate like a bomb.
 */
import fc from 'fast-check';
import { encodeQR } from '@paulmillr/qr';
import { describe, expect, it } from 'vitest';
import {
  decodePairingCode,
  encodePairingCode,
  joinQrParts,
  scanQr,
  splitForQr,
} from '../../src/app/pairing-code.ts';
import { codeOf } from '../helpers/codes.ts';

function sdp(candidates: number): string {
  const lines = [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'a=msid-semantic: WMS',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'c=IN IP4 0.0.0.0',
    'a=ice-ufrag:Zx3q',
    'a=ice-pwd:kq9sQ1oYz7yqf0Yw1y8b0g7L',
    'a=fingerprint:sha-256 4F:9A:3C:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD',
    'a=setup:actpass',
    'a=mid:0',
    'a=sctp-port:5000',
    'a=max-message-size:262144',
    ...Array.from(
      { length: candidates },
      (_, i) =>
        `a=candidate:${1000 + i} 1 udp 2113937151 192.168.${i}.${20 + i} ${50000 + i} typ host generation 0 network-cost 999`,
    ),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** A QR code as RGBA pixels, 4 pixels a module, the way a camera frame arrives. */
function pixels(text: string) {
  const modules = encodeQR(text, 'raw', { ecc: 'low', border: 4 });
  const scale = 4;
  const size = modules.length * scale;
  const data = new Uint8ClampedArray(size * size * 4).fill(255);
  modules.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < scale; dy++)
        for (let dx = 0; dx < scale; dx++) {
          const at = ((y * scale + dy) * size + x * scale + dx) * 4;
          data.fill(0, at, at + 3);
        }
    }),
  );
  return { width: size, height: size, data };
}

describe('pairing codes', () => {
  it('round-trips an offer and an answer, and a loopback offer fits one QR code', async () => {
    const offer = sdp(1);
    const code = await encodePairingCode('offer', offer);
    expect(code.startsWith('PT1:o:')).toBe(true);
    expect(splitForQr(code)).toHaveLength(1);
    expect(await decodePairingCode('offer', `  ${code.slice(0, 20)}\n${code.slice(20)} `)).toBe(
      offer,
    );
    const answer = await encodePairingCode('answer', sdp(2));
    expect(await decodePairingCode('answer', answer)).toBe(sdp(2));
  });

  it('splits a large code into QR parts that join in any order', async () => {
    const code = await encodePairingCode('offer', sdp(60));
    const parts = splitForQr(code);
    expect(parts.length).toBeGreaterThan(1);
    fc.assert(
      fc.property(fc.shuffledSubarray(parts, { minLength: parts.length }), (order) => {
        expect(joinQrParts([...order, order[0] ?? ''])).toEqual({
          code,
          have: parts.length,
          need: parts.length,
        });
      }),
      { numRuns: 30 },
    );
    expect(joinQrParts(parts.slice(1))).toEqual({ have: parts.length - 1, need: parts.length });
  });

  it('reads a code back from QR pixels', async () => {
    const code = await encodePairingCode('offer', sdp(1));
    expect(await scanQr(pixels(code))).toBe(code);
    expect(
      await scanQr({ width: 64, height: 64, data: new Uint8ClampedArray(64 * 64 * 4).fill(255) }),
    ).toBeUndefined();
  });

  it('refuses codes of the wrong kind, damaged codes and mixed parts', async () => {
    const offer = await encodePairingCode('offer', sdp(1));
    expect(await codeOf(() => decodePairingCode('answer', offer))).toBe('MALFORMED_INPUT');
    expect(await codeOf(() => decodePairingCode('offer', 'hello'))).toBe('MALFORMED_INPUT');
    expect(await codeOf(() => decodePairingCode('offer', `${offer.slice(0, -6)}!!!!!!`))).toBe(
      'MALFORMED_INPUT',
    );
    expect(
      await codeOf(() => decodePairingCode('offer', `${offer.slice(0, 30)}AAAA${offer.slice(34)}`)),
    ).toBe('MALFORMED_INPUT');
    const notSdp = await encodePairingCode('offer', 'GET / HTTP/1.1');
    expect(await codeOf(() => decodePairingCode('offer', notSdp))).toBe('MALFORMED_INPUT');
    const a = splitForQr(await encodePairingCode('offer', sdp(60)));
    const b = splitForQr(await encodePairingCode('offer', sdp(90)));
    expect(await codeOf(() => joinQrParts([a[0] ?? '', b[1] ?? '']))).toBe('MALFORMED_INPUT');
    expect(await codeOf(() => joinQrParts(['PTQ:3/2:00000000:x']))).toBe('MALFORMED_INPUT');
  });

  it('refuses a code that inflates beyond the limit (a decompression bomb)', async () => {
    const bomb = await encodePairingCode('offer', `v=0\r\n${'a'.repeat(1024 * 1024)}`);
    expect(bomb.length).toBeLessThan(4096);
    expect(await codeOf(() => decodePairingCode('offer', bomb))).toBe('TOO_LARGE');
  });
});
