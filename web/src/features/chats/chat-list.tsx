/**
 * The chat list: avatar, name, last message preview with status ticks, time, unread badge;
 * pinned first then by activity; filters (all, unread, archived) and search.
 */
import { useMemo, useState } from 'react';
import type { Chat, Message } from '#contracts/models.js';
import { useI18n, type Translate } from '../../i18n/index.js';
import { statusOf, store, useStore } from '../../lib/store.js';
import { navigate } from '../../lib/router.js';
import { Avatar } from '../../ui/avatar.js';
import { MuteIcon, NewChatIcon, PinIcon, SettingsIcon, StatusTicks } from '../../ui/icons.js';
import { NewChatDialog } from './new-chat-dialog.js';

export function displayName(chat: Chat): string {
  return chat.peer.contactName || chat.peer.displayName || chat.peer.phone;
}

/** One-line preview of a message for the chat list and reply quotes. */
export function previewOf(t: Translate, m: Pick<Message, 'kind' | 'content' | 'deletedAt'>): string {
  if (m.deletedAt) return t('message.deleted');
  const c = (m.content ?? {}) as Record<string, unknown>;
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
    default:
      return m.kind;
  }
}

type Filter = 'all' | 'unread' | 'archived';

export function ChatList({ activeId, onOpenSettings }: { activeId: string | null; onOpenSettings(): void }) {
  const { t, time, day } = useI18n();
  const chatsById = useStore((s) => s.chats);
  const messages = useStore((s) => s.messages);
  const myId = useStore((s) => s.session?.accountId ?? '');
  const [filter, setFilter] = useState<Filter>('all');
  const [query, setQuery] = useState('');
  const [newChat, setNewChat] = useState(false);

  const chats = useMemo(() => {
    const q = query.trim().toLowerCase();
    return Object.values(chatsById)
      .filter((c) => (filter === 'archived' ? c.archived : !c.archived))
      .filter((c) => filter !== 'unread' || c.unreadCount > 0)
      .filter((c) => !q || displayName(c).toLowerCase().includes(q) || c.peer.phone.includes(q.replace(/\s/g, '')))
      .sort((a, b) => (b.pinnedAt ?? 0) - (a.pinnedAt ?? 0) || b.lastActivityAt - a.lastActivityAt);
  }, [chatsById, filter, query]);

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

  const now = Date.now();
  const stamp = (ts: number) => (now - ts < 86_400_000 && new Date(ts).getDate() === new Date(now).getDate() ? time(ts) : day(ts, now));

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
      <div className="filters" role="group">
        {(['all', 'unread', 'archived'] as const).map((f) => (
          <button key={f} className="chip" aria-pressed={filter === f} onClick={() => setFilter(f)}>
            {t(`chats.filter.${f}`)}
          </button>
        ))}
      </div>
      <ul className="chat-list" aria-label={t('chats.title')}>
        {chats.length === 0 && <li className="empty-main" style={{ padding: 24 }}>{query ? t('chats.noResults') : t('chats.empty')}</li>}
        {chats.map((c) => {
          const last = c.lastMessage;
          const mine = last && last.senderId === myId;
          return (
            <li key={c.id}>
              <button className="chat-item" aria-current={c.id === activeId} onClick={() => navigate(`/chat/${encodeURIComponent(c.id)}`)} data-chat-id={c.id}>
                <Avatar id={c.peer.id} name={displayName(c)} mediaId={c.peer.photoMediaId} />
                <span className="chat-item-body">
                  <span className="chat-item-row">
                    <span className="chat-item-name">{displayName(c)}</span>
                    <span className={`chat-item-time${c.unreadCount ? ' unread' : ''}`}>{stamp(c.lastActivityAt)}</span>
                  </span>
                  <span className="chat-item-row">
                    <span className="chat-item-preview">
                      {mine && last && !last.deletedAt && <StatusTicks status={statusOf(last, c, myId)} label={t(`message.status.${statusOf(last, c, myId)}`)} />}
                      {last ? previewOf(t, last) : ''}
                    </span>
                    {c.mutedUntil && c.mutedUntil > now && <MuteIcon width={16} height={16} aria-label={t('chats.muted')} />}
                    {c.pinnedAt && <PinIcon width={16} height={16} aria-label={t('chats.pinned')} />}
                    {c.unreadCount > 0 && (
                      <span className="badge" aria-label={t('chats.unread', { count: c.unreadCount })}>
                        {c.unreadCount}
                      </span>
                    )}
                  </span>
                </span>
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
      {newChat && <NewChatDialog onClose={() => setNewChat(false)} />}
      <span className="sr-only" aria-live="polite">{store.get().status}</span>
    </section>
  );
}
