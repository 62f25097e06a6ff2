/**
 * Light, dark or the system's choice: kept in localStorage (a display preference, not data)
 * and applied as <html data-theme>, which tokens.css reads.
 */
import { createSignal, type Accessor } from 'solid-js';

export type Theme = 'system' | 'light' | 'dark';
const KEY = 'patchtrail-theme';

function stored(): Theme {
  try {
    const value = localStorage.getItem(KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

function apply(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

export function applyStoredTheme(): void {
  apply(stored());
}

const [theme, setThemeSignal] = createSignal<Theme>(stored());

export const currentTheme: Accessor<Theme> = theme;

export function setTheme(next: Theme): void {
  try {
    if (next === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, next);
  } catch {
    // storage refused (private mode): the choice lasts for this page only
  }
  setThemeSignal(next);
  apply(next);
}
