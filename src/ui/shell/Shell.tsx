/**
 * The frame around every page: top bar, navigation, the insecure-page and update banners, and
 * the routed page with a loading state. Files the installed app was launched with open from
 * here.
 */
import { useLocation, type RouteSectionProps } from '@solidjs/router';
import { createEffect, on, onCleanup, onMount, Suspense } from 'solid-js';
import { InsecureBanner } from './InsecureBanner.tsx';
import { LaunchedFiles } from './LaunchedFiles.tsx';
import { NavBar } from './NavBar.tsx';
import { focusHeadingWhenShown, keepFocusOnPage } from './page-focus.ts';
import { TopBar } from './TopBar.tsx';
import { UpdateBanner } from './UpdateBanner.tsx';
import './shell.css';

export function Shell(props: RouteSectionProps) {
  let main!: HTMLElement;
  const location = useLocation();
  // A new screen: focus on its heading (it stayed on the link, or fell to <body>), so the next
  // Tab is in the page and a screen reader says where it is. Not on the first load.
  createEffect(
    on(
      () => location.pathname,
      () => onCleanup(focusHeadingWhenShown(main)),
      { defer: true },
    ),
  );
  onMount(() => onCleanup(keepFocusOnPage(main)));
  return (
    <div class="shell">
      {/* The router reads the hash: "#main" would be a route, so the link moves focus itself. */}
      <a
        class="skip-link"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          main.focus();
        }}
      >
        Skip to content
      </a>
      <TopBar />
      <NavBar />
      <main ref={main} id="main" class="shell-main" tabindex="-1">
        <InsecureBanner />
        <UpdateBanner />
        <LaunchedFiles />
        <Suspense fallback={<p class="muted">Loading…</p>}>{props.children}</Suspense>
      </main>
    </div>
  );
}
