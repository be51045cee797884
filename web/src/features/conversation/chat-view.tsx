/**
 * An open chat: header with presence and typing, the message history (date separators, unread
 * marker, older pages on scroll up), and the composer.
 */
import { Fragment, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../../i18n/index.js';
import { store, useStore, type ClientMessage } from '../../lib/store.js';
import { navigate } from '../../lib/router.js';
import { Avatar } from '../../ui/avatar.js';
import { BackIcon } from '../../ui/icons.js';
import { displayName } from '../chats/chat-list.js';
import { MessageBubble } from './message-bubble.js';
import { Composer } from './composer.js';

export function ChatView({ chatId }: { chatId: string }) {
  const { t, day, relative } = useI18n();
  const chat = useStore((s) => s.chats[chatId]);
  const list = useStore((s) => s.messages[chatId]);
  const myId = useStore((s) => s.session?.accountId ?? '');
  const status = useStore((s) => s.status);
  const typing = useStore((s) => s.typing[chatId]);
  const presence = useStore((s) => (chat ? s.presence[chat.peer.id] : undefined));
  const scroller = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const [unreadFrom] = useState(() => (chat && chat.unreadCount > 0 ? chat.readSeq : null));

  useEffect(() => {
    if (!list?.loaded || list.items.length < 20) void store.loadMessages(chatId).catch(() => undefined);
  }, [chatId]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (chat && status === 'online') void store.watchPresence([chat.peer.id]);
  }, [chat?.peer.id, status]); // eslint-disable-line react-hooks/exhaustive-deps

  // Mark read while the chat is open and the page visible.
  useEffect(() => {
    if (!chat || status !== 'online') return;
    const mark = () => document.visibilityState === 'visible' && store.markRead(chatId);
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [chatId, chat?.lastSeq, status]); // eslint-disable-line react-hooks/exhaustive-deps

  const items = useMemo(() => list?.items ?? [], [list]);
  const byId = useMemo(() => new Map(items.map((m) => [m.id, m])), [items]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && stickToBottom.current) el.scrollTop = el.scrollHeight;
  }, [items.length, chatId]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    if (el.scrollTop < 200 && list?.hasMore) {
      const before = el.scrollHeight;
      void store.loadMessages(chatId, true).then(() => {
        requestAnimationFrame(() => {
          if (scroller.current) scroller.current.scrollTop += scroller.current.scrollHeight - before;
        });
      });
    }
  };

  if (!chat) return <div className="empty-main">{t('common.loading')}</div>;
  const name = displayName(chat);
  const subtitle = typing
    ? t(typing.state === 'recording' ? 'chat.recording' : 'chat.typing')
    : presence?.online
      ? t('chat.online')
      : presence?.lastSeenAt
        ? t('chat.lastSeen', { when: relative(presence.lastSeenAt) })
        : '';

  let lastDay = '';
  return (
    <>
      <header className="topbar">
        <button className="icon-btn back-btn" onClick={() => navigate('/')} aria-label={t('chat.back')}>
          <BackIcon />
        </button>
        <Avatar id={chat.peer.id} name={name} mediaId={chat.peer.photoMediaId} size={40} />
        <div style={{ flex: 1, minWidth: 0 }}>
          <h2>{name}</h2>
          <div className="chat-subtitle" aria-live="polite">
            {subtitle}
          </div>
        </div>
      </header>
      <div className="conversation" ref={scroller} onScroll={onScroll} role="log" aria-label={name}>
        <div className="notice">🔒 {t('chat.e2e')}</div>
        {items.map((m: ClientMessage, i) => {
          const d = day(m.createdAt);
          const sep = d !== lastDay;
          lastDay = d;
          const prev = items[i - 1];
          const first = sep || !prev || prev.senderId !== m.senderId;
          const showUnread = unreadFrom !== null && m.seq === unreadFrom + 1 && m.senderId !== myId;
          return (
            <Fragment key={m.id}>
              {sep && <div className="day-sep">{d}</div>}
              {showUnread && <div className="unread-sep">{t('chat.unreadMarker', { count: chat.unreadCount || items.filter((x) => x.seq > unreadFrom && x.senderId !== myId).length })}</div>}
              <MessageBubble message={m} chat={chat} myId={myId} first={first} quoted={m.replyTo ? byId.get(m.replyTo) : undefined} />
            </Fragment>
          );
        })}
      </div>
      <Composer chatId={chatId} />
    </>
  );
}
