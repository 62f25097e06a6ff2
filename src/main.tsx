/** The web app's entry: make the services once, provide them, mount the page. */
import { render } from 'solid-js/web';
import { ServicesContext } from './app/context.ts';
import { makeServices } from './app/services.ts';
import { App } from './ui/App.tsx';
import './ui/app.css';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');

const services = makeServices();
render(
  () => (
    <ServicesContext.Provider value={services}>
      <App />
    </ServicesContext.Provider>
  ),
  root,
);
