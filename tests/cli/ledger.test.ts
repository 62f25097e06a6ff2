/** `patchtrail ledger ...` end to end: real processes, real ledger files. */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace } from '../helpers/cli.ts';
import { keysAndBundle } from './ledger-fixture.ts';

const workspace = cliWorkspace('pt-ledger-');
const { at, pt, ok } = workspace;
const dids: Record<string, string> = {};

beforeAll(() => keysAndBundle(workspace, ['admin', 'dev', 'reviewer', 'stranger'], dids));

describe('patchtrail ledger', () => {
  it('init, register, endorse, attest with a parent, log and verify', async () => {
    const L = ['--ledger', at('team.ledger')];
    const id = await ok(['ledger', 'init', '--key', at('admin.pem'), '--name', 'team', ...L]);
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await pt(['ledger', 'init', '--key', at('admin.pem'), ...L])).code).toBe(2);
    await ok(['ledger', 'register', '--key', at('dev.pem'), '--name', 'build box', ...L]);
    await ok(['ledger', 'register', '--key', at('reviewer.pem'), ...L]);
    await ok([
      'ledger',
      'endorse',
      dids.dev as string,
      '--role',
      'builder',
      '--stake',
      '5',
      '--key',
      at('admin.pem'),
      ...L,
    ]);
    const built = await ok([
      'ledger',
      'attest',
      at('b.json'),
      '--key',
      at('dev.pem'),
      '--reason',
      'built',
      ...L,
    ]);
    const reviewed = JSON.parse(
      await ok([
        'ledger',
        'attest',
        at('b.json'),
        '--key',
        at('reviewer.pem'),
        '--reason',
        'reviewed',
        '--parent',
        built,
        '--json',
        ...L,
      ]),
    ) as { id: string; published: boolean };
    expect(reviewed.published).toBe(false);
    const log = JSON.parse(await ok(['ledger', 'log', '--json', ...L])) as {
      entries: { id: string; kind: string; standing: string; body: { parent?: string } }[];
    };
    expect(log.entries.map((e) => e.kind)).toEqual([
      'genesis',
      'register',
      'register',
      'endorse',
      'publish',
      'attest',
      'attest',
    ]);
    expect(log.entries[6]?.body.parent).toBe(built);
    expect(log.entries.every((e) => e.standing === 'ok')).toBe(true);
    const verified = JSON.parse(await ok(['ledger', 'verify', '--json', ...L])) as {
      ok: boolean;
      entries: number;
      digest: string;
    };
    expect(verified).toMatchObject({ ok: true, entries: 7 });
    expect(verified.digest).toMatch(/^ld1:[0-9a-f]{20}$/);
  });

  it('provenance, identities and audit read the lineage back', async () => {
    const L = ['--ledger', at('team.ledger')];
    const p = JSON.parse(await ok(['ledger', 'provenance', at('b.json'), '--json', ...L])) as {
      published: { author: string };
      hops: { reason: string; name: string; children: string[] }[];
      roots: string[];
    };
    expect(p.published.author).toBe(dids.dev);
    expect(p.hops.map((h) => [h.reason, h.name])).toEqual([
      ['built', 'build box'],
      ['reviewed', ''],
    ]);
    expect(p.roots).toHaveLength(1);
    expect(p.hops[0]?.children).toHaveLength(1);
    const text = await ok(['ledger', 'provenance', at('b.json'), ...L]);
    expect(text).toMatch(/built by build box .*\n {4}reviewed by /);
    const who = JSON.parse(await ok(['ledger', 'identities', '--json', ...L])) as {
      identities: { did: string; roles: Record<string, { stake: number }>; history: object }[];
    };
    const dev = who.identities.find((i) => i.did === dids.dev);
    expect(dev?.roles.builder?.stake).toBe(5);
    expect(dev?.history).toEqual({ register: 1, publish: 1, 'attest:built': 1 });
    expect(await ok(['ledger', 'audit', 'kiosk-7', ...L])).toBe('nothing recorded for kiosk-7');
    copyFileSync(at('team.ledger'), at('audit.ledger'));
    const trees = [
      '--tree-before',
      `sha256:${'a'.repeat(64)}`,
      '--tree-after',
      `sha256:${'b'.repeat(64)}`,
    ];
    await ok([
      'ledger',
      'attest',
      at('b.json'),
      '--key',
      at('dev.pem'),
      '--reason',
      'applied',
      '--target',
      'kiosk-7',
      ...trees,
      '--ledger',
      at('audit.ledger'),
    ]);
    const audit = JSON.parse(
      await ok(['ledger', 'audit', 'kiosk-7', '--json', '--ledger', at('audit.ledger')]),
    ) as {
      events: { reason: string; by: string; treeAfter: string }[];
    };
    expect(audit.events).toMatchObject([
      { reason: 'applied', by: dids.dev, treeAfter: `sha256:${'b'.repeat(64)}` },
    ]);
  });

  it('rotate carries roles to the new key and retires the old one; flag marks a patch', async () => {
    copyFileSync(at('team.ledger'), at('rotate.ledger'));
    const L = ['--ledger', at('rotate.ledger')];
    await ok(['keygen', '--out', at('dev2.pem')]);
    const rotated = JSON.parse(
      await ok([
        'ledger',
        'rotate',
        '--key',
        at('dev.pem'),
        '--new-key',
        at('dev2.pem'),
        '--json',
        ...L,
      ]),
    ) as { to: string; entries: string[] };
    expect(rotated.entries).toHaveLength(2);
    // The retired key can no longer write: refused with REVOKED_KEY, nothing appended.
    const before = readFileSync(at('rotate.ledger'));
    const late = await pt([
      'ledger',
      'attest',
      at('b.json'),
      '--key',
      at('dev.pem'),
      '--reason',
      'tested',
      ...L,
    ]);
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/^REVOKED_KEY: refused: attest .* rotated to a new key/);
    expect(readFileSync(at('rotate.ledger'))).toEqual(before);
    const who = JSON.parse(await ok(['ledger', 'identities', '--json', ...L])) as {
      identities: { did: string; name: string; roles: Record<string, { stake: number }> }[];
    };
    expect(who.identities.find((i) => i.did === rotated.to)).toMatchObject({
      name: 'build box',
      roles: { builder: { stake: 5 } },
    });
    await ok([
      'ledger',
      'flag',
      at('b.json'),
      '--evidence',
      'CVE-2026-0001',
      '--key',
      at('reviewer.pem'),
      ...L,
    ]);
    expect(await ok(['ledger', 'provenance', at('b.json'), ...L])).toMatch(
      /FLAGGED compromised by .*CVE-2026-0001/,
    );
    expect(
      (await pt(['ledger', 'flag', at('b.json'), '--key', at('reviewer.pem'), ...L])).code,
    ).toBe(2);
  });

  it('reputation scores every system deterministically and explains one', async () => {
    const L = ['--ledger', at('team.ledger')];
    const first = JSON.parse(await ok(['reputation', '--json', ...L])) as {
      scoreHash: string;
      scores: { did: string; ppb: number }[];
    };
    const again = JSON.parse(await ok(['reputation', '--json', ...L])) as { scoreHash: string };
    expect(again.scoreHash).toBe(first.scoreHash);
    expect(first.scoreHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const ppb = (who: string) => first.scores.find((s) => s.did === dids[who])?.ppb;
    expect(ppb('dev')).toBeGreaterThan(0);
    expect(first.scores.reduce((n, s) => n + s.ppb, 0)).toBeLessThanOrEqual(1e9);
    const explained = JSON.parse(
      await ok(['reputation', '--json', '--explain', dids.dev as string, ...L]),
    ) as { explanation: { did: string; ppb: number; rank: number } };
    expect(explained.explanation).toMatchObject({ did: dids.dev, ppb: ppb('dev') });
    expect((await pt(['reputation', '--explain', 'nobody', ...L])).code).toBe(2);
  });

  it('a tampered line is found on reopening, though the cache vouched for the old bytes', async () => {
    const L = ['--ledger', at('tampered.ledger')];
    copyFileSync(at('team.ledger'), at('tampered.ledger'));
    await ok(['ledger', 'log', ...L]); // fills the verification cache
    const text = readFileSync(at('tampered.ledger'), 'utf8');
    writeFileSync(at('tampered.ledger'), text.replace('"name":"build box"', '"name":"build bot"'));
    const log = await pt(['ledger', 'log', ...L]);
    expect(log.stderr).toMatch(/1 line\(s\) rejected/);
    const verify = await pt(['ledger', 'verify', '--json', ...L]);
    expect(verify.code).toBe(1);
    const report = JSON.parse(verify.stdout) as { rejected: { line: number; code: string }[] };
    expect(report.rejected[0]).toMatchObject({ line: 2, code: 'INVALID_SIGNATURE' });
  });

  it('import admits a peer’s new entries, quarantines junk and another ledger’s entries', async () => {
    copyFileSync(at('team.ledger'), at('peer.ledger'));
    await ok(['ledger', 'register', '--key', at('stranger.pem'), '--ledger', at('peer.ledger')]);
    const other = at('other.ledger');
    await ok(['ledger', 'init', '--key', at('stranger.pem'), '--ledger', other]);
    const incoming = [
      readFileSync(at('peer.ledger'), 'utf8'),
      'not json\n',
      readFileSync(other, 'utf8'),
    ].join('');
    writeFileSync(at('incoming.ledger'), incoming);
    const result = JSON.parse(
      await ok([
        'ledger',
        'import',
        at('incoming.ledger'),
        '--ledger',
        at('team.ledger'),
        '--json',
      ]),
    ) as { admitted: number; duplicate: number; rejected: { code: string }[] };
    expect(result.admitted).toBe(1);
    expect(result.duplicate).toBe(7);
    expect(result.rejected.map((r) => r.code)).toEqual(['MALFORMED_INPUT', 'MALFORMED_INPUT']);
    const quarantine = readFileSync(at('team.ledger.quarantine'), 'utf8').trim().split('\n');
    expect(quarantine).toHaveLength(2);
    expect(JSON.parse(quarantine[0] as string)).toMatchObject({ code: 'MALFORMED_INPUT', line: 9 });
    const exported = (await ok(['ledger', 'export', '--ledger', at('team.ledger')])).split('\n');
    expect(exported).toHaveLength(8);
    // Since a frontier of heads: only what comes after them (genesis always leads).
    const heads = ['admin', 'dev', 'reviewer'].map((who) => {
      const mine = exported.filter((l) => l.includes(`"author":"${dids[who]}"`));
      return mine[mine.length - 1] as string;
    });
    const headIds = JSON.parse(
      await ok(['ledger', 'log', '--json', '--ledger', at('team.ledger')]),
    ) as {
      entries: { id: string }[];
    };
    const ids = heads.map((h) => headIds.entries[exported.indexOf(h)]?.id).join(',');
    const since = (
      await ok(['ledger', 'export', '--since', ids, '--ledger', at('team.ledger')])
    ).split('\n');
    expect(since).toHaveLength(2);
    expect(since[1]).toContain(`"author":"${dids.stranger}"`);
  });

  it('an equivocation found on import is proven once and the author is malicious', async () => {
    copyFileSync(at('team.ledger'), at('fork.ledger'));
    const T = ['--key', at('reviewer.pem'), '--reason'];
    const TEAM = ['--ledger', at('team.ledger')];
    await ok(['ledger', 'attest', at('b.json'), ...T, 'tested', ...TEAM]);
    await ok(['ledger', 'attest', at('b.json'), ...T, 'analyzed', '--ledger', at('fork.ledger')]);
    const importFork = async () =>
      JSON.parse(
        await ok([
          'ledger',
          'import',
          at('fork.ledger'),
          '--key',
          at('admin.pem'),
          '--json',
          ...TEAM,
        ]),
      ) as { admitted: number; equivocationProofs: number };
    expect(await importFork()).toMatchObject({ admitted: 1, equivocationProofs: 1 });
    const again = await importFork();
    expect(again.equivocationProofs).toBe(0);
    const verified = JSON.parse(
      await ok(['ledger', 'verify', '--json', '--ledger', at('team.ledger')]),
    ) as {
      malicious: string[];
    };
    expect(verified.malicious).toEqual([dids.reviewer]);
  });

  it('an import that reveals an equivocation names the liar, once, and identities says why', async () => {
    copyFileSync(at('team.ledger'), at('fork2.ledger'));
    const T = ['--key', at('dev.pem'), '--reason'];
    await ok(['ledger', 'attest', at('b.json'), ...T, 'tested', '--ledger', at('team.ledger')]);
    await ok(['ledger', 'attest', at('b.json'), ...T, 'analyzed', '--ledger', at('fork2.ledger')]);
    const importFork = () =>
      ok(['ledger', 'import', at('fork2.ledger'), '--ledger', at('team.ledger')]);
    const said = await importFork();
    const line = said.split('\n').find((l) => l.startsWith('proven malicious: '));
    expect(line).toMatch(
      new RegExp(
        `^proven malicious: "build box" ${dids.dev} signed 2 different entries at #(\\d+) \\(sha256:[0-9a-f]{12}, sha256:[0-9a-f]{12}\\); its entries from #\\1 on are out of standing$`,
      ),
    );
    expect(said).toContain('import again with --key KEY.pem');
    // Known now: a second import of the same copy reports nothing new.
    expect(await importFork()).not.toContain('proven malicious');
    const seq = /at #(\d+)/.exec(line as string)?.[1];
    const identities = await ok(['ledger', 'identities', '--ledger', at('team.ledger')]);
    const row = identities.split('\n').find((l) => l.startsWith(dids.dev as string));
    expect(row).toContain(`MALICIOUS (signed two entries at #${seq})`);
  });

  it('an equivocation in an import is in --json: who, at which sequence number, which entries', async () => {
    await ok(['keygen', '--out', at('builder.pem')]);
    await ok(['ledger', 'register', '--key', at('builder.pem'), '--ledger', at('team.ledger')]);
    dids.builder = (await ok(['id', at('builder.pem')])).trim();
    copyFileSync(at('team.ledger'), at('fork3.ledger'));
    const T = ['--key', at('builder.pem'), '--reason'];
    await ok(['ledger', 'attest', at('b.json'), ...T, 'built', '--ledger', at('team.ledger')]);
    await ok(['ledger', 'attest', at('b.json'), ...T, 'forwarded', '--ledger', at('fork3.ledger')]);
    const result = JSON.parse(
      await ok(['ledger', 'import', at('fork3.ledger'), '--json', '--ledger', at('team.ledger')]),
    ) as { equivocators: { did: string; seq: number; entries: string[] }[] };
    expect(result.equivocators).toHaveLength(1);
    expect(result.equivocators[0]?.did).toBe(dids.builder);
    expect(result.equivocators[0]?.entries).toHaveLength(2);
    const log = JSON.parse(
      await ok(['ledger', 'log', '--json', '--ledger', at('team.ledger')]),
    ) as {
      entries: { id: string; seq: number; author: string }[];
    };
    const atSeq = log.entries
      .filter((e) => e.author === dids.builder && e.seq === result.equivocators[0]?.seq)
      .map((e) => e.id)
      .sort();
    expect([...(result.equivocators[0]?.entries ?? [])].sort()).toEqual(atSeq);
  });

  it('a key that never registered is told so (UNKNOWN_AUTHOR) by every writing word, and nothing is written', async () => {
    await ok(['keygen', '--out', at('newcomer.pem')]);
    const before = readFileSync(at('team.ledger'));
    const did = (await ok(['id', at('newcomer.pem')])).trim();
    const K = ['--key', at('newcomer.pem'), '--ledger', at('team.ledger')];
    for (const args of [
      ['ledger', 'attest', at('b.json'), '--reason', 'built', ...K],
      ['ledger', 'flag', at('b.json'), '--evidence', 'x', ...K],
      ['ledger', 'checkpoint', ...K],
    ]) {
      const r = await pt(args);
      expect([r.code, r.stderr], args.join(' ')).toEqual([
        1,
        `UNKNOWN_AUTHOR: ${did} is not registered on this ledger: a key registers before it signs anything else\n`,
      ]);
    }
    expect(readFileSync(at('team.ledger'))).toEqual(before);
    // Registered, no role yet: identities says what the app's Team page says.
    await ok(['ledger', 'register', '--key', at('newcomer.pem'), '--name', 'New', ...K.slice(2)]);
    const rows = (await ok(['ledger', 'identities', ...K.slice(2)])).split('\n');
    expect(rows.find((r) => r.startsWith(did))).toBe(
      `${did} "New" - in standing, waiting for an admin to endorse it; 1 entry`,
    );
    // A role given, then withdrawn with a stake of 0, is not held.
    const A = ['--key', at('admin.pem'), '--ledger', at('team.ledger')];
    await ok(['ledger', 'endorse', did, '--role', 'builder', ...A]);
    // A second later: at one time the larger stake wins (registry.ts), and times are seconds.
    await new Promise((done) => setTimeout(done, 1100));
    await ok(['ledger', 'endorse', did, '--role', 'builder', '--stake', '0', ...A]);
    const after = (await ok(['ledger', 'identities', ...K.slice(2)])).split('\n');
    expect(after.find((r) => r.startsWith(did))).toBe(
      `${did} "New" - in standing, waiting for an admin to endorse it; 1 entry`,
    );
  });

  it('an import into a new copy says what the file lacks: any line at all, or a complete one', async () => {
    writeFileSync(at('blank.ledger'), '\n\n');
    writeFileSync(at('noline.ledger'), Buffer.from([0xff, 0x00, 0x7b, 0x22]));
    const blank = await pt(['ledger', 'import', at('blank.ledger'), '--ledger', at('new1.ledger')]);
    expect([blank.code, blank.stderr]).toEqual([
      1,
      'MALFORMED_INPUT: the import is empty: no genesis to start from\n',
    ]);
    const cut = await pt(['ledger', 'import', at('noline.ledger'), '--ledger', at('new2.ledger')]);
    expect([cut.code, cut.stderr]).toEqual([
      1,
      'MALFORMED_INPUT: the import holds no complete line (4 bytes and no line break): a ledger file is one JSON entry per line, its genesis first\n',
    ]);
  });

  it('usage errors exit 2; a missing ledger file is a usage error', async () => {
    expect((await pt(['ledger'])).code).toBe(2);
    expect((await pt(['ledger', 'frobnicate'])).code).toBe(2);
    expect((await pt(['ledger', 'log'])).code).toBe(2);
    expect((await pt(['ledger', 'log', '--ledger', at('nope')])).code).toBe(2);
    expect(
      (
        await pt([
          'ledger',
          'endorse',
          'did:key:nope',
          '--role',
          'x',
          '--key',
          at('admin.pem'),
          '--ledger',
          at('team.ledger'),
        ])
      ).code,
    ).toBe(2);
    expect((await pt(['ledger', 'log', '--help'])).code).toBe(0);
  });
});
