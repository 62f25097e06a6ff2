/**
 * The fields of each rule kind, typed: reputation as a percentage of the team's trust (the
 * engine counts parts per billion), durations with their unit, roles and systems from the
 * ledger by name, lists one item a line, and a CEL expression with the variables it can read.
 */
import { createSignal, For, Match, Switch } from 'solid-js';
import { ATTEST_REASONS } from '../../../core/ledger/kinds.ts';
import { getAt, type JsonPath } from '../../../app/policy-edit.ts';
import type { Person } from '../../../app/policy-standing.ts';
import {
  DURATION_UNITS,
  durationOf,
  percentFromPpb,
  ppbFromPercent,
  secondsFrom,
  type DurationUnit,
} from '../../../app/policy-units.ts';
import { ChoiceList, PrincipalsField, roleChoices } from './choices.tsx';
import { CelVariables } from './CelVariables.tsx';
import {
  CheckField,
  fieldId,
  FieldProblems,
  readInteger,
  readLines,
  SelectField,
  showLines,
  TextField,
  type Bound,
} from './inputs.tsx';

const ADMIN_ACTION_CHOICES = [
  { value: 'policy', label: 'Publishing a policy' },
  { value: 'flag', label: 'Flagging a patch as compromised' },
];

export interface RuleFieldsProps {
  bound: Bound;
  path: JsonPath;
  kind: string;
  roles: readonly string[];
  systems: readonly Person[];
}

function DurationField(props: { bound: Bound; path: JsonPath; label: string }) {
  const initial = durationOf(getAt(props.bound.draft.value(), props.path));
  const [unit, setUnit] = createSignal<DurationUnit>(initial?.unit ?? 'days');
  const seconds = DURATION_UNITS.find((u) => u.unit === unit())?.seconds ?? 1;
  const show = (value: unknown) => {
    const per = DURATION_UNITS.find((u) => u.unit === unit())?.seconds ?? seconds;
    return typeof value === 'number' ? String(value / per) : typeof value === 'string' ? value : '';
  };
  const unitPicker = (
    <select
      aria-label={`${props.label}: unit`}
      id={`${fieldId(props.path)}-unit`}
      value={unit()}
      onChange={(e) => setUnit(e.currentTarget.value as DurationUnit)}
    >
      <For each={DURATION_UNITS}>{(u) => <option value={u.unit}>{u.unit}</option>}</For>
    </select>
  );
  return (
    <TextField
      bound={props.bound}
      path={props.path}
      label={props.label}
      inputMode="decimal"
      show={show}
      read={(text) => secondsFrom(text, unit()) ?? text}
      unit={unitPicker}
    />
  );
}

const at = (props: RuleFieldsProps, ...rest: string[]): JsonPath => [...props.path, ...rest];

function Principals(props: RuleFieldsProps & { key: string; legend: string; optional: boolean }) {
  return (
    <PrincipalsField
      bound={props.bound}
      path={at(props, props.key)}
      legend={props.legend}
      roles={props.roles}
      systems={props.systems}
      optional={props.optional}
    />
  );
}

function Count(
  props: RuleFieldsProps & { key: string; label: string; optional?: boolean; unit?: string },
) {
  return (
    <TextField
      bound={props.bound}
      path={at(props, props.key)}
      label={props.label}
      inputMode="numeric"
      read={readInteger(props.optional === true)}
      unit={props.unit === undefined ? undefined : <span class="unit">{props.unit}</span>}
    />
  );
}

function Lines(
  props: RuleFieldsProps & { key: string; label: string; hint: string; optional: boolean },
) {
  return (
    <TextField
      bound={props.bound}
      path={at(props, props.key)}
      label={props.label}
      hint={props.hint}
      multiline
      code
      show={showLines}
      read={readLines(props.optional)}
    />
  );
}

