/**
 * Passkeys for this device's identity: bind one (WebAuthn registration, verified by the
 * library in passkey-registration.ts, recorded as a `passkey` entry signed by the device key),
 * list the ones bound on the open team's ledger, and ask one for an assertion over a digest.
 * `assertPasskey(did, challengeDigest)` is the seam other flows use (attest with a passkey;
 * leaving kiosk mode): it resolves with the assertion to put in an entry, or rejects when no
 * passkey of that identity is bound for this origin or the person declines.
 */
import { createMemo, type Accessor } from 'solid-js';
import { utcTimestamp } from '../core/bundle/time.ts';
import { concatBytes, utf8Encode } from '../core/encoding/bytes.ts';
import type { PasskeyAssertion } from '../core/ledger/kinds.ts';
import { checkPresence, passkeyBindings, type PasskeyBinding } from '../core/ledger/passkeys.ts';
import { sha256Sync as sha256 } from '../core/crypto/hash.ts';
import type { DeviceService } from './device.ts';
import { bindingFromRegistration } from './passkey-registration.ts';
import type { TeamService } from './team.ts';
import type { OpenTeam } from './ledger-session.ts';
import { browserWebAuthn, type WebAuthnClient } from './webauthn-browser.ts';

export type { PasskeyAssertion, PasskeyBinding };

export type PasskeyOutcome = { ok: true; message: string } | { ok: false; message: string };

/** The shape of kiosk-guard's `confirmLeave()` answer (branch kiosk). */
export type AdminConfirmation = { ok: true; admin: string } | { ok: false; reason: string };

export interface PasskeyService {
  /** WebAuthn is available here (a secure context with PublicKeyCredential). */
  readonly supported: boolean;
  /** Passkeys bound to this device's identity on the open team's ledger, oldest first. */
  readonly mine: Accessor<PasskeyBinding[]>;
  /** Makes a passkey with the platform authenticator and binds it on the ledger. */
  add(name: string): Promise<PasskeyOutcome>;
  assertPasskey(did: string, challengeDigest: Uint8Array): Promise<PasskeyAssertion>;
  /**
   * An admin of the open team, present at this device, confirms `purpose` (e.g. "leave kiosk
   * mode") with a passkey bound on the ledger: a fresh random challenge, verified here.
   */
  confirmAdmin(purpose: string): Promise<AdminConfirmation>;
  /**
   * Whether an admin of the open team has a passkey bound for this app's address: without one,
   * nothing an admin does here can confirm (leaving kiosk mode among it).
   */
  adminPasskeyHere(): boolean;
}

export interface PasskeyOptions {
  client?: WebAuthnClient;
  now?: () => Date;
  random?: (length: number) => Uint8Array;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Call inside a reactive root. */
export function createPasskeys(
  teams: TeamService,
  device: DeviceService,
  options: PasskeyOptions = {},
): PasskeyService {
  const client = options.client ?? browserWebAuthn();
  const now = options.now ?? (() => new Date());
  const random = options.random ?? ((n: number) => crypto.getRandomValues(new Uint8Array(n)));
  const openTeam = () => {
    const phase = teams.phase();
    return phase.kind === 'open' ? phase.team : undefined;
  };
  const mine = createMemo(() => {
    const team = openTeam();
    team?.revision();
    const did = device.key()?.did;
    return team === undefined || did === undefined ? [] : passkeyBindings(team.ledger, did);
  });

  async function add(name: string): Promise<PasskeyOutcome> {
    const team = openTeam();
    if (team === undefined) return { ok: false, message: 'open or join a team first' };
    if (!client.supported) return { ok: false, message: 'this browser cannot make passkeys here' };
    try {
      const signer = await device.ready();
      const challenge = random(32);
      const userId = utf8Encode(signer.did).subarray(0, 64);
      const registration = await client.create({
        challenge,
        userId,
        name: signer.name || 'patchtrail device',
      });
      const expected = { challenge, origin: client.origin, rpId: client.rpId, name: name.trim() };
      const body = await bindingFromRegistration(registration, expected);
      await team.ledger.append(signer, 'passkey', body, utcTimestamp(now()));
      await team.settle();
      return { ok: true, message: 'passkey bound to this device’s identity on the team ledger' };
    } catch (error) {
      return { ok: false, message: `no passkey was bound: ${messageOf(error)}` };
    }
  }

  async function assertPasskey(did: string, challengeDigest: Uint8Array) {
    const team = openTeam();
    const bound = team === undefined ? [] : passkeyBindings(team.ledger, did);
    const here = bound.filter((b) => b.origin === client.origin).map((b) => b.credential);
    if (here.length === 0) throw new Error(`no passkey of ${did} is bound for ${client.origin}`);
    return client.get({ challenge: challengeDigest, credentials: here });
  }

  /** The open team's admins, and the passkeys they bound for this origin. */
  function adminBindings(team: OpenTeam) {
    const registry = team.ledger.registry();
    const admins = [...registry.identities.values()].filter((i) => i.admin).map((i) => i.did);
    const bound = passkeyBindings(team.ledger).filter(
      (b) => admins.includes(b.author) && b.origin === client.origin,
    );
    return { admins, bound };
  }

  async function confirmAdmin(purpose: string): Promise<AdminConfirmation> {
    const team = openTeam();
    if (team === undefined) return { ok: false, reason: 'no team is open on this device' };
    const { admins, bound } = adminBindings(team);
    if (bound.length === 0) return { ok: false, reason: 'no admin has bound a passkey here' };
    const challenge = sha256(
      concatBytes(utf8Encode(`patchtrail admin presence v1\n${purpose}\n`), random(32)),
    );
    try {
      const assertion = await client.get({
        challenge,
        credentials: bound.map((b) => b.credential),
      });
      const check = await checkPresence(team.ledger, admins, challenge, assertion);
      return check.ok && check.author !== undefined
        ? { ok: true, admin: check.author }
        : { ok: false, reason: check.ok ? 'no admin' : check.message };
    } catch (error) {
      return { ok: false, reason: messageOf(error) };
    }
  }

  const adminPasskeyHere = () => {
    const team = openTeam();
    team?.revision();
    return team !== undefined && adminBindings(team).bound.length > 0;
  };

  return { supported: client.supported, mine, add, assertPasskey, confirmAdmin, adminPasskeyHere };
}
