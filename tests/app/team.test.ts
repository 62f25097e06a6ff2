/**
 * The team service in Node over fake-indexeddb, with a real device key (WebCrypto Ed25519,
 * non-extractable) and the real ledger store: founding, joining by invitation, waiting for the
 * genesis (and refusing anything else offered as one), registering on arrival, endorsing.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { createRoot } from 'solid-js';
import { beforeEach, describe, expect, it } from 'vitest';
import { createBusy } from '../../src/app/busy.ts';
import { createDevice } from '../../src/app/device.ts';
import type { OpenTeam } from '../../src/app/ledger-session.ts';
import { createSync, type Transport, type TransportTarget } from '../../src/app/sync.ts';
import { createTeams, type TeamService } from '../../src/app/team.ts';
import { Ledger, makeSeedSigner, utf8Encode } from '../../src/core/index.ts';

const T = '2026-11-22T11:00:00Z';

async function until<T>(read: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A transport that only remembers what it was asked to carry. */
function recordingTransport() {
  const targets: TransportTarget[] = [];
  const transport: Transport = {
    connect(target, report) {
      targets.push(target);
      report({ kind: 'connected', peers: 1 });
      return () => undefined;
    },
  };
  return { transport, targets };
}

function start(transport?: Transport) {
  return createRoot((dispose) => {
    const device = createDevice();
    const sync = createSync(transport);
    const teams = createTeams(device, sync, createBusy());
    return { device, sync, teams, dispose };
  });
}

const openTeam = (teams: TeamService) =>
  until(() => {
    const phase = teams.phase();
    return phase.kind === 'open' ? phase.team : undefined;
  }, 'an open team');

