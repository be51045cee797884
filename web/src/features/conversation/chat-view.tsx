/**
 * An open chat: header (back on phones, avatar, name, online / last seen / typing, contact info),
 * the message history — virtualised, so a chat of thousands of messages scrolls smoothly — with
 * date separators, the unread marker, older pages loaded on scroll up (the view stays put), sticking
 * to the bottom on new messages or offering a "↓ N new" button, and the composer with its reply and
 * edit modes.
 */
import { useCallback, useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer, type VirtualItem, type Virtualizer } from '@tanstack/react-virtual';
import type { MessageKind } from '#contracts/models.js';
import { useI18n } from '../../i18n/index.js';
import { store, useStore, type ClientMessage } from '../../lib/store.js';
import { navigate } from '../../lib/router.js';
import { openPanel } from '../../lib/ui-state.js';
import { ChatHeaderBusinessMarks } from '../business/verified-badge.js';
import { Avatar } from '../../ui/avatar.js';
import { ArrowDownIcon, BackIcon, InfoIcon } from '../../ui/icons.js';
import { errorMessage } from '../auth/auth-screen.js';
import { displayName } from '../chats/chat-list.js';
import { MessageBubble, type BubbleAction } from './message-bubble.js';
import { canEdit, DeleteDialog, ForwardDialog } from './message-actions.js';
import { textOf } from './message-content.js';
import { forwardedMedia, MediaUnreadable } from './media.js';
import { Composer } from './composer.js';
import '../../styles/conversation.css';

/**
 * One row per message (with the date separator and the unread marker that go before it, so that
 * every row's key is a message's and stays when older pages are prepended), plus the notice at the
 * start of the history.
 */
type Row = { type: 'notice'; key: string } | { type: 'msg'; key: string; m: ClientMessage; first: boolean; day: string | null; unread: boolean };

/** Stable across the pending → stored transition (the id changes, the client id does not). */
const keyOf = (m: ClientMessage) => `m:${m.senderId}:${m.clientId}`;
const AT_BOTTOM_PX = 80;
const NO_MESSAGES: ClientMessage[] = [];

/** What sits at the top of a row (date separator, unread marker, first of a run). */
const headOf = (r: Row) => (r.type === 'msg' ? `${r.day ?? ''}|${r.unread}|${r.first}` : r.key);

