/**
 * The draft both views edit, and its check as it changes: a form edit rewrites the JSON text; a
 * text that does not parse leaves the form on the last value that did and refuses its edits;
 * the check names a CEL compile error at the rule once the engine has loaded, and a version
 * at or below the one in force at /version.
 */
import { createRoot, createSignal } from 'solid-js';
import { describe, expect, it, vi } from 'vitest';
import { createDraftCheck, type DraftCheck } from '../../src/app/policy-check.ts';
import { createPolicyDraft } from '../../src/app/policy-draft.ts';
import type { LedgerFacts } from '../../src/app/policy-problems.ts';
import { ruleTemplate, starterPolicy } from '../../src/app/policy-templates.ts';

const inRoot = <T>(make: () => T): T => createRoot(() => make());

describe('the policy draft', () => {
  it('writes a form edit into the JSON text, and a text edit into the form', () => {
    const draft = inRoot(() => createPolicyDraft(starterPolicy('Plant')));
    draft.edit(['rules', 2, 'count'], 2);
    expect(JSON.parse(draft.text())).toMatchObject({ rules: [{}, {}, { count: 2 }] });
    expect(draft.touched()).toBe(true);
    draft.setText(draft.text().replace('"version": 1', '"version": 7'));
    expect(draft.value()).toMatchObject({ version: 7, rules: [{}, {}, { count: 2 }] });
  });

  it('keeps the last good value and refuses form edits while the text does not parse', () => {
    const draft = inRoot(() => createPolicyDraft(starterPolicy('Plant')));
    const good = draft.text();
    draft.setText(good.replace('"version": 1,', '"version": 1'));
    expect(draft.editable()).toBe(false);
    expect(draft.value()).toEqual(JSON.parse(good));
    draft.edit(['version'], 9);
    expect(draft.text()).not.toContain('9');
    draft.setText(good);
    expect(draft.editable()).toBe(true);
  });

  it('sets edits aside when a template replaces them, and brings them back once', () => {
    const draft = inRoot(() => createPolicyDraft(starterPolicy('Plant')));
    draft.load(starterPolicy('Other'));
    expect(draft.replaced()).toBeUndefined(); // nothing edited, nothing to keep
    draft.edit(['rules', 2, 'count'], 2);
    const edited = draft.text();
    draft.load(starterPolicy('Plant'));
    expect(draft.replaced()).toBe(edited);
    draft.load(starterPolicy('Other')); // a second load keeps the edits, not the first load
    expect(draft.replaced()).toBe(edited);
    draft.restore();
    expect(draft.text()).toBe(edited);
    expect(draft.touched()).toBe(true);
    expect(draft.replaced()).toBeUndefined();
  });

  it('forgets the set-aside edits once the new draft is edited', () => {
    const draft = inRoot(() => createPolicyDraft(starterPolicy('Plant')));
    draft.setText(draft.text().replace('"version": 1', '"version": 4'));
    draft.load(starterPolicy('Plant'));
    expect(draft.replaced()).toContain('"version": 4');
    draft.edit(['version'], 5);
    expect(draft.replaced()).toBeUndefined();
    draft.restore();
    expect(JSON.parse(draft.text())).toMatchObject({ version: 5 });
  });
});

describe('the draft check', () => {
  const facts: LedgerFacts = {
    inForce: { version: 3, hash: 'sha256:x' },
    rolesHeld: new Set(['reviewer']),
    systems: new Set(),
  };

  function checked(initial: unknown) {
    return inRoot(() => {
      const draft = createPolicyDraft(initial);
      const [known] = createSignal<LedgerFacts | undefined>(facts);
      return { draft, check: createDraftCheck(() => draft, known) };
    });
  }
  const problems = (c: DraftCheck | undefined) => (c?.kind === 'checked' ? c.problems : []);

  it('refuses a version at or below the one in force, at /version', () => {
    const { check } = checked({ ...starterPolicy('Plant'), version: 3 });
    expect(problems(check()).map((p) => p.path)).toContain('/version');
    expect(check()).toMatchObject({ kind: 'checked', valid: undefined });
  });

  it('loads the CEL engine for a cel rule, then names the expression that does not compile', async () => {
    const rule = { ...ruleTemplate('cel', 'custom'), expression: 'patch.creater == ""' };
    const { check } = checked({ ...starterPolicy('Plant'), version: 4, rules: [rule] });
    expect(check()).toMatchObject({ kind: 'checked', celPending: true, valid: undefined });
    await vi.waitFor(() => expect(check()).toMatchObject({ celPending: false }), 20_000);
    expect(problems(check())).toContainEqual(
      expect.objectContaining({ path: '/rules/0/expression', severity: 'error' }),
    );
  });

  it('reports a syntax error with its line and column', () => {
    const { draft, check } = checked(starterPolicy('Plant'));
    draft.setText('{\n  "version": 4\n  "rules": []\n}');
    expect(check()).toMatchObject({ kind: 'syntax', at: { line: 3, column: 3 } });
  });
});
