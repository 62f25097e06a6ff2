/**
 * The frame around every page: top bar, navigation, the update banner, and the routed page
 * with a loading state.
 */
import type { RouteSectionProps } from '@solidjs/router';
import { Suspense } from 'solid-js';
import { NavBar } from './NavBar.tsx';
import { TopBar } from './TopBar.tsx';
import { UpdateBanner } from './UpdateBanner.tsx';
import './shell.css';

export function Shell(props: RouteSectionProps) {
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <TopBar />
      <NavBar />
      <main id="main" class="shell-main" tabindex="-1">
        <UpdateBanner />
        <Suspense fallback={<p class="muted">Loading…</p>}>{props.children}</Suspense>
      </main>
    </div>
  );
}
