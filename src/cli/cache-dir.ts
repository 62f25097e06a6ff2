/**
 * The user's cache directory for patchtrail, shared by the caches the CLI keeps (the ledger
 * verification cache, the tree stat cache): PATCHTRAIL_CACHE_DIR, else
 * $XDG_CACHE_HOME/patchtrail, else ~/.cache/patchtrail. Never beside a ledger or inside a
 * target, so a file received from someone else cannot bring a cache that vouches for it.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function userCacheDir(): string {
  return (
    process.env.PATCHTRAIL_CACHE_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'patchtrail')
  );
}

/** Where the Node tree keeps its stat caches, one file per target (stat-cache.ts). */
export const treeStatCacheDir = (): string => join(userCacheDir(), 'trees');
