/**
 * The chat list: avatar, name, last message preview with status ticks, time, unread badge;
 * pinned first then by activity; filters (all, unread, archived) and search. Each chat has a
 * menu (button on hover or focus, right click, the context-menu key or Shift+F10): contact info,
 * pin, archive, mute, mark as read. ArrowUp/ArrowDown/Home/End move between chats, Enter opens.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { Chat, Message } from '#contracts/models.js';
import { useI18n, type Translate } from '../../i18n/index.js';
import { statusOf, store, useStore } from '../../lib/store.js';
import { navigate } from '../../lib/router.js';
import { openPanel } from '../../lib/ui-state.js';
import { Avatar } from '../../ui/avatar.js';
import { MuteIcon, NewChatIcon, PinIcon, SettingsIcon, StatusTicks } from '../../ui/icons.js';
import { errorMessage } from '../auth/auth-screen.js';
import { ChatMenu, type ChatAction } from './chat-menu.js';
import { BusinessMarks } from '../business/verified-badge.js';
import { isMuted } from './mute.js';
import { NewChatDialog } from './new-chat-dialog.js';
import { useLabelIndex } from '../business-tools/data.js';
import { colorHex, LabelDialogHost, LabelDots, labelName, openLabelDialog } from '../business-tools/label-ui.js';
import '../../styles/settings.css';
import { apiPreviewOf } from '../business-api/preview.js';

export function displayName(chat: Chat): string {
  return chat.peer.contactName || chat.peer.displayName || chat.peer.phone;
}

/** One-line preview of a message for the chat list and reply quotes. */
export function previewOf(t: Translate, m: Pick<Message, 'kind' | 'content' | 'deletedAt'>): string {
  if (m.deletedAt) return t('message.deleted');
  const c = (m.content ?? {}) as Record<string, unknown>;
  // End-to-end encrypted and not decrypted (yet) on this device.
  if ((m as { waiting?: boolean }).waiting || c.e2e) return `🕓 ${t('e2e.waitingShort')}`;
  const caption = typeof c.caption === 'string' && c.caption ? ` ${c.caption}` : '';
  switch (m.kind) {
    case 'text':
      return String(c.text ?? '');
    case 'image':
      return `📷 ${caption.trim() || t('message.photo')}`;
    case 'video':
      return `🎥 ${caption.trim() || t('message.video')}`;
    case 'voice':
      return `🎤 ${t('message.voice')}`;
    case 'audio':
      return `🎵 ${t('message.audio')}`;
    case 'document':
      return `📄 ${String(c.fileName ?? t('message.document'))}`;
    case 'sticker':
      return `🏷️ ${t('message.sticker')}`;
    case 'location':
      return `📍 ${String(c.name ?? t('message.location'))}`;
    case 'contact':
      return `👤 ${String((c.contacts as { name?: string }[] | undefined)?.[0]?.name ?? t('message.contact'))}`;
    case 'product':
      return t('commerce.previewProduct', { name: String(c.name ?? '') }).trim();
    case 'catalog':
      return typeof c.businessName === 'string' && c.businessName ? t('commerce.previewCatalog', { name: c.businessName }) : `🗂 ${t('commerce.catalog')}`;
    case 'order': {
      // Items counted as units, as the cart shows them (2 croissants and 1 coffee: 3 items).
      const count = Array.isArray(c.items) ? (c.items as { quantity?: unknown }[]).reduce((n, i) => n + (typeof i.quantity === 'number' ? i.quantity : 1), 0) : 0;
      return count === 1 ? t('commerce.previewOrderOne') : t('commerce.previewOrderMany', { count });
    }
    default:
      // Business API kinds (interactive, template, interactive_reply): features/business-api.
      return apiPreviewOf(t, m.kind, m.content) ?? m.kind;
  }
}

type Filter = 'all' | 'unread' | 'archived';

interface MenuState {
  chatId: string;
  at: { x: number; y: number };
  align: 'start' | 'end';
  /** Where focus goes back when the menu closes. */
  returnTo: HTMLElement | null;
}

