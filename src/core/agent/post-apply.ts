/**
 * The post-apply check a policy names: its `post-apply` rules, judged on the target once the
 * diff is applied. Each named file must be a regular file (never followed through a symlink),
 * or absent with `absent`; with the SHA-256 given; containing the text given. The agent rolls
 * an apply back when a check in `enforce` mode fails (pipeline.ts); `warn` failures are said.
 *
 * The policy is the admins' (from the ledger or the device); the target's files after the
 * apply are partly the patch's, so their bytes are attacker-influenced: they are only hashed
 * and searched, and a file that cannot be read fails its check rather than throwing.
 */
import { sha256Hex } from '../crypto/hash.ts';
import { checkPathsAgainstTree, checkPathSyntax } from '../diff/safety.ts';
import type { Tree } from '../diff/tree.ts';
import type { CompiledPolicy } from '../policy/evaluate.ts';
import type {
  PolicyDocument,
  PostApplyFileCheck,
  PostApplyRule,
  RuleMode,
} from '../policy/types.ts';

/** One check that failed: which rule, its mode as applied, the file and what was wrong. */
export interface PostApplyFailure {
  rule: string;
  mode: RuleMode;
  path: string;
  problem: string;
}

/** What the agent runs after an apply: the failures, `enforce` ones roll the apply back. */
export type PostApplyCheck = (tree: Tree) => Promise<readonly PostApplyFailure[]>;

const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What is wrong with one file after the apply, or undefined when the check holds. */
async function fileProblem(tree: Tree, check: PostApplyFileCheck): Promise<string | undefined> {
  checkPathSyntax(check.path);
  await checkPathsAgainstTree(tree, [], [check.path]); // no symlink on the way
  const entry = await tree.stat(check.path);
  if (check.absent === true) return entry === undefined ? undefined : `exists (a ${entry.kind})`;
  if (entry === undefined) return 'is missing';
  if (entry.kind !== 'file') return `is a ${entry.kind}, not a regular file`;
  if (check.sha256 === undefined && check.contains === undefined) return undefined;
  const bytes = await tree.read(check.path);
  if (check.sha256 !== undefined) {
    const digest = await sha256Hex(bytes);
    if (digest !== check.sha256) return `has sha256 ${digest}, expected ${check.sha256}`;
  }
  if (check.contains !== undefined && !lenient.decode(bytes).includes(check.contains))
    return `does not contain ${JSON.stringify(check.contains.slice(0, 200))}`;
  return undefined;
}

function postApplyRules(policy: CompiledPolicy | PolicyDocument): PostApplyRule[] {
  const document = 'policy' in policy ? policy.policy : policy;
  return document.rules.filter((r): r is PostApplyRule => r.kind === 'post-apply');
}

/**
 * Runs every `post-apply` rule of the policy over the tree and returns the checks that fail,
 * in policy order (empty: the target is healthy by the policy's word). A policy in `warn` mode
 * makes every failure `warn`, as it does for the rules judged before the apply.
 */
export async function runPostApplyChecks(
  tree: Tree,
  policy: CompiledPolicy | PolicyDocument,
): Promise<PostApplyFailure[]> {
  const document = 'policy' in policy ? policy.policy : policy;
  const failures: PostApplyFailure[] = [];
  for (const rule of postApplyRules(policy)) {
    const mode = document.mode === 'warn' ? 'warn' : rule.mode;
    for (const check of rule.checks) {
      let problem: string | undefined;
      try {
        problem = await fileProblem(tree, check);
      } catch (error) {
        problem = `cannot be checked: ${describeError(error)}`;
      }
      if (problem !== undefined) failures.push({ rule: rule.id, mode, path: check.path, problem });
    }
  }
  return failures;
}

/** Whether the policy names a post-apply check at all. */
export function hasPostApplyChecks(policy: CompiledPolicy | PolicyDocument): boolean {
  return postApplyRules(policy).length > 0;
}

/** One line for a failure: "rule health: app.conf is missing". */
export function describePostApplyFailure(f: PostApplyFailure): string {
  return `rule ${f.rule}: ${f.path} ${f.problem}`;
}
