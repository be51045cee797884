/**
 * The frame of a side panel (settings, contact info): a header with a close button and a title,
 * and a scrolling body. Focus moves into the panel when it opens and back to where it was when
 * it closes; Escape closes it while focus is inside (dialogs opened from it handle their own
 * Escape first). On a phone it covers the whole screen.
 */
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { CloseIcon } from '../../ui/icons.js';
import '../../styles/settings.css';

export function SidePanel({
  title,
  closeLabel,
  side,
  onClose,
  className,
  children,
}: {
  title: string;
  closeLabel: string;
  side: 'start' | 'end';
  onClose(): void;
  className?: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLElement>(null);
  const headingId = `side-panel-title-${side}`;

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const node = ref.current;
    node?.querySelector<HTMLElement>('h2')?.focus();
    return () => {
      // Give focus back only if it is still inside the panel being removed (or lost).
      const active = document.activeElement;
      if (!active || active === document.body || node?.contains(active)) {
        if (previous && previous.isConnected) previous.focus();
      }
    };
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && !e.defaultPrevented) {
      e.preventDefault();
      onClose();
    }
  };

  return (
    <aside ref={ref} className={`side-panel side-panel-${side}${className ? ` ${className}` : ''}`} aria-labelledby={headingId} onKeyDown={onKeyDown}>
      <header className="topbar">
        <button type="button" className="icon-btn" onClick={onClose} aria-label={closeLabel} title={closeLabel}>
          <CloseIcon />
        </button>
        <h2 id={headingId} tabIndex={-1}>
          {title}
        </h2>
      </header>
      <div className="side-panel-body">{children}</div>
    </aside>
  );
}

/** A titled group inside a panel. */
export function PanelSection({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="panel-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{title}</h3>
      {children}
    </section>
  );
}

/** A list or section that could not be loaded: the reason (announced) and a Retry button. */
export function PanelLoadError({ message, loadFailed, retryLabel, onRetry }: { message: string; loadFailed: string; retryLabel: string; onRetry(): void }) {
  return (
    <div className="panel-load-error">
      <p className="error-text" role="alert">
        {loadFailed} {message}
      </p>
      <button type="button" className="btn btn-ghost" onClick={onRetry}>
        {retryLabel}
      </button>
    </div>
  );
}

export type Status = { kind: 'idle' } | { kind: 'busy' | 'ok'; text: string } | { kind: 'error'; text: string };
export const IDLE: Status = { kind: 'idle' };

/** An inline, polite status line: saving, saved, or an error (announced as an alert). */
export function InlineStatus({ state, id }: { state: Status; id?: string }) {
  if (state.kind === 'error')
    return (
      <p id={id} className="error-text inline-status" role="alert">
        {state.text}
      </p>
    );
  return (
    <p id={id} className={`inline-status${state.kind === 'ok' ? ' ok' : ''}`} role="status" aria-live="polite">
      {state.kind === 'idle' ? '' : state.text}
    </p>
  );
}
