/**
 * Bundle files opened from the operating system ("Open with patchtrail", or a double click once
 * the installed app handles `.patchtrail` files): the manifest's `file_handlers` make the
 * browser launch the app with them, and the launch queue hands them to the consumer set here,
 * which opens each into the Inbox like a file chosen there. Only an installed app receives
 * launches; elsewhere the queue stays empty (or the browser has none, and this does nothing).
 */
import { createSignal, type Accessor } from 'solid-js';
import type { InboxService } from './inbox.ts';
import { failureWords } from './secure-context.ts';

/** The parts of the File Handling API used here (not in TypeScript's DOM library yet). */
export interface LaunchFileHandle {
  readonly kind: string;
  readonly name: string;
  getFile?(): Promise<File>;
}

export interface LaunchParamsLike {
  readonly files?: readonly LaunchFileHandle[];
}

export interface LaunchQueueLike {
  setConsumer(consumer: (params: LaunchParamsLike) => unknown): void;
}

/** One launch: its files being checked, then their Inbox keys. */
export interface Launch {
  readonly id: number;
  readonly files: number;
  /** Inbox keys of the files checked, in launch order; undefined while they are checked. */
  readonly keys?: readonly string[];
  /** Files the browser handed over but would not let the app read. */
  readonly unreadable: readonly string[];
  /** Files read but not opened into the Inbox, and why (the others still open). */
  readonly failed?: readonly { name: string; why: string }[];
}

export interface LaunchService {
  /** The newest launch that carried files, if any. */
  readonly latest: Accessor<Launch | undefined>;
}

export function browserLaunchQueue(): LaunchQueueLike | undefined {
  return (globalThis as { launchQueue?: LaunchQueueLike }).launchQueue;
}

async function readHandle(handle: LaunchFileHandle): Promise<File | undefined> {
  if (handle.kind !== 'file' || handle.getFile === undefined) return undefined;
  try {
    return await handle.getFile();
  } catch {
    return undefined; // permission withdrawn, file gone: listed as unreadable
  }
}

export function createLaunches(
  inbox: InboxService,
  queue: LaunchQueueLike | undefined = browserLaunchQueue(),
): LaunchService {
  const [latest, setLatest] = createSignal<Launch>();
  let launches = 0;

  async function consume(params: LaunchParamsLike): Promise<void> {
    const handles = params.files ?? [];
    if (handles.length === 0) return; // a plain start of the installed app
    const id = ++launches;
    setLatest({ id, files: handles.length, unreadable: [] });
    const keys: string[] = [];
    const unreadable: string[] = [];
    const failed: { name: string; why: string }[] = [];
    for (const handle of handles) {
      const file = await readHandle(handle);
      if (file === undefined) unreadable.push(handle.name);
      else
        try {
          keys.push((await inbox.open(file)).key);
        } catch (error) {
          failed.push({ name: handle.name, why: failureWords(error) });
        }
    }
    setLatest({
      id,
      files: handles.length,
      keys,
      unreadable,
      ...(failed.length > 0 ? { failed } : {}),
    });
  }

  queue?.setConsumer((params) => void consume(params));
  return { latest };
}
