/**
 * The Inbox: bundles opened on this device in this session, each with its check. A bundle is
 * named by its payload digest (what ledger entries name) once its author signature verifies,
 * and by a local number otherwise; the Patch detail route takes that name.
 */
import { createSignal, type Accessor } from 'solid-js';
import type { BundleCheck } from './check.ts';
import type { BundleFile, Services } from './services.ts';

export interface InboxItem {
  /** The route key: `sha256:<payload digest>`, or `file-<n>` for a bundle that did not verify. */
  key: string;
  fileName: string;
  check: BundleCheck;
  openedAt: number;
}

export interface InboxService {
  readonly items: Accessor<InboxItem[]>;
  /** The file being checked now, if any. */
  readonly checking: Accessor<string | undefined>;
  /** Checks a bundle and files it; resolves with its item. */
  open(file: BundleFile): Promise<InboxItem>;
  find(key: string): InboxItem | undefined;
}

export function createInbox(bundles: Services, now: () => number = Date.now): InboxService {
  const [items, setItems] = createSignal<InboxItem[]>([]);
  const [checking, setChecking] = createSignal<string>();
  let opened = 0;
  let latest = 0;
  return {
    items,
    checking,
    async open(file) {
      const ticket = ++latest;
      setChecking(file.name);
      const check = await bundles.verifyBundleFile(file);
      if (ticket === latest) setChecking(undefined);
      const digest = check.report?.payloadDigest;
      const key = digest === undefined ? `file-${++opened}` : `sha256:${digest}`;
      const item: InboxItem = { key, fileName: file.name, check, openedAt: now() };
      setItems((list) => [item, ...list.filter((other) => other.key !== key)]);
      return item;
    },
    find: (key) => items().find((item) => item.key === key),
  };
}
