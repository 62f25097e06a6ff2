/** The variables a CEL rule can read (the documented activation), offered beside the field. */
import { For } from 'solid-js';

const VARIABLES: [string, string][] = [
  ['patch', 'digest, creator, publisher, reason, components (list)'],
  ['chain', 'list of hops: id, author, name, reason, time, parent, target, inStanding'],
  ['flags', 'list: id, author, compromised'],
  ['systems', 'map did → name, roles, admin, malicious'],
  ['scores', 'map did → reputation in parts per billion (600000000 = 60 %)'],
  ['device', 'role, treeHash, versions (map), fuzz'],
  ['ledger', 'digest; newestTime when known (test with has(ledger.newestTime))'],
  ['now', 'timestamp: this device’s clock'],
];

export function CelVariables() {
  return (
    <details class="cel-vars">
      <summary>Variables the condition can use</summary>
      <dl class="cel-var-list small">
        <For each={VARIABLES}>
          {([name, what]) => (
            <div>
              <dt>
                <code>{name}</code>
              </dt>
              <dd>{what}</dd>
            </div>
          )}
        </For>
      </dl>
      <p class="muted small">
        Example: <code>chain.exists(h, h.reason == "reviewed" &amp;&amp; h.inStanding)</code>
      </p>
    </details>
  );
}
