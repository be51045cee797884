/** A tiny history-API router: `/` (chat list) and `/chat/:id`, so the back button works. */
import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
if (typeof window !== 'undefined') window.addEventListener('popstate', () => listeners.forEach((l) => l()));

export function navigate(path: string, replace = false): void {
  if (location.pathname + location.search === path) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  listeners.forEach((l) => l());
}

export function usePath(): string {
  return useSyncExternalStore(
    (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    () => location.pathname,
  );
}

export function chatIdFromPath(path: string): string | null {
  const m = /^\/chat\/([^/]+)$/.exec(path);
  return m ? decodeURIComponent(m[1]!) : null;
}

/** `/l/{code}`: a business's short link. */
export function linkCodeFromPath(path: string): string | null {
  const m = /^\/l\/([^/]+)$/.exec(path);
  return m ? decodeURIComponent(m[1]!) : null;
}
