/** Progress while a team ledger opens: its stored entries are checked again as they load. */
export function LoadingProgress(props: { done: number; total: number }) {
  return (
    <p role="status" data-testid="ledger-loading">
      Opening the team ledger…{' '}
      {props.total > 0 ? `${props.done} of ${props.total} entries checked` : ''}
      <progress class="progress" max={props.total || 1} value={props.done} />
    </p>
  );
}
