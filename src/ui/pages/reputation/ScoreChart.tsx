/** A small line chart of a system's score at evenly spaced points of the ledger's history. */
import { Show } from 'solid-js';
import type { HistoryPoint } from '../../../app/reputation-service.ts';
import { counted } from '../../components/format.ts';

const W = 320;
const H = 120;
const PAD = 24;

export function ScoreChart(props: { points: HistoryPoint[]; name: string }) {
  const last = () => props.points.at(-1)?.entries ?? 1;
  const top = () => Math.max(1, ...props.points.map((p) => p.ppb));
  const x = (entries: number) => PAD + ((W - 2 * PAD) * entries) / last();
  const y = (ppb: number) => H - PAD - ((H - 2 * PAD) * ppb) / top();
  const line = () => props.points.map((p) => `${x(p.entries)},${y(p.ppb)}`).join(' ');
  const label = () =>
    `${props.name}'s score at ${props.points.length} points of the ledger: ` +
    props.points
      .map((p) => `${(p.ppb / 1e7).toFixed(1)}% after ${counted(p.entries, 'entry', 'entries')}`)
      .join('; ');
  return (
    <Show when={props.points.length > 0}>
      <svg
        class="rep-chart"
        data-testid="rep-chart"
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={label()}
      >
        <line class="rep-axis" x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} />
        <line class="rep-axis" x1={PAD} y1={PAD} x2={PAD} y2={H - PAD} />
        <text x={PAD} y={PAD - 8} class="rep-tick">
          {(top() / 1e7).toFixed(1)}%
        </text>
        <text x={W - PAD} y={H - 6} class="rep-tick" text-anchor="end">
          {counted(last(), 'entry', 'entries')}
        </text>
        <polyline class="rep-line" points={line()} />
      </svg>
    </Show>
  );
}
