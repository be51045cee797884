/**
 * What a person can do with a message: the action menu (quick reactions, reply, edit, delete for
 * everyone, forward, copy), the delete confirmation, and the forward picker.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { SERVER_COMPOSED_KINDS, type Chat, type MessageKind } from '#contracts/models.js';
import { useI18n } from '../../i18n/index.js';
import { useStore, type ClientMessage } from '../../lib/store.js';
import { Avatar } from '../../ui/avatar.js';
import { Dialog } from '../../ui/dialog.js';
import { QUICK_REACTIONS } from '../../ui/emoji.js';
import { CopyIcon, EditIcon, ForwardIcon, ReplyIcon, TrashIcon } from '../../ui/icons.js';
import { displayName } from '../chats/chat-list.js';
import { textOf } from './message-content.js';
import { useIsBusiness } from '../business-tools/data.js';
import { openLabelDialog } from '../business-tools/label-ui.js';

export type MessageAction = 'reply' | 'edit' | 'delete' | 'forward' | 'copy';

/** As EDITABLE_KINDS in contracts/content.ts (not imported: it would bring the schema library into the app). */
const EDITABLE_KINDS: readonly string[] = ['text', 'image', 'video', 'document'];

export const EDIT_WINDOW_MS = 15 * 60 * 1000;
export const DELETE_WINDOW_MS = 48 * 60 * 60 * 1000;

/** Stored by the server (has an id others can refer to), and not deleted. */
export function isLive(m: ClientMessage): boolean {
  return !m.deletedAt && !m.pending && !m.failed && !m.id.startsWith('pending:');
}

export function canEdit(m: ClientMessage, myId: string, now = Date.now()): boolean {
  return isLive(m) && m.senderId === myId && EDITABLE_KINDS.includes(m.kind) && now - m.createdAt < EDIT_WINDOW_MS;
}

export function canDelete(m: ClientMessage, myId: string, now = Date.now()): boolean {
  return isLive(m) && m.senderId === myId && now - m.createdAt < DELETE_WINDOW_MS;
}

/** The actions a message offers now, in menu order. */
export function actionsFor(m: ClientMessage, myId: string, now = Date.now()): MessageAction[] {
  if (!isLive(m)) return [];
  // Product, catalog and order messages are composed by the server: they cannot be forwarded.
  // An interactive reply only means something as the answer to its message: not forwarded either.
  const out: MessageAction[] = SERVER_COMPOSED_KINDS.includes(m.kind as MessageKind) || m.kind === 'interactive_reply' ? ['reply'] : ['reply', 'forward'];
  if (textOf(m)) out.push('copy');
  if (canEdit(m, myId, now)) out.push('edit');
  if (canDelete(m, myId, now)) out.push('delete');
  return out;
}

const ICONS: Record<MessageAction, ReactNode> = {
  reply: <ReplyIcon />,
  forward: <ForwardIcon />,
  copy: <CopyIcon />,
  edit: <EditIcon />,
  delete: <TrashIcon />,
};

