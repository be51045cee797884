/**
 * UI-only state shared across features (which side panel is open), kept out of the data store.
 */
import { useSyncExternalStore } from 'react';

export type Panel =
  | { kind: 'settings' }
  | { kind: 'contact'; chatId: string }
  /** The business tools of a business account; `section` opens one of them directly. */
  | { kind: 'business'; section?: string }
  | null;

let panel: Panel = null;
const listeners = new Set<() => void>();

export function openPanel(p: Panel): void {
  panel = p;
  listeners.forEach((l) => l());
}

export function closePanel(): void {
  openPanel(null);
}

export function usePanel(): Panel {
  return useSyncExternalStore(
    (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    () => panel,
  );
}
