/**
 * The menu of one chat in the list: contact info, pin, archive, mute (8 hours, 1 week, always) or
 * unmute, mark as read. Opens at the menu button, or where the chat was right-clicked; keyboard:
 * arrows, Home/End, Enter, Escape (back to where focus was), Tab closes.
 */
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Chat } from '#contracts/models.js';
import { useI18n } from '../../i18n/index.js';
import type { MessageKey } from '../../i18n/en.js';
import { isMuted, MUTE_OPTIONS, muteUntil } from './mute.js';
import { useIsBusiness } from '../business-tools/data.js';

export type ChatAction =
  | { type: 'info' }
  | { type: 'pin'; pinned: boolean }
  | { type: 'archive'; archived: boolean }
  | { type: 'mute'; mutedUntil: number | null }
  | { type: 'read' }
  /** A business puts labels on the chat (business tools). */
  | { type: 'label' };

export function chatMenuItems(chat: Chat, now = Date.now(), opts: { business?: boolean } = {}): { key: MessageKey; action: ChatAction }[] {
  const items: { key: MessageKey; action: ChatAction }[] = [{ key: 'contact.info', action: { type: 'info' } }];
  // As in WhatsApp, archived chats are not pinned (but a pinned one can still be unpinned).
  if (chat.pinnedAt) items.push({ key: 'chats.unpin', action: { type: 'pin', pinned: false } });
  else if (!chat.archived) items.push({ key: 'chats.pin', action: { type: 'pin', pinned: true } });
  items.push(chat.archived ? { key: 'chats.unarchive', action: { type: 'archive', archived: false } } : { key: 'chats.archive', action: { type: 'archive', archived: true } });
  if (isMuted(chat, now)) items.push({ key: 'chats.unmute', action: { type: 'mute', mutedUntil: null } });
  else for (const o of MUTE_OPTIONS) items.push({ key: o.key, action: { type: 'mute', mutedUntil: muteUntil(o.ms, now) } });
  if (chat.unreadCount > 0) items.push({ key: 'chats.markRead', action: { type: 'read' } });
  if (opts.business) items.push({ key: 'tools.labelChat', action: { type: 'label' } });
  return items;
}

export function ChatMenu({
  chat,
  label,
  at,
  align = 'start',
  onAction,
  onClose,
}: {
  chat: Chat;
  label: string;
  /** Viewport point of the menu's top-left corner, or top-right with align 'end' (before it is kept on screen). */
  at: { x: number; y: number };
  align?: 'start' | 'end';
  onAction(action: ChatAction): void;
  /** `restoreFocus`: Escape or a chosen item (focus goes back); false for a click elsewhere or Tab. */
  onClose(restoreFocus: boolean): void;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState<{ x: number; y: number } | null>(null);
  const business = useIsBusiness();
  const [items] = useState(() => chatMenuItems(chat, Date.now(), { business }));

  // Keep the menu inside the viewport.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    const x0 = align === 'end' ? at.x - r.width : at.x;
    const x = Math.max(8, Math.min(x0, window.innerWidth - r.width - 8));
    const y = at.y + r.height > window.innerHeight - 8 ? Math.max(8, at.y - r.height) : at.y;
    setPos({ x, y });
  }, [at.x, at.y, align]);

  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[role=menuitem]')?.focus();
    const onDown = (e: MouseEvent) => {
      const target = e.target as Element;
      // The button that opened the menu toggles it itself on click.
      if (target.closest?.('[aria-haspopup="menu"][aria-expanded="true"]')) return;
      if (!ref.current?.contains(target)) onClose(false);
    };
    const onScrollOrResize = () => onClose(false);
    document.addEventListener('mousedown', onDown, true);
    window.addEventListener('resize', onScrollOrResize);
    return () => {
      document.removeEventListener('mousedown', onDown, true);
      window.removeEventListener('resize', onScrollOrResize);
    };
  }, [onClose]);

  const onKeyDown = (e: KeyboardEvent) => {
    const list = [...(ref.current?.querySelectorAll<HTMLElement>('[role=menuitem]') ?? [])];
    const i = list.indexOf(document.activeElement as HTMLElement);
    const go = (n: number) => list[(n + list.length) % list.length]?.focus();
    switch (e.key) {
      case 'ArrowDown':
        go(i + 1);
        break;
      case 'ArrowUp':
        go(i - 1);
        break;
      case 'Home':
        go(0);
        break;
      case 'End':
        go(list.length - 1);
        break;
      case 'Escape':
        onClose(true);
        break;
      case 'Tab':
        onClose(false);
        return; // let Tab move on
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <div ref={ref} className="chat-menu" role="menu" aria-label={label} style={{ left: (pos ?? at).x, top: (pos ?? at).y }} onKeyDown={onKeyDown}>
      {items.map(({ key, action }) => (
        <button
          key={key}
          type="button"
          role="menuitem"
          tabIndex={-1}
          className="chat-menu-item"
          onClick={() => {
            onClose(true);
            onAction(action);
          }}
        >
          {t(key)}
        </button>
      ))}
    </div>
  );
}
