/**
 * What `agent --watch` remembers across restarts, in TARGET/.patchtrail/agent-state.json: every
 * bundle file it decided, by the SHA-256 of its bytes (so the same bytes under another name are
 * not decided twice, and a bundle that gained an attestation is a new one to decide), and the
 * one it was deciding when it stopped. The file is written whole (temporary file, fsync,
 * rename, fsync of the directory), so a crash leaves the old state or the new one.
 *
 * Why `pending`: an apply commits the target, then records on the ledger, then the state is
 * written. After a crash between those, the bundle is decided again as `resumed`: the target
 * is all-old or all-new (the tree's journal), so it is applied now, or the core finishes the
 * interrupted apply (core/agent/resume.ts): in once, recorded once; the agent says it resumed.
 */
import {
  closeSync,
  constants,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseJson, reject, utf8Decode } from '../core/index.ts';
import { lstatOrUndefined } from './node-fs.ts';

export const AGENT_STATE_FORMAT = 'urn:patchtrail:agent-state:v1';
/** A state file this large is not ours. */
const MAX_STATE_BYTES = 64 * 1024 * 1024;

export interface Decided {
  name: string;
  status: string;
  code?: string;
  patch?: string;
  time: string;
}

export interface AgentState {
  format: typeof AGENT_STATE_FORMAT;
  decided: Record<string, Decided>;
  /**
   * The bundle being decided when the state was last written, if any; `checks`: how often its
   * `--post-check` was started (agent-watch-check.ts).
   */
  pending?: { digest: string; name: string; time: string; checks?: number };
}

export const statePath = (target: string): string =>
  join(target, '.patchtrail', 'agent-state.json');

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(path: string, why: string): never {
  return reject(
    'MALFORMED_INPUT',
    `agent state ${path} ${why}; move it away to decide every bundle in the folder again`,
  );
}

/** The state, or an empty one when there is none; a damaged state refuses to start. */
export async function loadAgentState(path: string): Promise<AgentState> {
  const info = lstatOrUndefined(path);
  if (info === undefined) return { format: AGENT_STATE_FORMAT, decided: {} };
  if (!info.isFile()) bad(path, 'is not a regular file');
  if (info.size > MAX_STATE_BYTES) bad(path, `is over ${MAX_STATE_BYTES} bytes`);
  const value = parseJson(utf8Decode(await readFile(path), 'agent state'), 'agent state');
  if (!isObject(value) || value.format !== AGENT_STATE_FORMAT || !isObject(value.decided))
    bad(path, `is not an ${AGENT_STATE_FORMAT} document`);
  for (const [digest, d] of Object.entries(value.decided))
    if (!/^[0-9a-f]{64}$/u.test(digest) || !isObject(d) || typeof d.status !== 'string')
      bad(path, 'has a decision that is not one');
  return value as unknown as AgentState;
}

/** Writes the state whole: temporary file, fsync, rename, fsync the directory. */
export function saveAgentState(path: string, state: AgentState): void {
  const dir = join(path, '..');
  const info = lstatOrUndefined(dir);
  if (info === undefined) mkdirSync(dir, { mode: 0o755 });
  else if (!info.isDirectory()) bad(path, 'cannot be written: its directory is not a directory');
  const temp = join(dir, `.agent-state.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  try {
    writeFileSync(fd, `${JSON.stringify(state)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  const dirFd = openSync(dir, constants.O_RDONLY);
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
