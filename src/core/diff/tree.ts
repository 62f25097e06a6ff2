/**
 * The `Tree` a diff applies to: the few operations patch application needs, implemented by
 * adapters for the places a user keeps files (Node filesystem in src/cli, the Origin Private
 * File System and File System Access API folders in src/storage, memory in tests).
 *
 * Paths are relative to the tree's root, "/"-separated, already checked by `safety.ts`.
 * `commit` is all or nothing, also across a crash: adapters check the commit against the tree
 * (`commit-check.ts`), stage every new file, then write the journal (`journal.ts`, the commit
 * point), then move files into place; `recover` completes a commit whose journal was written
 * (roll forward) and discards one whose journal was not (nothing had been touched).
 */

/** 'other' is a FIFO, socket or device: never read, written or listed. */
export type EntryKind = 'file' | 'symlink' | 'dir' | 'other';

export interface TreeEntry {
  path: string;
  kind: EntryKind;
  /** Owner-executable bit (git's 100755); false where the platform has no modes. */
  executable: boolean;
}

export type TreeChange =
  | {
      action: 'write';
      path: string;
      content: Uint8Array;
      executable: boolean;
      /**
       * The file in the tree whose permission bits and owner the written file keeps: the file
       * itself when modified, the source of a rename or copy; absent for a new file. Trees with
       * modes (the Node directory) keep them as GNU patch does; the others ignore it.
       */
      keeps?: string;
    }
  | { action: 'delete'; path: string };

export type RecoveryOutcome = 'none' | 'rolled-forward' | 'discarded';

/** What `recover` would do now, found without changing anything. */
export type PendingCommit =
  | { outcome: 'none' | 'discarded' }
  /** `changes`: what rolling forward still has to do, with the staged bytes. */
  | { outcome: 'rolled-forward'; changes: TreeChange[] };

/** A tree hash, and the hash of the same tree after a few changes, without listing it again. */
export interface TreeHashState {
  /** `sha256:<hex>` (tree-hash.ts). */
  hash: string;
  /** The tree hash with these files changed: written with this digest and mode, or deleted. */
  after(
    changes: ReadonlyMap<string, { digest: string; executable: boolean } | null>,
  ): Promise<string>;
}

/** Directories a tree never lists and a diff may never touch. */
export const RESERVED_DIRS = ['.git', '.patchtrail'] as const;

export interface Tree {
  /** Every regular file and symlink under the root (reserved directories excluded). */
  list(): Promise<TreeEntry[]>;
  /** The entry at `path` without following a final symlink; undefined when absent. */
  stat(path: string): Promise<TreeEntry | undefined>;
  /** The names in the directory at `path` ("" is the root), unsorted. */
  children(path: string): Promise<string[]>;
  /** A regular file's bytes. */
  read(path: string): Promise<Uint8Array>;
  /**
   * The lower-case hex SHA-256 of a regular file's bytes, for adapters that hash faster than
   * reading into core and hashing there (Node's native SHA-256 is 5–8× hash-wasm on 32 MB of
   * source files); without it, tree hashes read and hash in core.
   */
  digest?(path: string): Promise<string>;
  /**
   * The tree hash of `listed`, the entries this tree's last `list()` returned, for adapters
   * that can skip reading files they have seen unchanged and keep the hash's text (the Node
   * tree's stat cache); without it, tree hashes call `digest` or `read` per file.
   */
  hashState?(listed: readonly TreeEntry[]): Promise<TreeHashState>;
  /**
   * Applies every change or none; creates parent directories, removes emptied ones. Refuses
   * (APPLY_CONFLICT, UNSAFE_PATH) before anything is staged a commit that could not finish.
   */
  commit(changes: readonly TreeChange[]): Promise<void>;
  /** Finishes or discards a commit that a crash interrupted. */
  recover(): Promise<RecoveryOutcome>;
  /** What `recover` would do, changing nothing (for dry runs). */
  pending(): Promise<PendingCommit>;
}
