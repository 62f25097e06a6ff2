/** Any address the app does not know. */
import { A } from '@solidjs/router';

export default function NotFoundPage() {
  return (
    <section class="page">
      <h1 class="page-title">Nothing here</h1>
      <p>
        This address is not a page of patchtrail. <A href="/inbox">Go to the Inbox</A>.
      </p>
    </section>
  );
}
