/**
 * Dry-run, apply and roll back, on an OPFS workspace or a folder the user picks. Apply is
 * disabled, with the reason beside it, unless the policy in force allows the patch on this
 * device (the service refuses too). Progress shows while the agent runs.
 */
import { createEffect, createSignal, on, Show } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import { WORKSPACE_NAME } from '../../../app/targets.ts';
import { lastTarget } from '../../../app/target-words.ts';
import type {
  ActKind,
  ActOutcome,
  Activity,
  PatchVerdict,
  TargetChoice,
} from '../../../app/workflow.ts';
import { ActionDialog } from '../../components/ActionDialog.tsx';
import { inlineName } from '../../components/format.ts';
import { ActResult } from './ActResult.tsx';
import { actLine } from './act-words.ts';
import { WorkspaceFiles } from './WorkspaceFiles.tsx';

function actionUnderWay(now: Activity | undefined): (Activity & { kind: ActKind }) | undefined {
  return now === undefined || now.kind === 'fill' || now.kind === 'download'
    ? undefined
    : (now as Activity & { kind: ActKind });
}

export function ApplyPanel(props: { patchKey: string; verdict: PatchVerdict }) {
  const { device, workflow } = useServices();
  const [kind, setKind] = createSignal<'workspace' | 'folder'>('workspace');
  const [workspace, setWorkspace] = createSignal('main');
  const [folder, setFolder] = createSignal<TargetChoice>();
  // Where this device last applied or rolled back the patch is the choice to start from (a
  // rollback goes there), until the user chooses; a folder's handle is not kept across a
  // reload, so it is named and picked again.
  const [touched, setTouched] = createSignal(false);
  const last = () => lastTarget(props.verdict.events, device.key()?.did);
  createEffect(() => {
    const where = last();
    if (touched() || where === undefined) return;
    setKind(where.kind === 'folder' && workflow.targets.canPickFolder() ? 'folder' : 'workspace');
    if (where.kind === 'workspace') setWorkspace(where.name);
  });
  const choose = (how: () => void) => {
    setTouched(true);
    how();
  };
  const [outcome, setOutcome] = createSignal<ActOutcome>();
  const [askRollback, setAskRollback] = createSignal(false);
  // A result says what was so when it ran: once the verdict changes (an attestation arrived,
  // the policy moved), an old refusal beside a new verdict would contradict it.
  createEffect(
    on(
      () => props.verdict.state,
      // A new verdict object for the same state (every ledger change) is no change.
      (now, before) => {
        if (before !== undefined && now !== before) setOutcome(undefined);
      },
      { defer: true },
    ),
  );
  const target = (): TargetChoice | undefined =>
    kind() === 'workspace' ? { kind: 'workspace', name: workspace().trim() } : folder();
  const busy = () => workflow.activity() !== undefined;
  const allowed = () => props.verdict.state === 'allowed';
  const appliedHere = () => props.verdict.events.some((e) => e.reason === 'applied');
  const run = async (action: 'dry-run' | 'apply' | 'rollback') => {
    const chosen = target();
    if (chosen === undefined || busy()) return;
    setOutcome(undefined);
    setOutcome(await workflow.act(props.patchKey, action, chosen));
  };
  const pick = async () => {
    const chosen = await workflow.targets.pickFolder();
    if (chosen !== undefined) choose(() => setFolder(chosen));
  };
  return (
    <div class="stack" data-testid="apply-panel">
      <h3>Apply to</h3>
      <fieldset class="targets">
        <legend class="visually-hidden">Target</legend>
        <label class="target-choice">
          <input
            type="radio"
            name="target"
            checked={kind() === 'workspace'}
            onChange={() => choose(() => setKind('workspace'))}
          />
          A workspace in this browser
        </label>
        <Show when={kind() === 'workspace'}>
          <div class="stack-tight target-detail">
            <label for="workspace-name">Workspace name</label>
            <input
              id="workspace-name"
              value={workspace()}
              pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}"
              autocomplete="off"
              onInput={(event) => {
                const value = event.currentTarget.value;
                choose(() => setWorkspace(value));
              }}
            />
            <Show when={WORKSPACE_NAME.test(workspace().trim())}>
              <WorkspaceFiles name={workspace().trim()} />
            </Show>
          </div>
        </Show>
        <label class="target-choice">
          <input
            type="radio"
            name="target"
            checked={kind() === 'folder'}
            disabled={!workflow.targets.canPickFolder()}
            onChange={() => choose(() => setKind('folder'))}
          />
          A folder on this computer
          <Show when={!workflow.targets.canPickFolder()}>
            <span class="muted small"> (this browser cannot open folders; use a workspace)</span>
          </Show>
        </label>
        <Show when={kind() === 'folder'}>
          <div class="form-row target-detail">
            <button type="button" class="button button-quiet" onClick={() => void pick()}>
              Choose a folder…
            </button>
            <span data-testid="folder-name">{folder()?.name ?? 'none chosen'}</span>
          </div>
          <Show when={folder() === undefined && last()?.kind === 'folder' ? last() : undefined}>
            {(where) => (
              <p class="muted small target-detail" data-testid="folder-last">
                This device last worked on it in the folder “{inlineName(where().name)}”: choose it
                again to roll back or apply there (a browser forgets a folder it was given when the
                page reloads).
              </p>
            )}
          </Show>
        </Show>
      </fieldset>
      {/* Busy is aria-disabled, not disabled: a disabled button loses the focus (to <body>). */}
      <div class="form-row">
        <button
          type="button"
          class="button button-quiet"
          disabled={target() === undefined}
          aria-disabled={busy()}
          onClick={() => void run('dry-run')}
        >
          Dry run
        </button>
        <button
          type="button"
          class="button"
          disabled={!allowed() || target() === undefined}
          aria-disabled={busy()}
          aria-describedby={allowed() ? undefined : 'apply-why'}
          onClick={() => void run('apply')}
        >
          Apply
        </button>
        <button
          type="button"
          class="button button-danger"
          disabled={target() === undefined || !appliedHere()}
          aria-disabled={busy()}
          onClick={() => setAskRollback(!busy())}
        >
          Roll back…
        </button>
      </div>
      <ActionDialog
        open={askRollback()}
        onOpenChange={setAskRollback}
        title="Roll back this patch?"
        description="The files it changed go back to what they were before it was applied. The rollback is recorded on the team’s ledger; applying the patch again brings the change back."
        submitLabel="Roll back"
        danger
        onSubmit={() => {
          // The dialog closes at once; the panel shows the rollback's progress and result.
          void run('rollback');
          return Promise.resolve(undefined);
        }}
      >
        <Show when={target()}>
          {(chosen) => (
            <p data-testid="rollback-target">
              On {chosen().kind === 'workspace' ? 'the workspace' : 'the folder'} “
              {inlineName(chosen().name)}”.
            </p>
          )}
        </Show>
      </ActionDialog>
      <Show when={!allowed()}>
        <p id="apply-why" class="muted small" data-testid="apply-why">
          Apply is off: {props.verdict.headline.replace(/^Do not apply: /, '')}.
        </p>
      </Show>
      {/* A workspace's files moving show their own progress (WorkspaceFiles). The status region
          is always here, so a screen reader hears the progress and the result put in it. */}
      <div role="status" class="stack" data-testid="act-live">
        <Show when={actionUnderWay(workflow.activity())}>
          {(now) => (
            <p data-testid="act-progress" data-step={now().step ?? ''}>
              {actLine(now().kind, now().target, now().step)} <progress class="progress" />
            </p>
          )}
        </Show>
        <Show when={outcome()}>{(done) => <ActResult outcome={done()} />}</Show>
      </div>
    </div>
  );
}
