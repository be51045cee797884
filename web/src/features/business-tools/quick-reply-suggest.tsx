/**
 * The `/` quick-reply suggestions of a business's composer. While the text is `/` followed by a
 * partial shortcut, the matching quick replies show above the box (shortcuts starting with what
 * was typed first, then those containing it); ArrowUp/ArrowDown move, Enter or Tab picks, Escape
 * closes. The composer wires it with useQuickReplySuggest and renders <QuickReplySuggest />.
 */
import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import type { QuickReply } from '#contracts/automation.js';
import { useI18n } from '../../i18n/index.js';
import { useQuickReplies } from './data.js';
import '../../styles/business-tools.css';

const TRIGGER = /^\/([A-Za-z0-9_-]{0,24})$/;

export function matchQuickReplies(list: QuickReply[], query: string): QuickReply[] {
  const q = query.toLowerCase();
  const starts = list.filter((r) => r.shortcut.toLowerCase().startsWith(q));
  const contains = list.filter((r) => !r.shortcut.toLowerCase().startsWith(q) && r.shortcut.toLowerCase().includes(q));
  return [...starts, ...contains].slice(0, 20);
}

export interface QuickReplySuggestState {
  open: boolean;
  query: string;
  items: QuickReply[];
  index: number;
  listId: string;
  setIndex(i: number): void;
  /** Handle a key of the text box; true when it was used (the composer must then ignore it). */
  onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>): boolean;
  /** Attributes for the text box (combobox semantics while open). */
  inputProps: Record<string, string | boolean | undefined>;
  pick(reply: QuickReply): void;
}

/** `enabled`: a business account, not editing a message. `onPick` fills the composer. */
export function useQuickReplySuggest(text: string, enabled: boolean, onPick: (reply: QuickReply) => void): QuickReplySuggestState {
  const { data } = useQuickReplies();
  const listId = useId();
  const [index, setIndex] = useState(0);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const m = enabled ? TRIGGER.exec(text) : null;
  const query = m?.[1] ?? '';
  const active = m !== null;
  const items = useMemo(() => (active && data ? matchQuickReplies(data, query) : []), [active, data, query]);
  const open = Boolean(active && data && data.length > 0 && dismissed !== text);
  const current = Math.min(index, Math.max(0, items.length - 1));

  const pick = (reply: QuickReply) => {
    setIndex(0);
    onPick(reply);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!open) return false;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (items.length) setIndex((current + (e.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length);
      return true;
    }
    if ((e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) || e.key === 'Tab') {
      const chosen = items[current];
      if (!chosen) return false;
      e.preventDefault();
      pick(chosen);
      return true;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      setDismissed(text);
      return true;
    }
    return false;
  };

  const inputProps = open
    ? { role: 'combobox', 'aria-expanded': true, 'aria-controls': listId, 'aria-autocomplete': 'list', 'aria-activedescendant': items[current] ? `${listId}-${current}` : undefined }
    : {};

  return { open, query, items, index: current, listId, setIndex, onKeyDown, inputProps, pick };
}

export function QuickReplySuggest({ state }: { state: QuickReplySuggestState }) {
  const { t } = useI18n();
  if (!state.open) return null;
  return (
    <ul id={state.listId} className="qr-suggest" role="listbox" aria-label={t('tools.qr.suggestions')}>
      {state.items.length === 0 && (
        <li role="option" aria-disabled="true" aria-selected="false" className="qr-text">
          {t('tools.qr.noMatch', { query: state.query })}
        </li>
      )}
      {state.items.map((r, i) => (
        <li
          key={r.id}
          id={`${state.listId}-${i}`}
          role="option"
          aria-selected={i === state.index}
          onMouseEnter={() => state.setIndex(i)}
          // Keep the focus in the text box.
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => state.pick(r)}
        >
          <span className="qr-shortcut">/{r.shortcut}</span>
          <span className="qr-text">
            {r.media ? '📎 ' : ''}
            {r.text}
          </span>
        </li>
      ))}
    </ul>
  );
}
