/** The Audit screen's filters: device, outcome, patch and a date range, each a labelled field. */
import { For } from 'solid-js';
import type { AuditFilter, AuditRow } from '../../../app/audit.ts';
import { inlineName } from '../../components/format.ts';

const OUTCOMES: { value: AuditFilter['outcome']; label: string }[] = [
  { value: 'all', label: 'Every outcome' },
  { value: 'applied', label: 'Applied' },
  { value: 'rolled-back', label: 'Rolled back' },
  { value: 'rejected', label: 'Refused' },
];

/** Devices that appear in the rows, by name (the did's end when unnamed). */
function devicesOf(rows: readonly AuditRow[]): { did: string; label: string }[] {
  const seen = new Map<string, string>();
  for (const row of rows)
    if (!seen.has(row.device))
      seen.set(row.device, row.deviceName || `unnamed …${row.device.slice(-6)}`);
  return [...seen]
    .map(([did, label]) => ({ did, label }))
    .sort((a, b) => (a.label < b.label ? -1 : 1));
}

function DateField(props: { id: string; label: string; value: string; set: (v: string) => void }) {
  return (
    <div class="stack-tight">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="date"
        value={props.value}
        onInput={(e) => props.set(e.currentTarget.value)}
      />
    </div>
  );
}

export function AuditFilters(props: {
  rows: readonly AuditRow[];
  filter: AuditFilter;
  onChange: (next: AuditFilter) => void;
}) {
  const set = <K extends keyof AuditFilter>(key: K, value: AuditFilter[K]) =>
    props.onChange({ ...props.filter, [key]: value });
  return (
    <fieldset class="audit-filters" data-testid="audit-filters">
      <legend class="visually-hidden">Filter the audit</legend>
      <div class="stack-tight">
        <label for="audit-device">Device</label>
        <select
          id="audit-device"
          value={props.filter.device}
          onChange={(e) => set('device', e.currentTarget.value)}
        >
          <option value="all">Every device</option>
          <option value="mine">This device</option>
          <For each={devicesOf(props.rows)}>
            {(d) => <option value={d.did}>{inlineName(d.label)}</option>}
          </For>
        </select>
      </div>
      <div class="stack-tight">
        <label for="audit-outcome">Outcome</label>
        <select
          id="audit-outcome"
          value={props.filter.outcome}
          onChange={(e) => set('outcome', e.currentTarget.value as AuditFilter['outcome'])}
        >
          <For each={OUTCOMES}>{(o) => <option value={o.value}>{o.label}</option>}</For>
        </select>
      </div>
      <div class="stack-tight">
        <label for="audit-patch">Patch (title or digest) contains</label>
        <input
          id="audit-patch"
          autocomplete="off"
          spellcheck={false}
          value={props.filter.patch}
          onInput={(e) => set('patch', e.currentTarget.value)}
        />
      </div>
      <DateField
        id="audit-from"
        label="From"
        value={props.filter.from}
        set={(v) => set('from', v)}
      />
      <DateField id="audit-to" label="To" value={props.filter.to} set={(v) => set('to', v)} />
    </fieldset>
  );
}
