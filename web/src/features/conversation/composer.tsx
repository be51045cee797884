/** The composer: Enter sends, Shift+Enter makes a new line; the draft is kept per chat. */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useI18n } from '../../i18n/index.js';
import { store, useStore } from '../../lib/store.js';
import { SendIcon } from '../../ui/icons.js';

export function Composer({ chatId }: { chatId: string }) {
  const { t } = useI18n();
  const draft = useStore((s) => s.drafts[chatId] ?? '');
  const [text, setText] = useState(draft);
  const area = useRef<HTMLTextAreaElement>(null);
  const lastTyping = useRef(0);

  useEffect(() => {
    setText(store.get().drafts[chatId] ?? '');
    area.current?.focus();
  }, [chatId]);

  useEffect(() => {
    const timer = setTimeout(() => store.setDraft(chatId, text), 300);
    return () => clearTimeout(timer);
  }, [chatId, text]);

  const send = () => {
    const body = text.trim();
    if (!body) return;
    void store.send(chatId, 'text', { text: body });
    setText('');
    store.setDraft(chatId, '');
    store.typing(chatId, 'paused');
    lastTyping.current = 0;
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  };

  const onChange = (value: string) => {
    setText(value);
    const now = Date.now();
    if (value && now - lastTyping.current > 3000) {
      lastTyping.current = now;
      store.typing(chatId, 'composing');
    }
  };

  return (
    <div className="composer">
      <textarea
        ref={area}
        rows={1}
        value={text}
        placeholder={t('composer.placeholder')}
        aria-label={t('composer.placeholder')}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <button className="icon-btn send-btn" onClick={send} aria-label={t('composer.send')} disabled={!text.trim()}>
        <SendIcon />
      </button>
    </div>
  );
}
