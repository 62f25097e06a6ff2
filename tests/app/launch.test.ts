/**
 * The launch queue consumer in Node: files the operating system hands the installed app are
 * opened into the Inbox in launch order; a plain start (no files) changes nothing; a handle the
 * app may not read is named, and the others still open.
 */
import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import type { InboxItem, InboxService } from '../../src/app/inbox.ts';
import {
  createLaunches,
  type LaunchFileHandle,
  type LaunchParamsLike,
} from '../../src/app/launch.ts';

function fakeInbox() {
  const opened: string[] = [];
  const inbox: InboxService = {
    items: () => [],
    checking: () => undefined,
    async open(file) {
      opened.push(file.name);
      return { key: `sha256:${file.name}`, fileName: file.name } as InboxItem;
    },
    find: () => undefined,
    loaded: () => true,
    remove: async () => undefined,
    holds: async () => false,
  };
  return { inbox, opened };
}

function queue() {
  let consumer: ((params: LaunchParamsLike) => unknown) | undefined;
  return {
    setConsumer(next: (params: LaunchParamsLike) => unknown) {
      consumer = next;
    },
    launch(params: LaunchParamsLike) {
      if (consumer === undefined) throw new Error('no consumer set');
      consumer(params);
    },
  };
}

const fileHandle = (name: string): LaunchFileHandle => ({
  kind: 'file',
  name,
  getFile: async () => new File(['{}'], name),
});

const settle = () => new Promise((done) => setTimeout(done, 0));

describe('files launched with the installed app', () => {
  it('opens every launched file into the Inbox, in order, and reports their keys', async () => {
    const { inbox, opened } = fakeInbox();
    const launchQueue = queue();
    const launches = createRoot(() => createLaunches(inbox, launchQueue));
    launchQueue.launch({ files: [fileHandle('a.patchtrail'), fileHandle('b.json')] });
    expect(launches.latest()).toEqual({ id: 1, files: 2, unreadable: [] });
    await settle();
    expect(opened).toEqual(['a.patchtrail', 'b.json']);
    expect(launches.latest()).toEqual({
      id: 1,
      files: 2,
      keys: ['sha256:a.patchtrail', 'sha256:b.json'],
      unreadable: [],
    });
  });

  it('ignores a launch without files (the app was started, not given a file)', async () => {
    const { inbox, opened } = fakeInbox();
    const launchQueue = queue();
    const launches = createRoot(() => createLaunches(inbox, launchQueue));
    launchQueue.launch({ files: [] });
    launchQueue.launch({});
    await settle();
    expect(launches.latest()).toBeUndefined();
    expect(opened).toEqual([]);
  });

  it('names a file it may not read, and still opens the others', async () => {
    const { inbox, opened } = fakeInbox();
    const launchQueue = queue();
    const launches = createRoot(() => createLaunches(inbox, launchQueue));
    const refused: LaunchFileHandle = {
      kind: 'file',
      name: 'gone.json',
      getFile: () => Promise.reject(new DOMException('gone', 'NotFoundError')),
    };
    const folder: LaunchFileHandle = { kind: 'directory', name: 'folder' };
    launchQueue.launch({ files: [refused, folder, fileHandle('ok.json')] });
    await settle();
    expect(opened).toEqual(['ok.json']);
    expect(launches.latest()).toMatchObject({
      keys: ['sha256:ok.json'],
      unreadable: ['gone.json', 'folder'],
    });
  });

  it('says why a file it read could not be opened, and still opens the others', async () => {
    const { inbox, opened } = fakeInbox();
    const failing: InboxService = {
      ...inbox,
      async open(file) {
        if (file.name === 'broken.json') throw new Error('the store is gone');
        return inbox.open(file);
      },
    };
    const launchQueue = queue();
    const launches = createRoot(() => createLaunches(failing, launchQueue));
    launchQueue.launch({ files: [fileHandle('broken.json'), fileHandle('ok.json')] });
    await settle();
    expect(opened).toEqual(['ok.json']);
    expect(launches.latest()).toMatchObject({
      keys: ['sha256:ok.json'],
      unreadable: [],
      failed: [{ name: 'broken.json', why: expect.stringContaining('the store is gone') }],
    });
  });

  it('does nothing where the browser has no launch queue', () => {
    const { inbox } = fakeInbox();
    const launches = createRoot(() => createLaunches(inbox, undefined));
    expect(launches.latest()).toBeUndefined();
  });
});
