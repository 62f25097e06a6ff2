/**
 * The root layout: the shell around every page, except the kiosk's full-screen page. While
 * this device is in kiosk mode the kiosk guard allows no other route: any navigation (a link,
 * a typed address, a reload on another hash) is sent back to `#/kiosk`.
 */
import { useLocation, useNavigate, type RouteSectionProps } from '@solidjs/router';
import { createEffect, Show, Suspense } from 'solid-js';
import { useServices } from '../../app/context.ts';
import { KIOSK_ROUTE } from '../../app/kiosk-guard.ts';
import { pageTitle } from './page-title.ts';
import { Shell } from './Shell.tsx';

export function Frame(props: RouteSectionProps) {
  const { kiosk } = useServices();
  const location = useLocation();
  const navigate = useNavigate();
  createEffect(() => {
    document.title = pageTitle(location.pathname);
  });
  createEffect(() => {
    if (!kiosk.guard.allowsRoute(location.pathname)) navigate(KIOSK_ROUTE, { replace: true });
  });
  return (
    <Show
      when={location.pathname === KIOSK_ROUTE}
      fallback={<Shell {...props}>{props.children}</Shell>}
    >
      <Suspense fallback={<p class="muted">Loading…</p>}>{props.children}</Suspense>
    </Show>
  );
}
