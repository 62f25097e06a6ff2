/** Invitation links: what goes in comes out, and a link that is not an invitation says why. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  invitationLink,
  newRoomSecret,
  readInvitation,
  readInvitationLink,
  type Invitation,
} from '../../src/core/ledger/invitation.ts';
import { qrPath } from '../../src/app/qr-draw.ts';
import { oneLineName } from '../../src/core/encoding/visible.ts';

const LEDGER = `sha256:${'0123456789abcdef'.repeat(4)}`;
const SECRET = newRoomSecret((bytes) => bytes.fill(0xab));

const refusal = (query: string) => {
  const read = readInvitation(query);
  return read.ok ? 'accepted' : `${read.code}: ${read.message}`;
};

describe('invitation links', () => {
  it('makes a 128-bit base64url room secret from the randomness it is given', () => {
    expect(SECRET).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newRoomSecret((bytes) => bytes.fill(0xff))).toBe('_____________________w');
  });

  it('reads back every invitation it writes, the secret only in the fragment', () => {
    const invitation = fc.record({
      ledgerId: fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => `sha256:${hex}`),
      roomSecret: fc.stringMatching(/^[A-Za-z0-9_-]{22,128}$/),
      signaling: fc.array(
        fc.constantFrom('ws://127.0.0.1:4444', 'wss://signal.example.org/room', 'ws://[::1]:9/'),
        { maxLength: 4 },
      ),
      name: fc.string({ maxLength: 64 }).map((name) => oneLineName(name, 64)),
    });
    fc.assert(
      fc.property(invitation, (wanted: Invitation) => {
        const link = invitationLink('https://app.example/patchtrail/?x=1#/inbox', wanted);
        const url = new URL(link);
        expect(url.search).toBe('?x=1');
        expect(url.hash.startsWith('#/join?')).toBe(true);
        expect(readInvitationLink(link)).toEqual({ ok: true, invitation: wanted });
        // Pasted with the message it came in: the link is the word that holds it.
        expect(readInvitationLink(`Hi Dave, join us:\n${link} thanks!`)).toEqual({
          ok: true,
          invitation: wanted,
        });
      }),
    );
  });

  it('keeps a team name to one line of at most 64 characters', () => {
    const read = readInvitation(
      `ledger=${LEDGER}&secret=${SECRET}&name=${encodeURIComponent(`Fake\nline ${'x'.repeat(100)}`)}`,
    );
    expect(read.ok && read.invitation.name).toBe(`Fake line ${'x'.repeat(54)}`);
  });

  it('writes a team name at the ledger’s limit cut as it is read, so the link fits a QR code', () => {
    const name = `${'W'.repeat(4095)}\n`; // a registered name may be 4,096 characters
    const link = invitationLink('https://app.example/', {
      ledgerId: LEDGER,
      roomSecret: SECRET,
      signaling: [],
      name,
    });
    expect(readInvitationLink(link)).toMatchObject({
      ok: true,
      invitation: { name: 'W'.repeat(64) },
    });
    expect(link.length).toBeLessThan(300);
    expect(() => qrPath(link)).not.toThrow();
  });

  it('refuses a link without a ledger id, a short secret, or signaling that is not WebSocket', () => {
    expect(refusal(`secret=${SECRET}`)).toMatch(/^MALFORMED_INPUT: the invitation names no ledger/);
    expect(refusal(`ledger=sha256:12&secret=${SECRET}`)).toMatch(/names no ledger/);
    expect(refusal(`ledger=${LEDGER}&secret=${'a'.repeat(21)}`)).toMatch(/128 bits/);
    expect(refusal(`ledger=${LEDGER}&secret=${SECRET}&signal=https://example.org`)).toMatch(
      /ws:\/\//,
    );
    expect(refusal(`ledger=${LEDGER}&secret=${SECRET}${'&signal=ws://a'.repeat(5)}`)).toMatch(
      /at most 4/,
    );
    expect(readInvitationLink('https://app.example/#/inbox')).toMatchObject({
      ok: false,
      code: 'MALFORMED_INPUT',
    });
  });
});