interface Toast {
  text: string;
  error?: boolean;
  undo?: () => void;
}

const ChevronDown = () => (
  <svg viewBox="0 0 24 24" width="20" height="20" fill="currentColor" aria-hidden="true" focusable="false">
    <path d="M7.4 8.6 12 13.2l4.6-4.6L18 10l-6 6-6-6z" />
  </svg>
);

/** Move focus between the list's chat buttons. */
function focusItem(list: HTMLElement | null, from: Element | null, where: 'next' | 'prev' | 'first' | 'last'): void {
  const items = [...(list?.querySelectorAll<HTMLElement>('.chat-item') ?? [])];
  if (!items.length) return;
  const i = from ? items.indexOf(from as HTMLElement) : -1;
  const target = where === 'first' ? 0 : where === 'last' ? items.length - 1 : where === 'next' ? Math.min(items.length - 1, i + 1) : Math.max(0, i - 1);
  items[target]?.focus();
}

export function ChatList({ activeId, onOpenSettings }: { activeId: string | null; onOpenSettings(): void }) {
  const { t, time, day } = useI18n();
  const chatsById = useStore((s) => s.chats);
  const chatsLoaded = useStore((s) => s.chatsLoaded);
  const messages = useStore((s) => s.messages);
  const myId = useStore((s) => s.session?.accountId ?? '');
  const [filter, setFilter] = useState<Filter>('all');
  const [query, setQuery] = useState('');
  const [newChat, setNewChat] = useState(false);
  const [menu, setMenu] = useState<MenuState | null>(null);
  const [focusId, setFocusId] = useState<string | null>(null);
  const [toast, setToast] = useState<Toast | null>(null);
  const listRef = useRef<HTMLUListElement>(null);
  // Business accounts: labels on rows, and a filter chip per label (next to All and Unread).
  const labelIndex = useLabelIndex();
  const [labelFilter, setLabelFilter] = useState<string | null>(null);
  const activeLabel = labelFilter && labelIndex?.byId.has(labelFilter) ? labelFilter : null;

  const chats = useMemo(() => {
    const q = query.trim().toLowerCase();
    return Object.values(chatsById)
      .filter((c) => (filter === 'archived' ? c.archived : !c.archived))
      .filter((c) => filter !== 'unread' || c.unreadCount > 0)
      .filter((c) => !activeLabel || Boolean(labelIndex?.chat.get(c.id)?.some((l) => l.id === activeLabel)))
      .filter((c) => !q || displayName(c).toLowerCase().includes(q) || c.peer.phone.includes(q.replace(/\s/g, '')))
      .sort((a, b) => (b.pinnedAt ?? 0) - (a.pinnedAt ?? 0) || b.lastActivityAt - a.lastActivityAt);
  }, [chatsById, filter, query, activeLabel, labelIndex]);

  // Search in the text of loaded messages (on the device).
  const found = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (q.length < 2) return [];
    const out: { chat: Chat; message: Message }[] = [];
    for (const [chatId, list] of Object.entries(messages)) {
      const chat = chatsById[chatId];
      if (!chat) continue;
      for (const m of list.items) {
        const c = (m.content ?? {}) as Record<string, unknown>;
        const text = `${typeof c.text === 'string' ? c.text : ''} ${typeof c.caption === 'string' ? c.caption : ''}`.toLowerCase();
        if (!m.deletedAt && text.includes(q)) out.push({ chat, message: m });
      }
    }
    return out.slice(-50).reverse();
  }, [messages, chatsById, query]);

  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), toast.undo ? 8000 : 4000);
    return () => clearTimeout(timer);
  }, [toast]);

  const closeNewChat = useCallback(() => setNewChat(false), []);
  const menuRef = useRef<MenuState | null>(null);
  useEffect(() => {
    menuRef.current = menu;
  }, [menu]);
  /** The chat whose menu the keyboard just opened, and when (its context-menu key may fire a contextmenu event too). */
  const keyOpened = useRef<{ chatId: string; at: number } | null>(null);
  const closeMenu = useCallback((restoreFocus: boolean) => {
    const m = menuRef.current;
    menuRef.current = null;
    setMenu(null);
    if (m && restoreFocus && m.returnTo?.isConnected) m.returnTo.focus();
  }, []);

  const openMenu = (chatId: string, at: MenuState['at'], align: MenuState['align'], returnTo: HTMLElement | null) => setMenu({ chatId, at, align, returnTo });

  const openMenuAtButton = (chatId: string, button: HTMLElement | null, returnTo: HTMLElement | null) => {
    const r = button?.getBoundingClientRect();
    openMenu(chatId, r ? { x: r.right, y: r.bottom } : { x: 0, y: 0 }, 'end', returnTo);
  };

  const act = async (chat: Chat, action: ChatAction) => {
    const index = chats.findIndex((c) => c.id === chat.id);
    try {
      switch (action.type) {
        case 'info':
          navigate(`/chat/${encodeURIComponent(chat.id)}`);
          openPanel({ kind: 'contact', chatId: chat.id });
          return;
        case 'read':
          store.markRead(chat.id);
          return;
        case 'label':
          openLabelDialog({ kind: 'chat', chatId: chat.id });
          return;
        case 'pin':
          await store.updateChat(chat.id, { pinned: action.pinned });
          setToast({ text: t(action.pinned ? 'chats.pinnedDone' : 'chats.unpinnedDone') });
          break;
        case 'archive': {
          await store.updateChat(chat.id, { archived: action.archived });
          const undo = () => {
            setToast(null);
            store.updateChat(chat.id, { archived: !action.archived }).catch((err: unknown) => setToast({ text: errorMessage(t, err), error: true }));
          };
          setToast({ text: t(action.archived ? 'chats.archivedDone' : 'chats.unarchivedDone'), undo });
          break;
        }
        case 'mute':
          await store.updateChat(chat.id, { mutedUntil: action.mutedUntil });
          setToast({ text: t(action.mutedUntil === null ? 'chats.unmutedDone' : 'chats.mutedDone') });
          break;
      }
    } catch (err) {
      setToast({ text: errorMessage(t, err), error: true });
    }
    // The chat may have left this view (archived): keep focus in the list, near where it was.
    requestAnimationFrame(() => {
      const active = document.activeElement;
      if (active && active !== document.body && active.isConnected) return;
      const items = listRef.current?.querySelectorAll<HTMLElement>('.chat-item');
      if (items?.length) items[Math.min(Math.max(index, 0), items.length - 1)]?.focus();
    });
  };

  const onListKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    const target = e.target as HTMLElement;
    if (!target.classList.contains('chat-item')) return;
    const where = ({ ArrowDown: 'next', ArrowUp: 'prev', Home: 'first', End: 'last' } as const)[e.key as 'ArrowDown' | 'ArrowUp' | 'Home' | 'End'];
    if (where) {
      e.preventDefault();
      focusItem(listRef.current, target, where);
      return;
    }
    const chatId = target.dataset.chatId;
    if (chatId && (e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey))) {
      e.preventDefault();
      keyOpened.current = { chatId, at: Date.now() };
      openMenuAtButton(chatId, target.parentElement?.querySelector<HTMLElement>('.chat-menu-btn') ?? target, target);
    }
  };

  const onContextMenu = (e: MouseEvent, chatId: string) => {
    e.preventDefault();
    // A context-menu key press may also fire this event for the chat whose menu the key handler
    // just opened; a right click on any other chat always opens its menu.
    const k = keyOpened.current;
    keyOpened.current = null;
    if (k && k.chatId === chatId && Date.now() - k.at < 500) return;
    const item = (e.currentTarget as HTMLElement).querySelector<HTMLElement>('.chat-item');
    openMenu(chatId, { x: e.clientX, y: e.clientY }, 'start', item);
  };

  const now = Date.now();
  const stamp = (ts: number) => (now - ts < 86_400_000 && new Date(ts).getDate() === new Date(now).getDate() ? time(ts) : day(ts, now));
  const tabbable = chats.some((c) => c.id === focusId) ? focusId : chats.some((c) => c.id === activeId) ? activeId : (chats[0]?.id ?? null);
  const menuChat = menu ? chatsById[menu.chatId] : undefined;
  const noChatsAtAll = chatsLoaded && Object.keys(chatsById).length === 0;

  return (
    <section className="sidebar" aria-label={t('chats.title')}>
      <header className="topbar">
        <h1>{t('chats.title')}</h1>
        <button className="icon-btn" onClick={() => setNewChat(true)} aria-label={t('chats.new')} title={t('chats.new')}>
          <NewChatIcon />
        </button>
        <button className="icon-btn" onClick={onOpenSettings} aria-label={t('settings.title')} title={t('settings.title')}>
          <SettingsIcon />
        </button>
      </header>
      <div className="search">
        <input className="input" type="search" placeholder={t('chats.search')} aria-label={t('chats.search')} value={query} onChange={(e) => setQuery(e.target.value)} />
      </div>
      <div className="filters" role="group" aria-label={t('chats.title')}>
        {(['all', 'unread', 'archived'] as const).map((f) => (
          <button
            key={f}
            className="chip"
            aria-pressed={filter === f && !activeLabel}
            onClick={() => {
              setFilter(f);
              setLabelFilter(null);
            }}
          >
            {t(`chats.filter.${f}`)}
          </button>
        ))}
        {labelIndex?.labels.map((l) => (
          <button
            key={l.id}
            className="chip label-filter"
            aria-pressed={activeLabel === l.id}
            data-label-id={l.id}
            onClick={() => {
              setLabelFilter(activeLabel === l.id ? null : l.id);
              if (filter === 'archived') setFilter('all');
            }}
          >
            <span className="label-dot" style={{ background: colorHex(l.color) }} aria-hidden="true" />
            {labelName(t, l)}
          </button>
        ))}
      </div>
      {noChatsAtAll && !query ? (
        <div className="chats-empty">
          <svg viewBox="0 0 64 64" width="72" height="72" aria-hidden="true" className="chats-empty-art">
            <path d="M12 14h40a6 6 0 0 1 6 6v20a6 6 0 0 1-6 6H28l-12 10V46h-4a6 6 0 0 1-6-6V20a6 6 0 0 1 6-6z" fill="currentColor" />
          </svg>
          <h2>{t('chats.emptyTitle')}</h2>
          <p>{t('chats.emptyHelp')}</p>
          <button type="button" className="btn" onClick={() => setNewChat(true)}>
            <NewChatIcon width={20} height={20} />
            {t('chats.emptyAction')}
          </button>
        </div>
      ) : (
        <ul className="chat-list" aria-label={t('chats.title')} ref={listRef} onKeyDown={onListKeyDown} onScroll={() => menu && closeMenu(false)}>
          {!chatsLoaded && Object.keys(chatsById).length === 0 && <li className="chats-note">{t('common.loading')}</li>}
          {chatsLoaded && chats.length === 0 && (
            <li className="chats-note">{query ? t('chats.noResults') : activeLabel ? t('tools.emptyLabel') : filter === 'archived' ? t('chats.emptyArchived') : filter === 'unread' ? t('chats.emptyUnread') : t('chats.empty')}</li>
          )}
          {chats.map((c) => {
            const last = c.lastMessage;
            const mine = last && last.senderId === myId;
            const name = displayName(c);
            const focusable = c.id === tabbable ? 0 : -1;
            return (
              <li key={c.id} className={`chat-row${menu?.chatId === c.id ? ' menu-open' : ''}`} onContextMenu={(e) => onContextMenu(e, c.id)}>
                <button
                  className="chat-item"
                  aria-current={c.id === activeId}
                  onClick={() => navigate(`/chat/${encodeURIComponent(c.id)}`)}
                  onFocus={() => setFocusId(c.id)}
                  tabIndex={focusable}
                  data-chat-id={c.id}
                >
                  <Avatar id={c.peer.id} name={name} mediaId={c.peer.photoMediaId} />
                  <span className="chat-item-body">
                    <span className="chat-item-row">
                      <span className="chat-item-name name-with-marks">
                        <span className="name-text">{name}</span>
                        <BusinessMarks peer={c.peer} />
                      </span>
                      <span className={`chat-item-time${c.unreadCount ? ' unread' : ''}`}>{stamp(c.lastActivityAt)}</span>
                    </span>
                    <span className="chat-item-row">
                      <span className="chat-item-preview">
                        {mine && last && !last.deletedAt && <StatusTicks status={statusOf(last, c, myId)} label={t(`message.status.${statusOf(last, c, myId)}`)} />}
                        {last ? previewOf(t, last) : ''}
                      </span>
                      {labelIndex && <LabelDots labels={labelIndex.chat.get(c.id) ?? []} />}
                      {isMuted(c, now) && <MuteIcon width={16} height={16} role="img" aria-hidden={false} aria-label={t('chats.muted')} className="chat-item-flag" />}
                      {c.pinnedAt && <PinIcon width={16} height={16} role="img" aria-hidden={false} aria-label={t('chats.pinned')} className="chat-item-flag" />}
                      {c.unreadCount > 0 && (
                        <span className="badge" aria-label={t('chats.unread', { count: c.unreadCount })}>
                          {c.unreadCount}
                        </span>
                      )}
                      <span className="chat-menu-spacer" aria-hidden="true" />
                    </span>
                  </span>
                </button>
                <button
                  type="button"
                  className="chat-menu-btn"
                  aria-haspopup="menu"
                  aria-expanded={menu?.chatId === c.id}
                  aria-label={t('chats.menu', { name })}
                  title={t('chats.menu', { name })}
                  tabIndex={focusable}
                  onFocus={() => setFocusId(c.id)}
                  onClick={(e) => (menu?.chatId === c.id ? closeMenu(false) : openMenuAtButton(c.id, e.currentTarget, e.currentTarget))}
                >
                  <ChevronDown />
                </button>
              </li>
            );
          })}
          {found.length > 0 && (
            <>
              <li className="day-sep" style={{ alignSelf: 'flex-start', marginLeft: 12 }}>{t('chats.messagesFound')}</li>
              {found.map(({ chat, message }) => (
                <li key={message.id}>
                  <button className="chat-item" onClick={() => navigate(`/chat/${encodeURIComponent(chat.id)}`)}>
                    <span className="chat-item-body">
                      <span className="chat-item-row">
                        <span className="chat-item-name">{displayName(chat)}</span>
                        <span className="chat-item-time">{stamp(message.createdAt)}</span>
                      </span>
                      <span className="chat-item-preview">{previewOf(t, message)}</span>
                    </span>
                  </button>
                </li>
              ))}
            </>
          )}
        </ul>
      )}
      {menu && menuChat && (
        <ChatMenu
          key={menu.chatId}
          chat={menuChat}
          label={t('chats.menu', { name: displayName(menuChat) })}
          at={menu.at}
          align={menu.align}
          onClose={closeMenu}
          onAction={(action) => void act(menuChat, action)}
        />
      )}
      <div className="chat-list-toast-region" role="status" aria-live="polite">
        {toast && (
          <div className={`chat-list-toast${toast.error ? ' error' : ''}`}>
            <span>{toast.text}</span>
            {toast.undo && (
              <button type="button" className="btn btn-ghost btn-small" onClick={toast.undo}>
                {t('common.undo')}
              </button>
            )}
          </div>
        )}
      </div>
      {newChat && <NewChatDialog onClose={closeNewChat} />}
      <LabelDialogHost />
      <span className="sr-only" aria-live="polite">{store.get().status}</span>
    </section>
  );
}
