/** The web app's entry: apply the chosen theme, make the services once, provide them, mount. */
import { render } from 'solid-js/web';
import { ServicesContext } from './app/context.ts';
import { makeLazyTransport } from './app/lazy-transport.ts';
import { applyStoredTheme } from './app/theme.ts';
import { makeAppServices } from './app/wiring.ts';
import { App } from './ui/App.tsx';
import './ui/tokens.css';
import './ui/base.css';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');

applyStoredTheme();
render(() => {
  const services = makeAppServices({ transport: makeLazyTransport() });
  return (
    <ServicesContext.Provider value={services}>
      <App />
    </ServicesContext.Provider>
  );
}, root);
