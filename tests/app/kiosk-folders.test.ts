/**
 * A kiosk on folders an admin picked (File System Access): while the browser no longer grants
 * a picked folder, the kiosk lists nothing, applies nothing and says which folder needs
 * permission again; once an admin allows it, the same pass applies, recorded against the
 * picked folder's name. The folder's permission is simulated by the `access` seam.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FolderNeed, KioskIo } from '../../src/app/kiosk.ts';
import { targetEvents } from '../../src/app/kiosk-ledger.ts';
import { readKioskMode } from '../../src/app/kiosk-guard.ts';
import { makeMemoryTree } from '../../src/core/index.ts';
import { bundles, bytesOf, content, memoryStore, start, T, team, until } from './kiosk-world.ts';

describe('a kiosk on picked folders', () => {
  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory();
  });

  it('applies nothing while the update folder needs permission, then applies once it is allowed', async () => {
    const tree = makeMemoryTree({ 'app.conf': 'mode=old\n' });
    const folder = new Map<string, Uint8Array>();
    let granted = false;
    let listed = 0;
    let asked = 0;
    const more: Partial<KioskIo> = {
      access: (mode) =>
        Promise.resolve(
          granted
            ? []
            : [{ role: 'watch', name: mode.watchPicked ?? '', state: 'prompt' } as FolderNeed],
        ),
      regrant: () => {
        asked++;
        granted = true;
        return Promise.resolve();
      },
    };
    const app = start(tree, folder, memoryStore(), T, more);
    const list = app.io.listFolder;
    app.io.listFolder = (name, mode) => {
      listed++;
      return list(name, mode);
    };
    const { open, author, rita } = await team(app);
    folder.set('fix.json', bytesOf((await bundles(author, rita)).reviewed));
    expect(app.kiosk.enter({ components: [], watch: 'USB drop', target: 'player' })).toEqual({
      ok: true,
    });
    const blocked = await until(
      () => (app.kiosk.status().permissions === undefined ? undefined : app.kiosk.status()),
      'the permission status',
    );
    expect(blocked.state).toBe('needs-attention');
    expect(blocked.problems.join(' ')).toContain(
      'Needs attention: the update folder needs permission again (“USB drop”)',
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // several more passes
    expect(content(tree)).toBe('mode=old\n');
    expect(app.inbox.items()).toHaveLength(0);
    expect(listed).toBe(0);

    await app.kiosk.allowFoldersAgain();
    expect(asked).toBe(1);
    await until(() => app.kiosk.status().current, 'the applied version');
    expect(content(tree)).toBe('mode=new\n');
    expect(app.kiosk.status().permissions).toBeUndefined();
    const did = (await app.device.ready()).did;
    expect(targetEvents(open.ledger, `${did}:folder:player`).map((e) => e.reason)).toEqual([
      'applied',
    ]);
    app.dispose();
  });

  it('keeps picked folder names in the stored mode, and falls back closed on odd ones', () => {
    const mode = {
      ...{ target: 'kiosk', folder: 'kiosk-drop', components: [], since: T, device: 'd' },
      ...{ watchPicked: 'USB drop', targetPicked: 'player' },
    };
    expect(readKioskMode(JSON.stringify(mode))).toEqual(mode);
    const odd = readKioskMode(JSON.stringify({ ...mode, targetPicked: 7 }));
    expect(odd?.targetPicked).toBeUndefined();
    expect(odd?.target).toBe('kiosk');
  });
});
