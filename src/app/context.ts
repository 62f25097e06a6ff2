/** How services reach components: one Solid context, provided once in `src/main.tsx`. */
import { createContext, useContext } from 'solid-js';
import type { Services } from './services.ts';

export const ServicesContext = createContext<Services>();

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (services === undefined) throw new Error('useServices: no ServicesContext.Provider above');
  return services;
}
