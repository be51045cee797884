/**
 * Start a chat: pick one of one's saved contacts (those on Parley first), or type a phone number
 * (international form, or national with the country of one's own number).
 */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import type { Contact } from '#contracts/models.js';
import { useI18n } from '../../i18n/index.js';
import { store, useStore } from '../../lib/store.js';
import { navigate } from '../../lib/router.js';
import { errorMessage } from '../auth/auth-screen.js';
import { Avatar } from '../../ui/avatar.js';
import { Dialog } from '../../ui/dialog.js';
import { formatPhone } from '../contacts/peer.js';
import '../../styles/settings.css';

/** Contacts on Parley first, then the others; by name within each group (as the server sorts). */
export function sortContacts(list: Contact[], locale: string): { onParley: Contact[]; others: Contact[] } {
  const byName = (a: Contact, b: Contact) => a.name.localeCompare(b.name, locale, { sensitivity: 'base' }) || a.phone.localeCompare(b.phone);
  return {
    onParley: list.filter((c) => c.accountId).sort(byName),
    others: list.filter((c) => !c.accountId).sort(byName),
  };
}

export function NewChatDialog({ onClose }: { onClose(): void }) {
  const { t, locale } = useI18n();
  const myPhone = useStore((s) => s.me?.phone ?? '');
  const [phone, setPhone] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [contacts, setContacts] = useState<Contact[] | null>(null);
  const [contactsError, setContactsError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');

  useEffect(() => {
    let live = true;
    store.api.contacts().then(
      (r) => live && setContacts(r.contacts),
      (err: unknown) => live && setContactsError(errorMessage(t, err)),
    );
    return () => {
      live = false;
    };
  }, [t]);

  const groups = useMemo(() => {
    const q = filter.trim().toLowerCase();
    const digits = q.replace(/[\s().-]/g, '');
    const list = (contacts ?? []).filter((c) => !q || c.name.toLowerCase().includes(q) || (digits.length > 0 && /^\+?\d+$/.test(digits) && c.phone.includes(digits)));
    return sortContacts(list, locale);
  }, [contacts, filter, locale]);

  const open = async (peer: string) => {
    setBusy(true);
    setError(null);
    try {
      const chat = await store.openChatWith(peer);
      onClose();
      navigate(`/chat/${encodeURIComponent(chat.id)}`);
    } catch (err) {
      setError(errorMessage(t, err));
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const myCountry = parsePhoneNumberFromString(myPhone)?.country as CountryCode | undefined;
    const parsed = parsePhoneNumberFromString(phone, myCountry);
    if (!parsed || !parsed.isValid()) {
      setError(t('error.PHONE_INVALID'));
      return;
    }
    void open(parsed.number);
  };

  const total = contacts?.length ?? 0;
  return (
    <Dialog title={t('chats.new')} onClose={onClose}>
      <form onSubmit={submit} className="field" style={{ gap: 12 }} noValidate>
        <label htmlFor="new-chat-phone">{t('chats.newPrompt')}</label>
        <input
          id="new-chat-phone"
          className="input"
          type="tel"
          inputMode="tel"
          autoComplete="off"
          autoFocus
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
          placeholder="+33 6 12 34 56 78"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'new-chat-error' : undefined}
        />
        {error && (
          <p id="new-chat-error" className="error-text" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn" disabled={busy || !phone.trim()}>
            {t('chats.start')}
          </button>
        </div>
      </form>

      <section className="new-chat-contacts" aria-labelledby="new-chat-contacts-title">
        <h3 id="new-chat-contacts-title">{t('chats.contacts')}</h3>
        {contactsError ? (
          <p className="error-text" role="alert">
            {contactsError}
          </p>
        ) : !contacts ? (
          <p className="panel-hint">{t('common.loading')}</p>
        ) : total === 0 ? (
          <p className="panel-hint">{t('chats.noContacts')}</p>
        ) : (
          <>
            {total > 6 && (
              <input className="input" type="search" aria-label={t('chats.searchContacts')} placeholder={t('chats.searchContacts')} value={filter} onChange={(e) => setFilter(e.target.value)} />
            )}
            <div className="contact-picker">
              {groups.onParley.length === 0 && groups.others.length === 0 && <p className="panel-hint">{t('chats.noContactsMatch')}</p>}
              {groups.onParley.length > 0 && (
                <>
                  <h4 id="new-chat-on-parley">{t('chats.onParley')}</h4>
                  <ul aria-labelledby="new-chat-on-parley">
                    {groups.onParley.map((c) => (
                      <li key={c.phone}>
                        <button type="button" className="contact-pick" disabled={busy} onClick={() => void open(c.accountId ?? c.phone)}>
                          <Avatar id={c.accountId ?? c.phone} name={c.name} size={36} />
                          <span className="contact-pick-text">
                            <span className="contact-pick-name">{c.name}</span>
                            <span className="contact-pick-phone" dir="ltr">
                              {formatPhone(c.phone)}
                            </span>
                          </span>
                        </button>
                      </li>
                    ))}
                  </ul>
                </>
              )}
              {groups.others.length > 0 && (
                <>
                  <h4 id="new-chat-not-on-parley">{t('chats.notOnParley')}</h4>
                  <ul aria-labelledby="new-chat-not-on-parley">
                    {groups.others.map((c) => (
                      <li key={c.phone} className="contact-pick disabled">
                        <Avatar id={c.phone} name={c.name} size={36} />
                        <span className="contact-pick-text">
                          <span className="contact-pick-name">{c.name}</span>
                          <span className="contact-pick-phone" dir="ltr">
                            {formatPhone(c.phone)}
                          </span>
                        </span>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </div>
          </>
        )}
      </section>
    </Dialog>
  );
}