describe('teams on this device', () => {
  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory();
  });

  it('founds a team whose only admin is this device, and opens it again after a restart', async () => {
    const app = start();
    await until(() => (app.teams.phase().kind === 'none' ? true : undefined), 'no team');
    await app.device.rename('Admin laptop');
    expect(await app.teams.found('Plant 4')).toEqual({ ok: true });
    const team = await openTeam(app.teams);
    expect(team.name).toBe('Plant 4');
    const did = app.device.key()?.did;
    expect(team.members().map((m) => ({ did: m.did, admin: m.admin, founder: m.founder }))).toEqual(
      [{ did, admin: true, founder: true }],
    );
    // The founder registers this device's name right after the genesis, so teammates see it.
    await until(() => (team.members()[0]?.name === 'Admin laptop' ? true : undefined), 'a name');
    expect(team.entries().map((e) => [e.kind, e.authorName])).toEqual([
      ['genesis', 'Admin laptop'],
      ['register', 'Admin laptop'],
    ]);
    expect(app.sync.state()).toEqual({ kind: 'not-connected', reason: expect.any(String) });
    await team.close();
    app.dispose();

    const again = start();
    const reopened = await openTeam(again.teams);
    expect(reopened.ledgerId).toBe(team.ledgerId);
    expect(again.device.key()?.did).toBe(did);
    await reopened.close();
    again.dispose();
  });

  it('records a new device name on the open team ledger, and nothing when there is no change', async () => {
    const app = start();
    await until(() => (app.teams.phase().kind === 'none' ? true : undefined), 'no team');
    expect(await app.teams.recordName('Nobody yet')).toBeUndefined(); // no team open
    await app.device.rename('Admin laptop');
    await app.teams.found('Crew');
    const team = await openTeam(app.teams);
    await until(() => (team.members()[0]?.name === 'Admin laptop' ? true : undefined), 'a name');
    expect(await app.teams.recordName('Admin laptop')).toBeUndefined(); // the ledger has it
    expect(await app.teams.recordName('Ops laptop')).toEqual({ ok: true });
    expect(team.members()[0]?.name).toBe('Ops laptop');
    expect(team.entries().map((e) => e.kind)).toEqual(['genesis', 'register', 'register']);
    await team.close();
    app.dispose();
  });

  it('joins by invitation, waits for the genesis, refuses other bytes, and registers on arrival', async () => {
    const founder = await makeSeedSigner(new Uint8Array(32).fill(7));
    const ledger = await Ledger.found(
      founder,
      { name: 'Fleet', admins: [founder.did], threshold: 1 },
      T,
    );
    const stranger = await makeSeedSigner(new Uint8Array(32).fill(8));
    const other = await Ledger.found(
      stranger,
      { name: 'Fleet', admins: [stranger.did], threshold: 1 },
      T,
    );
    const { transport, targets } = recordingTransport();
    const app = start(transport);
    await until(() => (app.teams.phase().kind === 'none' ? true : undefined), 'no team');
    await app.device.rename('Field tablet');
    const invitation = {
      ledgerId: ledger.id,
      roomSecret: 'x'.repeat(22),
      signaling: [],
      name: 'Fleet',
    };
    expect(await app.teams.join(invitation)).toEqual({ ok: true });
    expect(app.teams.phase().kind).toBe('waiting');
    const target = await until(() => targets.at(-1), 'a transport target');
    expect(target).toMatchObject({
      ledgerId: ledger.id,
      roomSecret: invitation.roomSecret,
      ledger: undefined,
    });
    expect(app.sync.state()).toEqual({ kind: 'connected', peers: 1 });

    expect(await target.offerGenesis(utf8Encode('{"not":"an entry"}'))).toBe(false);
    expect(await target.offerGenesis(other.genesis.bytes)).toBe(false);
    expect(app.teams.phase().kind).toBe('waiting');
    expect(await target.offerGenesis(ledger.genesis.bytes)).toBe(true);

    const team: OpenTeam = await openTeam(app.teams);
    const me = team.members().find((m) => m.did === app.device.key()?.did);
    expect(me).toMatchObject({ name: 'Field tablet', standing: 'pending', admin: false });
    expect(targets.at(-1)?.ledger?.id).toBe(ledger.id);
    // The founder endorses the joiner's register entry once it reaches it.
    const registration = [...team.ledger.all()].find((e) => e.kind === 'register');
    if (registration === undefined) throw new Error('no register entry');
    expect((await ledger.admit(registration.bytes)).status).toBe('admitted');
    const endorse = await ledger.append(
      founder,
      'endorse',
      { subject: registration.author, role: 'reviewer', stake: 5 },
      T,
    );
    expect(await team.admit(endorse.bytes)).toEqual({ ok: true });
    await until(
      () =>
        team.members().find((m) => m.did === registration.author)?.standing === 'active'
          ? true
          : undefined,
      'endorsed',
    );
    await team.close();
    app.dispose();
  });

  it('lets an admin endorse and revoke, keeping what the revoked device signed before', async () => {
    const app = start();
    await until(() => (app.teams.phase().kind === 'none' ? true : undefined), 'no team');
    await app.device.rename('Admin');
    await app.teams.found('Crew');
    const team = await openTeam(app.teams);
    const member = await makeSeedSigner(new Uint8Array(32).fill(3));
    const register = await team.ledger.append(member, 'register', { name: 'Tablet' }, T);
    expect(register.kind).toBe('register');
    expect(await team.endorse(member.did, 'tester', 12)).toEqual({ ok: true });
    await until(
      () =>
        team.members().find((m) => m.did === member.did)?.roles[0]?.stake === 12 ? true : undefined,
      'role',
    );
    expect(await team.revoke(member.did, 'lost')).toEqual({ ok: true });
    await until(
      () =>
        team.members().find((m) => m.did === member.did)?.standing === 'revoked' ? true : undefined,
      'revoked',
    );
    // A revoke names the next entry: what the device signed before it stays in standing.
    expect(
      team
        .entries()
        .filter((row) => row.author === member.did)
        .map((row) => row.status),
    ).toEqual(['verified']);
    await team.close();
    app.dispose();
  });
});
