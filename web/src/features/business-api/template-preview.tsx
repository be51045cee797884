/**
 * The live preview of a template draft: the customer's bubble, drawn by the same components as a
 * template message in a chat (message-kinds.tsx), with the samples filled in. The preview is the
 * business's own message, so its reply buttons cannot be tapped.
 */
import type { TemplateContent } from '#contracts/content.js';
import { useI18n } from '../../i18n/index.js';
import type { ClientMessage } from '../../lib/store.js';
import { ApiMessageButtons, ApiMessageContent } from './message-kinds.js';

const PREVIEW_SENDER = 'preview-business';

export function TemplatePreview({ content, id }: { content: TemplateContent; id?: string }) {
  const { t, locale } = useI18n();
  const now = Date.now();
  const message: ClientMessage = {
    id: 'msg_template_preview',
    chatId: 'chat_template_preview',
    seq: 0,
    senderId: PREVIEW_SENDER,
    clientId: 'template-preview',
    kind: 'template',
    content,
    mediaId: null,
    replyTo: null,
    forwarded: false,
    createdAt: now,
    editedAt: null,
    deletedAt: null,
    reactions: [],
  };
  // No sample file is fetched for the preview: an image or video header shows a placeholder.
  const media = content.header?.type === 'image' || content.header?.type === 'video' ? content.header.type : null;
  const time = new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(now);
  return (
    <section className="tpl-preview" aria-labelledby={`${id ?? 'tpl'}-preview-title`} id={id}>
      <h4 id={`${id ?? 'tpl'}-preview-title`} className="tpl-preview-title">
        {t('tpl.preview.title')}
      </h4>
      <div className="tpl-preview-chat">
        <div className="msg-row in first" data-kind="template">
          <div className="bubble" role="article" aria-label={t('tpl.preview.label')}>
            {media && (
              <div className={`tpl-preview-media tpl-preview-${media}`} aria-hidden="true">
                {media === 'image' ? '🖼' : '🎥'}
              </div>
            )}
            {content.body ? <ApiMessageContent message={message} /> : <span className="tpl-preview-empty">{t('tpl.preview.empty')}</span>}
            <span className="bubble-meta">
              <time>{time}</time>
            </span>
            <ApiMessageButtons message={message} myId={PREVIEW_SENDER} />
          </div>
        </div>
      </div>
      <p className="panel-hint">{t('tpl.preview.help')}</p>
    </section>
  );
}
