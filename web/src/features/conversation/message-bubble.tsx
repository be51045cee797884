/**
 * One message as a bubble: content by kind, reply quote, forwarded label, edited mark, time and
 * status ticks, reactions; a tombstone once deleted for everyone.
 */
import type { Chat } from '#contracts/models.js';
import { useI18n } from '../../i18n/index.js';
import { statusOf, type ClientMessage } from '../../lib/store.js';
import { StatusTicks } from '../../ui/icons.js';
import { MessageContent } from './message-content.js';

export interface BubbleProps {
  message: ClientMessage;
  chat: Chat | undefined;
  myId: string;
  /** First of a run of messages from the same sender (gets a tail and extra space). */
  first?: boolean;
  quoted?: ClientMessage | undefined;
  onAction?: (action: 'reply' | 'react' | 'edit' | 'delete' | 'forward', m: ClientMessage) => void;
}

export function MessageBubble({ message: m, chat, myId, first, quoted }: BubbleProps) {
  const { t, time } = useI18n();
  const mine = m.senderId === myId;
  const status = mine ? statusOf(m, chat, myId) : null;
  return (
    <div className={`msg-row${mine ? ' out' : ' in'}${first ? ' first' : ''}`} data-message-id={m.id} data-client-id={m.clientId}>
      <div className="bubble" role="article" aria-label={`${mine ? t('message.you') : ''} ${time(m.createdAt)}`}>
        {m.deletedAt ? (
          <span className="bubble-deleted">🚫 {t('message.deleted')}</span>
        ) : (
          <>
            {m.forwarded && <div className="bubble-forwarded">↪ {t('message.forwarded')}</div>}
            {quoted && <Quote m={quoted} myId={myId} />}
            <MessageContent message={m} />
          </>
        )}
        <span className="bubble-meta">
          {m.editedAt && !m.deletedAt && <span>{t('message.edited')}</span>}
          <time dateTime={new Date(m.createdAt).toISOString()}>{time(m.createdAt)}</time>
          {status && !m.deletedAt && <StatusTicks status={status} label={t(`message.status.${status}`)} />}
        </span>
        {m.reactions.length > 0 && (
          <span className="reactions" aria-label={m.reactions.map((r) => r.emoji).join(' ')}>
            {[...new Set(m.reactions.map((r) => r.emoji))].join('')}
            {m.reactions.length > 1 && <span className="reaction-count">{m.reactions.length}</span>}
          </span>
        )}
      </div>
    </div>
  );
}

function Quote({ m, myId }: { m: ClientMessage; myId: string }) {
  const { t } = useI18n();
  const c = (m.content ?? {}) as Record<string, unknown>;
  const text = m.deletedAt ? t('message.deleted') : typeof c.text === 'string' ? c.text : typeof c.caption === 'string' && c.caption ? c.caption : t(`message.${m.kind === 'image' ? 'photo' : m.kind}` as 'message.photo');
  return (
    <div className="quote">
      <strong>{m.senderId === myId ? t('message.you') : ''}</strong>
      <span>{text}</span>
    </div>
  );
}
