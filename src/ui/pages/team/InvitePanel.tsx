/** The current team's invitation: a link (copy it) and the same link as a QR code. */
import { Show } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import { CopyButton } from '../../components/CopyButton.tsx';
import { QrCode } from '../../components/QrCode.tsx';

export function InvitePanel() {
  const { teams } = useServices();
  const link = () => teams.invitation(`${location.origin}${location.pathname}`);
  return (
    <Show when={link()}>
      {(url) => (
        <section class="panel invite" aria-labelledby="invite-title" data-testid="invite">
          <div class="stack">
            <h2 id="invite-title">Invite a device</h2>
            <p class="muted">
              Send this link, or show the code, to a device that should join. It lets the device
              find this team’s room; it does not make it a member. The device registers itself and
              an admin endorses it here. Share it only with people you mean to invite: the link
              holds the room’s secret.
            </p>
            <label for="invite-link-text">Invitation link</label>
            <textarea id="invite-link-text" readonly rows="3" data-testid="invite-link">
              {url()}
            </textarea>
            <div>
              <CopyButton value={url()} label="Copy the invitation link" />
            </div>
          </div>
          <QrCode text={url()} label="QR code of the invitation link" />
        </section>
      )}
    </Show>
  );
}
