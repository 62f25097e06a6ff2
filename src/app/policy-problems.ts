/**
 * What is wrong with a draft policy, each problem at its path (`/rules/2/min`), so the form
 * shows it at its field and the JSON view at its line. The policy engine is the judge:
 * `readPolicy` lists every schema problem, duplicate ids, bad patterns and, with the CEL
 * engine, every expression that does not compile; nothing here re-decides what it decides.
 * On top come what `policy publish` refuses against the ledger (a version at or below the one
 * in force) and, as warnings that do not block, what `policy validate --ledger` warns about:
 * roles nobody in standing holds, systems the ledger does not know.
 */
import { isPatchtrailError } from '../core/errors.ts';
import type { CelEngine } from '../core/policy/cel-api.ts';
import { canonicalHash, readPolicy } from '../core/policy/document.ts';
import { publishRefusal } from '../core/policy/publishable.ts';
import type { PolicyDocument } from '../core/policy/types.ts';

export interface DraftProblem {
  /** The checker's path: "" for the document, "/rules/2/min" for a field. */
  path: string;
  message: string;
  /** Errors block publishing; warnings say what the ledger cannot meet yet. */
  severity: 'error' | 'warning';
}

/** "/rules/2/min: must be an integer" → its path and message. */
export function splitProblem(text: string): { path: string; message: string } {
  if (text.startsWith('(top level): ')) return { path: '', message: text.slice(13) };
  const m = /^((?:\/[^/:]*)*): ([\s\S]*)$/.exec(text);
  return m === null ? { path: '', message: text } : { path: m[1] ?? '', message: m[2] ?? '' };
}

/**
 * The engine's verdict on a document: every problem, or the checked copy. A `cel` rule's
 * expression is compiled only with `cel` (loaded on demand); without it, it is checked
 * against the schema alone.
 */
export function checkDocument(
  value: unknown,
  cel: CelEngine | undefined,
): { document: PolicyDocument; hash: string } | { problems: DraftProblem[] } {
  try {
    const document = readPolicy(value, cel);
    return { document, hash: canonicalHash(document) };
  } catch (error) {
    if (!isPatchtrailError(error)) throw error;
    const texts = error.details.length > 0 ? error.details : [error.message];
    return {
      problems: texts.map((t) => ({ ...splitProblem(t), severity: 'error' as const })),
    };
  }
}

/** What the ledger says about a checked document. */
export interface LedgerFacts {
  /** The policy in force, if any. */
  inForce?: { version: number; hash: string } | undefined;
  /** Roles some identity in standing holds with stake. */
  rolesHeld: ReadonlySet<string>;
  /** Registered systems. */
  systems: ReadonlySet<string>;
}

/** The selectors a rule names systems and roles in, with their member names. */
function selectors(rule: PolicyDocument['rules'][number]) {
  const found: { key: string; roles?: string[]; systems?: string[] }[] = [];
  if ('from' in rule && rule.from !== undefined) found.push({ key: 'from', ...rule.from });
  if ('by' in rule && rule.by !== undefined) found.push({ key: 'by', ...rule.by });
  if (rule.kind === 'authors') found.push({ key: 'allow', ...rule.allow });
  if (rule.kind === 'acting-role') found.push({ key: '', roles: rule.roles });
  return found;
}

export function ledgerProblems(document: PolicyDocument, hash: string, facts: LedgerFacts) {
  const problems: DraftProblem[] = [];
  const refusal = publishRefusal(facts.inForce, document.version, hash);
  if (refusal !== undefined)
    problems.push({ path: '/version', message: refusal, severity: 'error' });
  document.rules.forEach((rule, i) => {
    for (const { key, roles = [], systems = [] } of selectors(rule)) {
      const at = key === '' ? `/rules/${i}` : `/rules/${i}/${key}`;
      roles.forEach((role, j) => {
        if (!facts.rolesHeld.has(role))
          problems.push({
            path: `${at}/roles/${j}`,
            message: `nobody in standing holds the role “${role}” yet`,
            severity: 'warning',
          });
      });
      systems.forEach((did, j) => {
        if (!facts.systems.has(did))
          problems.push({
            path: `${at}/systems/${j}`,
            message: 'this system is not registered on the team ledger',
            severity: 'warning',
          });
      });
    }
  });
  return problems;
}

/** Problems at `path` or inside it (a field shows its items' problems too). */
export function problemsAt(problems: readonly DraftProblem[], path: string): DraftProblem[] {
  return problems.filter((p) => p.path === path || p.path.startsWith(`${path}/`));
}
