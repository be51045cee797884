/** Start a chat by phone number (international form, or national with the country of one's own number). */
import { useState, type FormEvent } from 'react';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import { useI18n } from '../../i18n/index.js';
import { store, useStore } from '../../lib/store.js';
import { navigate } from '../../lib/router.js';
import { errorMessage } from '../auth/auth-screen.js';
import { Dialog } from '../../ui/dialog.js';

export function NewChatDialog({ onClose }: { onClose(): void }) {
  const { t } = useI18n();
  const myPhone = useStore((s) => s.me?.phone ?? '');
  const [phone, setPhone] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const myCountry = parsePhoneNumberFromString(myPhone)?.country as CountryCode | undefined;
    const parsed = parsePhoneNumberFromString(phone, myCountry);
    if (!parsed || !parsed.isValid()) {
      setError(t('error.PHONE_INVALID'));
      return;
    }
    setBusy(true);
    try {
      const chat = await store.openChatWith(parsed.number);
      onClose();
      navigate(`/chat/${encodeURIComponent(chat.id)}`);
    } catch (err) {
      setError(errorMessage(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={t('chats.new')} onClose={onClose}>
      <form onSubmit={submit} className="field" style={{ gap: 12 }} noValidate>
        <label htmlFor="new-chat-phone">{t('chats.newPrompt')}</label>
        <input id="new-chat-phone" className="input" type="tel" autoFocus value={phone} onChange={(e) => setPhone(e.target.value)} placeholder="+33 6 12 34 56 78" />
        {error && <p className="error-text" role="alert">{error}</p>}
        <div className="dialog-actions">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn" disabled={busy || !phone.trim()}>
            {t('chats.start')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