export function RuleFields(props: RuleFieldsProps) {
  const b = () => props.bound;
  return (
    <Switch fallback={<FieldProblems problems={b().problems} path={props.path} exact />}>
      <Match when={props.kind === 'min-reputation'}>
        <TextField
          bound={b()}
          path={at(props, 'min')}
          label="Lowest reputation"
          hint="Share of the team’s trust each system in the chain must hold, as `patchtrail reputation` prints it."
          inputMode="decimal"
          show={(v) => percentFromPpb(v) ?? (typeof v === 'string' ? v : String(v ?? ''))}
          read={(t) => ppbFromPercent(t) ?? t}
          unit={<span class="unit">%</span>}
        />
      </Match>
      <Match when={props.kind === 'max-chain-length'}>
        <Count {...props} key="max" label="Most hops" unit="hops" />
      </Match>
      <Match when={props.kind === 'attestations'}>
        <SelectField
          bound={b()}
          path={at(props, 'reason')}
          label="Attestation"
          options={ATTEST_REASONS.map((r) => ({ value: r, label: r }))}
        />
        <Count {...props} key="count" label="How many" unit="distinct systems" />
        <Principals {...props} key="from" legend="From" optional={false} />
      </Match>
      <Match when={props.kind === 'authors'}>
        <Principals {...props} key="allow" legend="Authors allowed" optional={false} />
      </Match>
      <Match when={props.kind === 'patch-reason'}>
        <TextField
          bound={b()}
          path={at(props, 'pattern')}
          label="Pattern (regular expression)"
          code
          read={(t) => (t === '' ? undefined : t)}
        />
        <Lines
          {...props}
          key="allowed"
          label="Or one of these reasons"
          hint="One a line."
          optional
        />
      </Match>
      <Match when={props.kind === 'components'}>
        <Lines
          {...props}
          key="allow"
          label="Components allowed"
          hint="Glob patterns, one a line (** is everything)."
          optional
        />
        <Lines
          {...props}
          key="deny"
          label="Components denied"
          hint="Glob patterns, one a line."
          optional
        />
      </Match>
      <Match when={props.kind === 'acting-role'}>
        <ChoiceList
          bound={b()}
          path={at(props, 'roles')}
          legend="The person applying acts as"
          options={roleChoices(props.roles)}
          optional={false}
          other="Another role"
        />
      </Match>
      <Match when={props.kind === 'target-tree'}>
        <Lines
          {...props}
          key="treeHashes"
          label="Tree hashes"
          hint="The target folder’s exact tree hash (sha256:…), one a line."
          optional={false}
        />
      </Match>
      <Match when={props.kind === 'component-version'}>
        <TextField bound={b()} path={at(props, 'component')} label="Component" />
        <TextField
          bound={b()}
          path={at(props, 'constraint')}
          label="Version constraint"
          hint="For example >=1.2 <2"
          code
        />
      </Match>
      <Match when={props.kind === 'not-flagged'}>
        <Principals
          {...props}
          key="by"
          legend="Flags that count (none ticked: anyone’s)"
          optional
        />
      </Match>
      <Match when={props.kind === 'freshness'}>
        <DurationField
          bound={b()}
          path={at(props, 'maxAgeSeconds')}
          label="Newest ledger entry at most"
        />
      </Match>
      <Match when={props.kind === 'fuzz'}>
        <CheckField bound={b()} path={at(props, 'allowed')} label="Allow fuzzy placement" />
        <Count {...props} key="max" label="Most fuzz" optional unit="lines" />
      </Match>
      <Match when={props.kind === 'verdicts'}>
        <Count {...props} key="max" label="Most “fail” verdicts" optional />
        <Principals
          {...props}
          key="from"
          legend="Verdicts that count (none ticked: anyone’s)"
          optional
        />
      </Match>
      <Match when={props.kind === 'post-apply'}>
        <TextField
          bound={b()}
          path={at(props, 'checks')}
          label="File checks (JSON)"
          hint='A list of { "path", and "sha256", "contains" or "absent": true }, checked once the diff is applied.'
          multiline
          code
          show={(v) => (typeof v === 'string' ? v : JSON.stringify(v ?? [], null, 2))}
          read={(t) => {
            try {
              return JSON.parse(t) as unknown;
            } catch {
              return t;
            }
          }}
        />
      </Match>
      <Match when={props.kind === 'admin-passkey'}>
        <ChoiceList
          bound={b()}
          path={at(props, 'actions')}
          legend="Count these admin actions only when signed with the admin’s passkey"
          options={ADMIN_ACTION_CHOICES}
          optional={false}
        />
        <p class="muted small">Leaving kiosk mode always needs an admin’s passkey.</p>
      </Match>
      <Match when={props.kind === 'cel'}>
        <TextField
          bound={b()}
          path={at(props, 'expression')}
          label="Condition (CEL)"
          multiline
          code
        />
        <CelVariables />
        <TextField
          bound={b()}
          path={at(props, 'message')}
          label="Message when it fails"
          read={(t) => (t === '' ? undefined : t)}
        />
      </Match>
    </Switch>
  );
}
