/**
 * One message as a bubble: content by kind, reply quote, forwarded label, edited mark, time and
 * status ticks, reactions as a pill under the bubble; a tombstone once deleted for everyone.
 * Its actions open from the menu button (shown on hover and focus), the context-menu key or a
 * right click, and a long press on touch screens.
 */
import { memo, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import type { Chat } from '#contracts/models.js';
import { useI18n, type Translate } from '../../i18n/index.js';
import { statusOf, type ClientMessage } from '../../lib/store.js';
import { ChevronDownIcon, RetryIcon, StatusTicks, TrashIcon } from '../../ui/icons.js';
import { displayName, previewOf } from '../chats/chat-list.js';
import { isBare, MessageContent } from './message-content.js';
import { actionsFor, isLive, MessageMenu, type MessageAction } from './message-actions.js';
import { thumbnailSrc } from './media.js';
import { MessageLabels } from '../business-tools/label-ui.js';
import { ApiMessageButtons, ApiMessageContent, isApiKind } from '../business-api/message-kinds.js';

export type BubbleAction = MessageAction | 'react' | 'retry' | 'discard';

export interface BubbleProps {
  message: ClientMessage;
  chat: Chat | undefined;
  myId: string;
  /** First of a run of messages from the same sender (gets a tail and extra space). */
  first?: boolean;
  /** The quoted message, when it is loaded. */
  quoted?: ClientMessage | undefined;
  /** An error from the last action on this message, shown under it. */
  error?: string | null | undefined;
  highlighted?: boolean;
  onAction?: (action: BubbleAction, m: ClientMessage, emoji?: string | null) => void;
  /** Go to a message (the quoted one). */
  onJump?: (messageId: string) => void;
}

/** Name of the author of a message, as shown in quotes. */
export function senderName(t: Translate, m: Pick<ClientMessage, 'senderId'>, chat: Chat | undefined, myId: string): string {
  if (m.senderId === myId) return t('message.you');
  return chat ? displayName(chat) : '';
}

function MessageBubbleImpl({ message: m, chat, myId, first, quoted, error, highlighted, onAction, onJump }: BubbleProps) {
  const { t, time } = useI18n();
  const mine = m.senderId === myId;
  const status = mine ? statusOf(m, chat, myId) : null;
  const [menu, setMenu] = useState<DOMRect | null>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const row = useRef<HTMLDivElement>(null);
  const press = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const live = isLive(m);
  const actions = onAction ? actionsFor(m, myId) : [];
  const canOpen = Boolean(onAction) && live;
  const myReaction = m.reactions.find((r) => r.accountId === myId)?.emoji ?? null;
  const bare = isBare(m);
  const media = !m.deletedAt && (m.kind === 'image' || m.kind === 'video');

  const openMenu = (rect?: DOMRect) => {
    if (!canOpen) return;
    setMenu(rect ?? trigger.current?.getBoundingClientRect() ?? row.current?.getBoundingClientRect() ?? null);
  };
  const closeMenu = () => {
    setMenu(null);
    trigger.current?.focus({ preventScroll: true });
  };
  const cancelPress = () => {
    clearTimeout(press.current);
    press.current = undefined;
  };
  const onPointerDown = (e: ReactPointerEvent) => {
    if (e.pointerType !== 'touch' || !canOpen) return;
    const target = e.currentTarget as HTMLElement;
    cancelPress();
    press.current = setTimeout(() => {
      press.current = undefined;
      navigator.vibrate?.(15);
      openMenu(target.getBoundingClientRect());
    }, 500);
  };

  const reactionGroups = groupReactions(m.reactions, myId);
  const author = senderName(t, m, chat, myId);

  return (
    <div
      ref={row}
      className={`msg-row${mine ? ' out' : ' in'}${first ? ' first' : ''}${highlighted ? ' highlighted' : ''}${m.reactions.length && !m.deletedAt ? ' has-reactions' : ''}`}
      data-message-id={m.id}
      data-client-id={m.clientId}
      data-kind={m.kind}
    >
      <div
        className={`bubble${bare ? ' bare' : ''}${media ? ' media' : ''}${menu ? ' menu-open' : ''}`}
        role="article"
        aria-label={`${author}, ${time(m.createdAt)}`}
        onContextMenu={(e) => {
          if (!canOpen) return;
          e.preventDefault();
          cancelPress();
          const r = trigger.current?.getBoundingClientRect();
          openMenu(e.clientX || e.clientY ? new DOMRect(e.clientX, e.clientY, 0, 0) : r);
        }}
        onPointerDown={onPointerDown}
        onPointerUp={cancelPress}
        onPointerCancel={cancelPress}
        onPointerMove={(e) => e.pointerType === 'touch' && (Math.abs(e.movementX) > 4 || Math.abs(e.movementY) > 4) && cancelPress()}
      >
        {m.deletedAt ? (
          <span className="bubble-deleted">🚫 {t('message.deleted')}</span>
        ) : (
          <>
            {m.forwarded && (
              <div className="bubble-forwarded">
                <span aria-hidden="true">↪</span> {t('message.forwarded')}
              </div>
            )}
            {m.replyTo && <Quote m={quoted} chat={chat} myId={myId} onClick={onJump ? () => onJump(m.replyTo!) : undefined} />}
            {m.waiting ? (
              <span className="bubble-deleted bubble-waiting">🕓 {t('e2e.waiting')}</span>
            ) : isApiKind(m.kind) ? (
              <ApiMessageContent message={m} />
            ) : (
              <MessageContent message={m} />
            )}
          </>
        )}
        <span className="bubble-meta">
          {m.editedAt && !m.deletedAt && <span className="bubble-edited">{t('message.edited')}</span>}
          <time dateTime={new Date(m.createdAt).toISOString()}>{time(m.createdAt)}</time>
          {status && !m.deletedAt && <StatusTicks status={status} label={t(`message.status.${status}`)} />}
        </span>
        {/* Reply buttons, list, links and codes of Business API messages (features/business-api). */}
        {(m.kind === 'interactive' || m.kind === 'template') && <ApiMessageButtons message={m} myId={myId} />}
        {canOpen && (
          <button
            ref={trigger}
            type="button"
            className="msg-menu-btn"
            aria-label={t('message.actions')}
            title={t('message.actions')}
            aria-haspopup="menu"
            aria-expanded={Boolean(menu)}
            onClick={() => (menu ? closeMenu() : openMenu())}
          >
            <ChevronDownIcon />
          </button>
        )}
      </div>
      {reactionGroups.length > 0 && !m.deletedAt && (
        <button
          type="button"
          className="reactions"
          aria-label={t('message.reactions', { list: reactionGroups.map((g) => `${g.emoji} ${g.count}`).join(', ') })}
          onClick={() => openMenu()}
          disabled={!canOpen}
        >
          {reactionGroups.map((g) => (
            <span key={g.emoji} className={g.mine ? 'mine' : undefined} aria-hidden="true">
              {g.emoji}
            </span>
          ))}
          {m.reactions.length > 1 && (
            <span className="reaction-count" aria-hidden="true">
              {m.reactions.length}
            </span>
          )}
        </button>
      )}
      {live && <MessageLabels messageId={m.id} />}
      {m.waitingPeer && m.pending && !m.failed && (
        <div className="msg-waiting-peer" role="status" title={t('e2e.waitingPeer', { name: chat ? displayName(chat) : '' })}>
          <span aria-hidden="true">🕓🔒 </span>
          {t('e2e.waitingPeerShort', { name: chat ? displayName(chat) : '' })}
        </div>
      )}
      {m.failed && (
        <div className="msg-failed" role="alert">
          <span>{t('message.status.failed')}</span>
          {t(`error.${m.failed}` as 'error.generic') !== `error.${m.failed}` && <span className="msg-failed-reason">{t(`error.${m.failed}` as 'error.generic')}</span>}
          {onAction && (
            <>
              <button type="button" className="link-btn" onClick={() => onAction('retry', m)}>
                <RetryIcon aria-hidden="true" /> {t('common.retry')}
              </button>
              <button type="button" className="link-btn" onClick={() => onAction('discard', m)}>
                <TrashIcon aria-hidden="true" /> {t('message.discard')}
              </button>
            </>
          )}
        </div>
      )}
      {error && (
        <div className="msg-error" role="alert">
          {error}
        </div>
      )}
      {menu && onAction && (
        <MessageMenu
          messageId={live ? m.id : undefined}
          anchor={menu}
          align={mine ? 'end' : 'start'}
          actions={actions}
          myReaction={myReaction}
          canReact={live}
          onReact={(emoji) => {
            closeMenu();
            onAction('react', m, emoji);
          }}
          onAction={(a) => {
            // Focus goes back to the message first, so that a dialog opened by the action
            // returns it there when it closes.
            closeMenu();
            onAction(a, m);
          }}
          onClose={closeMenu}
        />
      )}
    </div>
  );
}

export const MessageBubble = memo(MessageBubbleImpl);

/** Shown for an end-to-end encrypted reaction this device cannot decrypt (yet). */
export const WAITING_REACTION = '🕓';

function groupReactions(reactions: ClientMessage['reactions'], myId: string): { emoji: string; count: number; mine: boolean }[] {
  const groups = new Map<string, { emoji: string; count: number; mine: boolean }>();
  for (const r of reactions) {
    const emoji = r.emoji ?? WAITING_REACTION;
    const g = groups.get(emoji) ?? { emoji, count: 0, mine: false };
    g.count++;
    if (r.accountId === myId) g.mine = true;
    groups.set(emoji, g);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

/** A quoted message: its author and a one-line preview; a click goes to it. */
export function Quote({ m, chat, myId, onClick, className = '' }: { m: ClientMessage | undefined; chat: Chat | undefined; myId: string; onClick?: (() => void) | undefined; className?: string }) {
  const { t } = useI18n();
  const name = m ? senderName(t, m, chat, myId) : '';
  const text = m ? previewOf(t, m) : t('chat.originalMessage');
  const c = (m?.content ?? {}) as Record<string, unknown>;
  const thumb = m && !m.deletedAt && (m.kind === 'image' || m.kind === 'video') ? thumbnailSrc(c.thumbnail) : undefined;
  const body = (
    <>
      <span className="quote-text">
        {name && <strong className="quote-author">{name}</strong>}
        <span className="quote-preview">{text}</span>
      </span>
      {thumb && <img className="quote-thumb" src={thumb} alt="" aria-hidden="true" />}
    </>
  );
  const mineClass = m && m.senderId === myId ? ' mine' : '';
  return onClick ? (
    <button type="button" className={`quote${mineClass} ${className}`} onClick={onClick}>
      {body}
    </button>
  ) : (
    <div className={`quote${mineClass} ${className}`}>{body}</div>
  );
}
