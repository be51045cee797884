/** The content of a message, by kind. */
import { useI18n } from '../../i18n/index.js';
import type { ClientMessage } from '../../lib/store.js';

export function MessageContent({ message: m }: { message: ClientMessage }) {
  const { t } = useI18n();
  const c = (m.content ?? {}) as Record<string, unknown>;
  switch (m.kind) {
    case 'text':
      return <span className="bubble-text">{String(c.text ?? '')}</span>;
    default:
      return <span className="bubble-text">{t(`message.${m.kind === 'image' ? 'photo' : m.kind}` as 'message.photo')}</span>;
  }
}