export function ChatView({ chatId }: { chatId: string }) {
  const { t, day, relative } = useI18n();
  const chat = useStore((s) => s.chats[chatId]);
  const list = useStore((s) => s.messages[chatId]);
  const myId = useStore((s) => s.session?.accountId ?? '');
  const status = useStore((s) => s.status);
  const typing = useStore((s) => s.typing[chatId]);
  const presence = useStore((s) => (chat ? s.presence[chat.peer.id] : undefined));
  const keyChanged = useStore((s) => s.keyChanges[chatId]);
  const verified = useStore((s) => s.verified[chatId] ?? false);
  const encrypted = useStore(() => store.isEncrypted(chatId));
  // This account is a business: its chats end at its own platform, whoever the contact is.
  const meBusiness = useStore((s) => s.me?.kind === 'business');
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const [unreadFrom] = useState(() => (chat && chat.unreadCount > 0 ? chat.readSeq : null));
  const [unreadAtOpen] = useState(() => chat?.unreadCount ?? 0);
  const [replyTo, setReplyTo] = useState<ClientMessage | null>(null);
  const [editing, setEditing] = useState<ClientMessage | null>(null);
  const [deleting, setDeleting] = useState<ClientMessage | null>(null);
  const [forwarding, setForwarding] = useState<ClientMessage | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [toast, setToast] = useState<string | null>(null);
  const [highlight, setHighlight] = useState<string | null>(null);
  const [newCount, setNewCount] = useState(0);
  const [showJump, setShowJump] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const loadingOlderRef = useRef(false);
  const positioned = useRef(false);

  useEffect(() => {
    if (!list?.loaded || list.items.length < 20) void store.loadMessages(chatId).catch(() => undefined);
  }, [chatId]); // eslint-disable-line react-hooks/exhaustive-deps

  // Set up the chat's encryption group as soon as the chat is open, so the first message need not wait.
  const chatKnown = !!chat;
  useEffect(() => {
    if (chatKnown && status === 'online') store.prepareEncryption(chatId);
  }, [chatId, chatKnown, status]);

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

  // Deferred: a burst of updates (catching up after a reconnect) renders the long list once, not
  // once per update.
  const items = useDeferredValue(list?.items ?? NO_MESSAGES);
  const byId = useMemo(() => new Map(items.map((m) => [m.id, m])), [items]);

  const rows = useMemo(() => {
    const out: Row[] = [];
    if (list?.loaded && !list.hasMore) out.push({ type: 'notice', key: 'notice' });
    let lastDay = '';
    // The marker goes before the first unread message, once the history up to it is loaded.
    const first = items[0];
    let unreadShown = unreadFrom === null || !first || (first.seq > unreadFrom && Boolean(list?.hasMore));
    const labels = new Map<number, string>();
    items.forEach((m, i) => {
      const midnight = new Date(m.createdAt).setHours(0, 0, 0, 0);
      let d = labels.get(midnight);
      if (d === undefined) labels.set(midnight, (d = day(m.createdAt)));
      const sep = d !== lastDay;
      lastDay = d;
      let unread = false;
      if (!unreadShown && unreadFrom !== null && m.seq > unreadFrom && !m.pending && m.senderId !== myId) {
        unread = true;
        unreadShown = true;
      }
      const prev = items[i - 1];
      out.push({ type: 'msg', key: keyOf(m), m, first: sep || unread || !prev || prev.senderId !== m.senderId, day: sep ? d : null, unread });
    });
    return out;
  }, [items, list?.loaded, list?.hasMore, day, unreadFrom, myId]);

  const headChanged = useRef(new Set<string>());
  const heads = useRef(new Map<string, string>());
  useMemo(() => {
    const next = new Map(rows.map((r) => [r.key, headOf(r)]));
    for (const [key, head] of heads.current) if (next.has(key) && next.get(key) !== head) headChanged.current.add(key);
    heads.current = next;
  }, [rows]);

  const rowsRef = useRef(rows);
  rowsRef.current = rows;

  const getItemKey = useCallback((i: number) => rows[i]?.key ?? i, [rows]);
  const estimateSize = useCallback((i: number) => {
    const r = rows[i];
    return r?.type === 'msg' ? 39 + (r.day ? 45 : 0) + (r.unread ? 40 : 0) + (r.first ? 6 : 0) + (r.m.kind === 'text' ? 0 : 160) : 44;
  }, [rows]);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize,
    getItemKey,
    overscan: 10,
    paddingStart: 8,
    paddingEnd: 8,
    // A chat list: when older pages are prepended, the row at the top of the view stays put.
    anchorTo: 'end',
    scrollEndThreshold: AT_BOTTOM_PX,
  });
  // A row above the view that changes height (its date separator moved to an older message, an
  // image loaded) shifts the view by as much, whichever way the reader is scrolling: the library
  // leaves that alone while scrolling up, which is exactly when older pages come in.
  // Same for the row at the top of the view when what changed is its head (its date separator
  // moved to the older page).
  virtualizer.shouldAdjustScrollPositionOnItemSizeChange = (item: VirtualItem, _delta: number, instance: Virtualizer<HTMLDivElement, Element>) => {
    const offset = instance.scrollOffset ?? 0;
    if (item.end <= offset) return true;
    return item.start < offset && headChanged.current.delete(String(item.key));
  };
  const totalSize = virtualizer.getTotalSize();

  const scrollToBottom = useCallback(() => {
    atBottom.current = true;
    setNewCount(0);
    setShowJump(false);
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, []);

  // First position: the unread marker if there is one, else the bottom.
  useLayoutEffect(() => {
    if (positioned.current || !list?.loaded || rows.length === 0) return;
    positioned.current = true;
    const unreadIndex = rows.findIndex((r) => r.type === 'msg' && r.unread);
    const start = unreadIndex > 0 ? virtualizer.measurementsCache[unreadIndex]?.start : undefined;
    const el = scroller.current;
    // Set the offset ourselves rather than with scrollToIndex, whose later corrections would
    // follow the index while older pages are prepended.
    if (el && start !== undefined && start + el.clientHeight < virtualizer.getTotalSize()) {
      atBottom.current = false;
      el.scrollTop = Math.max(0, start - 8);
    } else scrollToBottom();
  }, [list?.loaded, rows, virtualizer, scrollToBottom]);

  // Stick to the bottom while the reader is there (new messages, rows measured, images loaded).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && atBottom.current && positioned.current) el.scrollTop = el.scrollHeight;
  }, [totalSize, rows.length]);

  // Count what arrives while the reader is scrolled up.
  const lastKey = useRef<string | null>(null);
  useEffect(() => {
    const last = items[items.length - 1];
    const prevKey = lastKey.current;
    lastKey.current = last ? keyOf(last) : null;
    if (!last || !prevKey || prevKey === lastKey.current || atBottom.current) return;
    const prevIndex = items.findIndex((m) => keyOf(m) === prevKey);
    if (prevIndex < 0) return;
    const fresh = items.slice(prevIndex + 1);
    if (fresh.some((m) => m.senderId === myId && m.pending)) return scrollToBottom();
    const others = fresh.filter((m) => m.senderId !== myId).length;
    if (others) setNewCount((n) => n + others);
  }, [items, myId, scrollToBottom]);

  const loadOlder = useCallback(async () => {
    const el = scroller.current;
    if (!el || loadingOlderRef.current) return;
    loadingOlderRef.current = true;
    setLoadingOlder(true);
    try {
      await store.loadMessages(chatId, true);
    } catch {
      // try again on the next scroll
    } finally {
      loadingOlderRef.current = false;
      setLoadingOlder(false);
    }
  }, [chatId]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < AT_BOTTOM_PX;
    atBottom.current = bottom;
    if (bottom) setNewCount(0);
    setShowJump(!bottom && el.scrollHeight - el.scrollTop - el.clientHeight > 300);
    if (el.scrollTop < 600 && positioned.current && list?.loaded && list.hasMore) void loadOlder();
  };

  /** Scroll to a message (a quote's original), loading older pages until it is there. */
  const jumpTo = useCallback(
    async (messageId: string) => {
      const find = () => rowsRef.current.findIndex((r) => r.type === 'msg' && r.m.id === messageId);
      let index = find();
      for (let i = 0; index < 0 && i < 40 && store.get().messages[chatId]?.hasMore; i++) {
        try {
          await store.loadMessages(chatId, true);
        } catch {
          break;
        }
        await new Promise((r) => requestAnimationFrame(() => r(null)));
        index = find();
      }
      const item = index >= 0 ? virtualizer.measurementsCache[index] : undefined;
      const el = scroller.current;
      if (!item || !el) return;
      atBottom.current = false;
      el.scrollTop = Math.max(0, item.start - el.clientHeight / 2 + item.size / 2);
      setHighlight(messageId);
      setTimeout(() => setHighlight((h) => (h === messageId ? null : h)), 1600);
    },
    [chatId, virtualizer],
  );

  const showError = useCallback((id: string, message: string) => {
    setErrors((e) => ({ ...e, [id]: message }));
    setTimeout(() => setErrors((e) => (e[id] === message ? Object.fromEntries(Object.entries(e).filter(([k]) => k !== id)) : e)), 6000);
  }, []);

  const onAction = useCallback(
    (action: BubbleAction, m: ClientMessage, emoji?: string | null) => {
      switch (action) {
        case 'reply':
          setEditing(null);
          setReplyTo(m);
          return;
        case 'edit':
          setReplyTo(null);
          setEditing(m);
          return;
        case 'delete':
          setDeleting(m);
          return;
        case 'forward':
          setForwarding(m);
          return;
        case 'copy':
          void navigator.clipboard?.writeText(textOf(m)).then(
            () => {
              setToast(t('message.copied'));
              setTimeout(() => setToast(null), 1500);
            },
            () => showError(m.id, t('error.generic')),
          );
          return;
        case 'react':
          store.react(m.id, emoji ?? null).catch((err: unknown) => showError(m.id, errorMessage(t, err)));
          return;
        case 'retry':
          store.discardFailed(m.chatId, m.clientId);
          void store.send(m.chatId, m.kind as MessageKind, m.content ?? {}, {
            ...(m.mediaId ? { mediaId: m.mediaId } : {}),
            ...(m.replyTo ? { replyTo: m.replyTo } : {}),
            ...(m.forwarded ? { forwarded: true } : {}),
            ...(m.mediaKey ? { media: m.mediaKey } : {}),
          });
          return;
        case 'discard':
          store.discardFailed(m.chatId, m.clientId);
          return;
      }
    },
    [t, showError],
  );

  const editLast = useCallback(() => {
    const now = Date.now();
    const last = [...items].reverse().find((m) => m.senderId === myId && canEdit(m, myId, now));
    if (last) {
      setReplyTo(null);
      setEditing(last);
    }
  }, [items, myId]);

  const cancelMode = useCallback(() => {
    setReplyTo(null);
    setEditing(null);
  }, []);

  if (!chat) return <div className="empty-main">{t('common.loading')}</div>;
  const name = displayName(chat);
  // A Business API business answers from its platform: where its messages go matters more than
  // whether one of its devices is online.
  const subtitle = typing
    ? t(typing.state === 'recording' ? 'chat.recording' : 'chat.typing')
    : chat.peer.business?.api
      ? t('api.notice.short')
      : [
          presence?.online ? t('chat.online') : presence?.lastSeenAt ? t('chat.lastSeen', { when: relative(presence.lastSeenAt) }) : '',
          // Business chats (both tiers) terminate at the platform: say so where the chat is.
          chat.peer.kind === 'business' || (meBusiness && chat.kind === 'direct') ? t('e2e.businessShort') : '',
        ]
          .filter(Boolean)
          .join(' · ');
  const openInfo = () => openPanel({ kind: 'contact', chatId });

  return (
    <>
      <header className="topbar chat-header">
        <button type="button" className="icon-btn back-btn" onClick={() => navigate('/')} aria-label={t('chat.back')} title={t('chat.back')}>
          <BackIcon />
        </button>
        <div className="chat-header-who" onClick={openInfo}>
          <Avatar id={chat.peer.id} name={name} mediaId={chat.peer.photoMediaId} size={40} />
          <div className="chat-header-text">
            <h2 className="name-with-marks">
              <span className="name-text">{name}</span>
              <ChatHeaderBusinessMarks chatId={chatId} peer={chat.peer} />
              {verified && (
                <span className="verified-mark" title={t('e2e.safety.verified')}>
                  <span aria-hidden="true">🔒✓</span>
                  <span className="sr-only">{t('e2e.verifiedMark')}</span>
                </span>
              )}
            </h2>
            <div className={`chat-subtitle${typing ? ' typing' : ''}`} aria-live="polite">
              {subtitle}
            </div>
          </div>
        </div>
        <button type="button" className="icon-btn" onClick={openInfo} aria-label={t('contact.info')} title={t('contact.info')}>
          <InfoIcon />
        </button>
      </header>
      <div className="conversation-wrap">
        {keyChanged && (
          <div className="notice key-changed-notice" role="status">
            🔐 {t('e2e.keyChanged')}
          </div>
        )}
        {loadingOlder && (
          <div className="loading-older" role="status">
            <span className="spinner" aria-hidden="true" /> {t('chat.loadingOlder')}
          </div>
        )}
        <div className="conversation" ref={scroller} onScroll={onScroll} role="log" aria-label={name} tabIndex={0}>
          <div className="virtual-list" style={{ height: totalSize }}>
            {virtualizer.getVirtualItems().map((v) => {
              const row = rows[v.index];
              if (!row) return null;
              return (
                <div key={v.key} data-index={v.index} data-key={v.key} ref={virtualizer.measureElement} className="virtual-row" style={{ transform: `translateY(${v.start}px)` }}>
                  {row.type === 'notice' &&
                    (chat.peer.business?.api ? (
                      <div className="notice api-chat-notice" role="note">
                        🏢 {t('api.notice')}
                      </div>
                    ) : chat.peer.kind === 'business' ? (
                      <div className="notice business-chat-notice" role="note">
                        🏢 {t('e2e.business')}
                      </div>
                    ) : meBusiness ? (
                      <div className="notice business-chat-notice" role="note">
                        🏢 {t('e2e.businessSelf')}
                      </div>
                    ) : encrypted ? (
                      <div className="notice">🔒 {t('e2e.notice')}</div>
                    ) : (
                      <div className="notice">{t('e2e.notEncrypted')}</div>
                    ))}
                  {row.type === 'msg' && row.day && (
                    <div className="day-sep" role="separator">
                      {row.day}
                    </div>
                  )}
                  {row.type === 'msg' && row.unread && <div className="unread-sep">{t('chat.unreadMarker', { count: unreadAtOpen })}</div>}
                  {row.type === 'msg' && (
                    <MessageBubble
                      message={row.m}
                      chat={chat}
                      myId={myId}
                      first={row.first}
                      quoted={row.m.replyTo ? byId.get(row.m.replyTo) : undefined}
                      error={errors[row.m.id]}
                      highlighted={highlight === row.m.id}
                      onAction={onAction}
                      onJump={jumpTo}
                    />
                  )}
                </div>
              );
            })}
          </div>
        </div>
        {(showJump || newCount > 0) && (
          <button
            type="button"
            className={`jump-btn${newCount ? ' has-new' : ''}`}
            onClick={scrollToBottom}
            aria-label={newCount ? t('chat.newMessagesLabel', { count: newCount }) : t('chat.scrollToBottom')}
            title={t('chat.scrollToBottom')}
          >
            <ArrowDownIcon />
            {newCount > 0 && <span className="jump-count">{t('chat.newMessages', { count: newCount })}</span>}
          </button>
        )}
        {toast && (
          <div className="toast" role="status">
            {toast}
          </div>
        )}
      </div>
      <Composer chatId={chatId} chat={chat} replyTo={replyTo} editing={editing} onCancelMode={cancelMode} onEditLast={editLast} onSent={scrollToBottom} />
      {deleting && (
        <DeleteDialog
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            const m = deleting;
            setDeleting(null);
            if (editing?.id === m.id) setEditing(null);
            if (replyTo?.id === m.id) setReplyTo(null);
            try {
              await store.deleteForEveryone(m.id);
            } catch (err) {
              showError(m.id, errorMessage(t, err));
            }
          }}
        />
      )}
      {forwarding && (
        <ForwardDialog
          onClose={() => setForwarding(null)}
          onPick={async (target) => {
            const m = forwarding;
            // An end-to-end encrypted medium is forwarded with its key, inside the new encrypted message
            // (or, into a business chat, decrypted here and uploaded as it is).
            let media: Awaited<ReturnType<typeof forwardedMedia>>;
            try {
              media = await forwardedMedia(m, target.id);
            } catch (err) {
              setForwarding(null);
              showError(m.id, err instanceof MediaUnreadable ? t(err.reason === 'tampered' ? 'e2e.mediaTampered' : 'e2e.mediaUnavailable') : errorMessage(t, err));
              return;
            }
            await store.send(target.id, m.kind as MessageKind, m.content ?? {}, { ...media, forwarded: true });
            setForwarding(null);
            if (target.id !== chatId) navigate(`/chat/${encodeURIComponent(target.id)}`);
            else scrollToBottom();
          }}
        />
      )}
    </>
  );
}
