/**
 * The Policy screen (issue 13): the policy in force and its threshold's progress, a draft
 * edited as a form or as JSON and checked as it changes, simulate against the ledger's
 * patches, and publish as an admin. The policy engine comes with this page's chunk; the CEL
 * engine only once a draft has a `cel` rule.
 */
import { Show } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import { createPolicyService, type PolicyService } from '../../../app/policy-service.ts';
import { TeamGate } from '../../components/TeamGate.tsx';
import { InForcePanel } from './InForcePanel.tsx';
import { PolicyEditor } from './PolicyEditor.tsx';
import { PublishPanel } from './PublishPanel.tsx';
import { SimulatePanel } from './SimulatePanel.tsx';
import './policy.css';

function Screen(props: { service: PolicyService }) {
  return (
    <>
      <Show when={props.service.failure()}>
        {(why) => (
          <p class="notice notice-denied">The ledger’s policies could not be read: {why()}</p>
        )}
      </Show>
      <Show
        when={props.service.standing()}
        fallback={<p class="muted">Reading the policies on the ledger…</p>}
      >
        {(standing) => (
          <div class="policy-layout">
            <InForcePanel standing={standing()} onLoad={(v) => props.service.load(v)} />
            <PolicyEditor service={props.service} standing={standing()} />
            <SimulatePanel service={props.service} />
            <PublishPanel service={props.service} />
          </div>
        )}
      </Show>
    </>
  );
}

export default function PolicyPage() {
  const services = useServices();
  const service = createPolicyService(services);
  return (
    <section class="page" aria-labelledby="policy-title">
      <h1 id="policy-title" class="page-title">
        Policy
      </h1>
      <TeamGate teams={services.teams}>{() => <Screen service={service} />}</TeamGate>
    </section>
  );
}