export function MessageMenu({
  anchor,
  align,
  actions,
  myReaction,
  canReact,
  onReact,
  onAction,
  onClose,
  messageId,
}: {
  /** Set for a stored message: a business can label it ("Label message"). */
  messageId?: string | undefined;
  anchor: DOMRect;
  align: 'start' | 'end';
  actions: MessageAction[];
  myReaction: string | null;
  canReact: boolean;
  onReact(emoji: string | null): void;
  onAction(a: MessageAction): void;
  onClose(): void;
}) {
  const { t } = useI18n();
  const business = useIsBusiness();
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState<{ top: number; left: number } | null>(null);
  const closeRef = useRef(onClose);
  useEffect(() => {
    closeRef.current = onClose;
  }, [onClose]);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const w = el.offsetWidth || 220;
    const h = el.offsetHeight || 280;
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    let top = anchor.bottom + 4;
    if (top + h > vh - 8) top = Math.max(8, anchor.top - h - 4);
    let left = align === 'end' ? anchor.right - w : anchor.left;
    left = Math.max(8, Math.min(left, vw - w - 8));
    setPos({ top, left });
  }, [anchor, align]);

  useEffect(() => {
    const first = ref.current?.querySelector<HTMLElement>('[role=menuitem]') ?? ref.current?.querySelector<HTMLElement>('button');
    first?.focus({ preventScroll: true });
    const onDown = (e: MouseEvent | TouchEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) closeRef.current();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        e.preventDefault();
        closeRef.current();
      }
    };
    const onResize = () => closeRef.current();
    // The menu stays where it opened: the reader scrolling the history away from it closes it.
    const onScroll = (e: Event) => {
      if (!(e.target instanceof Node) || !ref.current?.contains(e.target)) closeRef.current();
    };
    document.addEventListener('wheel', onScroll, { capture: true, passive: true });
    document.addEventListener('touchmove', onScroll, { capture: true, passive: true });
    document.addEventListener('mousedown', onDown, true);
    document.addEventListener('touchstart', onDown, true);
    window.addEventListener('keydown', onKey, true);
    window.addEventListener('resize', onResize);
    return () => {
      document.removeEventListener('mousedown', onDown, true);
      document.removeEventListener('touchstart', onDown, true);
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('resize', onResize);
      document.removeEventListener('wheel', onScroll, true);
      document.removeEventListener('touchmove', onScroll, true);
    };
  }, []);

  const moveFocus = (e: ReactKeyboardEvent, selector: string, keys: { next: string; prev: string }) => {
    const items = [...(ref.current?.querySelectorAll<HTMLElement>(selector) ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    let j = -1;
    if (e.key === keys.next) j = (i + 1) % items.length;
    else if (e.key === keys.prev) j = (i - 1 + items.length) % items.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = items.length - 1;
    if (j >= 0) {
      e.preventDefault();
      items[j]?.focus();
    }
  };

  return createPortal(
    <div className="msg-menu" ref={ref} style={pos ? { top: pos.top, left: pos.left } : { top: anchor.bottom, left: anchor.left, visibility: 'hidden' }}>
      {canReact && (
        <div className="reaction-bar" role="toolbar" aria-label={t('message.react')} onKeyDown={(e) => moveFocus(e, '.reaction-bar button', { next: 'ArrowRight', prev: 'ArrowLeft' })}>
          {QUICK_REACTIONS.map((emoji) => (
            <button
              key={emoji}
              type="button"
              aria-pressed={myReaction === emoji}
              aria-label={t('message.reactWith', { emoji })}
              title={t('message.reactWith', { emoji })}
              onClick={() => onReact(myReaction === emoji ? null : emoji)}
            >
              {emoji}
            </button>
          ))}
          <button type="button" className="reaction-none" aria-label={t('message.removeReaction')} title={t('message.removeReaction')} disabled={!myReaction} onClick={() => onReact(null)}>
            ∅
          </button>
        </div>
      )}
      {(actions.length > 0 || (business && messageId)) && (
        <ul role="menu" aria-label={t('message.actions')} onKeyDown={(e) => moveFocus(e, '[role=menuitem]', { next: 'ArrowDown', prev: 'ArrowUp' })}>
          {actions.map((a) => (
            <li role="none" key={a}>
              <button type="button" role="menuitem" className={a === 'delete' ? 'danger' : undefined} onClick={() => onAction(a)}>
                {ICONS[a]}
                <span>{t(`message.${a}`)}</span>
              </button>
            </li>
          ))}
          {business && messageId && (
            <li role="none">
              <button
                type="button"
                role="menuitem"
                onClick={() => {
                  onClose();
                  openLabelDialog({ kind: 'message', messageId });
                }}
              >
                <LabelIcon />
                <span>{t('tools.labelMessage')}</span>
              </button>
            </li>
          )}
        </ul>
      )}
    </div>,
    document.body,
  );
}

const LabelIcon = () => (
  <svg viewBox="0 0 24 24" width="24" height="24" fill="currentColor" aria-hidden="true" focusable="false">
    <path d="M17.6 5.8A2 2 0 0 0 16 5H5a2 2 0 0 0-2 2v10c0 1.1.9 2 2 2h11a2 2 0 0 0 1.6-.8L22 12z" />
  </svg>
);

export function DeleteDialog({ onConfirm, onClose }: { onConfirm(): Promise<void>; onClose(): void }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  return (
    <Dialog title={t('message.deleteTitle')} onClose={onClose}>
      <p style={{ margin: 0 }}>{t('message.deleteConfirm')}</p>
      <div className="dialog-actions">
        <button type="button" className="btn btn-ghost" onClick={onClose} autoFocus>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          className="btn btn-danger-solid"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            void onConfirm().finally(() => setBusy(false));
          }}
        >
          {t('message.delete')}
        </button>
      </div>
    </Dialog>
  );
}

/** Pick the chat to forward a message to. */
export function ForwardDialog({ onPick, onClose }: { onPick(chat: Chat): Promise<void>; onClose(): void }) {
  const { t } = useI18n();
  const chatsById = useStore((s) => s.chats);
  const [query, setQuery] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const chats = useMemo(() => {
    const q = query.trim().toLowerCase();
    return Object.values(chatsById)
      .filter((c) => !c.peer.blocked)
      .filter((c) => !q || displayName(c).toLowerCase().includes(q) || c.peer.phone.includes(q.replace(/\s/g, '')))
      .sort((a, b) => (b.pinnedAt ?? 0) - (a.pinnedAt ?? 0) || b.lastActivityAt - a.lastActivityAt);
  }, [chatsById, query]);
  return (
    <Dialog title={t('message.forwardTo')} onClose={onClose}>
      <input className="input" type="search" autoFocus placeholder={t('message.forwardSearch')} aria-label={t('message.forwardSearch')} value={query} onChange={(e) => setQuery(e.target.value)} />
      <ul className="pick-list" aria-label={t('chats.title')}>
        {chats.length === 0 && <li className="pick-empty">{t('message.forwardEmpty')}</li>}
        {chats.map((c) => (
          <li key={c.id}>
            <button
              type="button"
              className="pick-item"
              disabled={busy}
              data-chat-id={c.id}
              onClick={() => {
                setBusy(true);
                setError(null);
                onPick(c).catch((err: unknown) => {
                  setBusy(false);
                  setError(err instanceof Error ? err.message : t('error.generic'));
                });
              }}
            >
              <Avatar id={c.peer.id} name={displayName(c)} mediaId={c.peer.photoMediaId} size={36} />
              <span className="pick-name">{displayName(c)}</span>
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn btn-ghost" onClick={onClose}>
          {t('common.cancel')}
        </button>
      </div>
    </Dialog>
  );
}
