/**
 * The colour theme: follow the system, or force light or dark. The choice is saved in
 * localStorage ('parley.theme') and applied as `data-theme` on <html> (main.tsx applies it at
 * start-up; 'system' leaves the attribute off so the prefers-color-scheme rules apply).
 */
export type Theme = 'system' | 'light' | 'dark';
export const THEMES: readonly Theme[] = ['system', 'light', 'dark'];
const KEY = 'parley.theme';

export function savedTheme(): Theme {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

export function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // storage unavailable: the choice lasts until the page closes
  }
}
