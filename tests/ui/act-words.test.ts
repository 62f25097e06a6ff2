/** The progress line of an action on a bundle: what it does, where, and which step is under way. */
import { describe, expect, it } from 'vitest';
import { AGENT_STEPS } from '../../src/core/agent/types.ts';
import { actLine } from '../../src/ui/pages/patch/act-words.ts';

describe('the progress line of an action', () => {
  it('says the action and its target, then the step under way', () => {
    expect(actLine('apply', 'workspace main')).toBe('Applying on workspace main…');
    expect(actLine('apply', 'workspace main', 'policy')).toBe(
      'Applying on workspace main: asking the policy (reading the team’s trust scores)…',
    );
    expect(actLine('attest', undefined, 'record')).toBe(
      'Recording: recording it in the team’s ledger…',
    );
  });

  it('says what the files step does for each action', () => {
    expect(actLine('apply', 'folder x', 'apply')).toBe('Applying on folder x: changing the files…');
    expect(actLine('dry-run', 'folder x', 'apply')).toBe(
      'Checking on folder x: trying the change (nothing is written)…',
    );
    expect(actLine('rollback', 'folder x', 'apply')).toBe(
      'Rolling back on folder x: changing the files back…',
    );
  });

  it('has words for every step the agent runs', () => {
    for (const step of AGENT_STEPS)
      expect(actLine('apply', undefined, step)).toMatch(/^Applying: [a-z].+…$/);
  });
});
