/** The web app's entry: mounts the app (./mount.tsx) on #root. */
import { makeLazyTransport } from './app/lazy-transport.ts';
import { mountApp } from './mount.tsx';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
mountApp(root, { transport: makeLazyTransport() });
