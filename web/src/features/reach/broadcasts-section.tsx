/**
 * Business tools → Broadcast lists: lists of up to 256 recipients (picked from contacts or typed
 * as numbers); a text broadcast goes out as separate 1:1 messages to the recipients who saved the
 * business's number, and the result lists who was reached and who was not (with why).
 */
import { useCallback, useEffect, useMemo, useState, type FormEvent, type KeyboardEvent } from 'react';
import { getCountries, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import type { Contact } from '#contracts/models.js';
import { BROADCAST_LIST_MAX_RECIPIENTS, BROADCAST_LIST_NAME_MAX, type Broadcast, type BroadcastList } from '#contracts/reach.js';
import { useI18n } from '../../i18n/index.js';
import { newClientId, store, useStore } from '../../lib/store.js';
import { errorMessage } from '../auth/auth-screen.js';
import { ConfirmDialog } from '../contacts/confirm-dialog.js';
import { formatPhone } from '../contacts/peer.js';
import { IDLE, InlineStatus, PanelSection, type Status } from '../contacts/side-panel.js';
import { reachApi } from './reach-api.js';
import '../../styles/reach.css';

type View = { kind: 'lists' } | { kind: 'edit'; list: BroadcastList | null } | { kind: 'list'; id: string };

function defaultCountry(): CountryCode {
  const region = (navigator.language.split('-')[1] ?? '').toUpperCase();
  return (getCountries() as string[]).includes(region) ? (region as CountryCode) : 'FR';
}

export function BroadcastsSection() {
  const { t } = useI18n();
  const version = useStore((s) => s.businessVersions['broadcasts'] ?? 0);
  const [lists, setLists] = useState<BroadcastList[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [view, setView] = useState<View>({ kind: 'lists' });

  useEffect(() => {
    let live = true;
    reachApi.lists().then(
      (r) => live && setLists(r.lists),
      (err) => live && setError(errorMessage(t, err)),
    );
    return () => {
      live = false;
    };
  }, [version, t]);

  const upsert = (l: BroadcastList) => setLists((cur) => (cur ? (cur.some((x) => x.id === l.id) ? cur.map((x) => (x.id === l.id ? l : x)) : [...cur, l]) : [l]));

  if (error) return <p className="error-text" role="alert">{error}</p>;
  if (!lists) return <p className="panel-hint" role="status">{t('common.loading')}</p>;

  if (view.kind === 'edit')
    return (
      <ListEditor
        list={view.list}
        onCancel={() => setView(view.list ? { kind: 'list', id: view.list.id } : { kind: 'lists' })}
        onSaved={(l) => {
          upsert(l);
          setView({ kind: 'list', id: l.id });
        }}
      />
    );

  const current = view.kind === 'list' ? lists.find((l) => l.id === view.id) : undefined;
  if (current)
    return (
      <ListDetail
        list={current}
        onBack={() => setView({ kind: 'lists' })}
        onEdit={() => setView({ kind: 'edit', list: current })}
        onDeleted={() => {
          setLists((cur) => cur?.filter((x) => x.id !== current.id) ?? null);
          setView({ kind: 'lists' });
        }}
      />
    );

  return (
    <PanelSection id="reach-lists" title={t('reach.lists.title')}>
      <p className="panel-hint">{t('reach.lists.help', { max: BROADCAST_LIST_MAX_RECIPIENTS })}</p>
      {lists.length === 0 ? (
        <p className="panel-hint">{t('reach.lists.none')}</p>
      ) : (
        <ul className="settings-list">
          {lists.map((l) => (
            <li key={l.id} className="settings-list-item">
              <button type="button" className="list-button reach-list-open" onClick={() => setView({ kind: 'list', id: l.id })}>
                <span className="settings-list-text">
                  <span className="settings-list-title">{l.name}</span>
                  <span className="settings-list-sub">{t('reach.lists.recipients', { count: l.recipients.length })}</span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div>
        <button type="button" className="btn" onClick={() => setView({ kind: 'edit', list: null })}>
          {t('reach.lists.new')}
        </button>
      </div>
    </PanelSection>
  );
}

function ListEditor({ list, onCancel, onSaved }: { list: BroadcastList | null; onCancel(): void; onSaved(l: BroadcastList): void }) {
  const { t, locale } = useI18n();
  const [name, setName] = useState(list?.name ?? '');
  const [phones, setPhones] = useState<string[]>(list?.recipients.map((r) => r.phone) ?? []);
  const [number, setNumber] = useState('');
  const [numberError, setNumberError] = useState<string | null>(null);
  const [contacts, setContacts] = useState<Contact[] | null>(null);
  const [status, setStatus] = useState<Status>(IDLE);
  const names = useMemo(() => new Map(list?.recipients.map((r) => [r.phone, r.name]) ?? []), [list]);

  useEffect(() => {
    let live = true;
    store.api.contacts().then(
      (r) => live && setContacts([...r.contacts].sort((a, b) => a.name.localeCompare(b.name, locale))),
      () => live && setContacts([]),
    );
    return () => {
      live = false;
    };
  }, [locale]);

  const toggle = (phone: string, on: boolean) => setPhones((cur) => (on ? (cur.includes(phone) ? cur : [...cur, phone]) : cur.filter((p) => p !== phone)));

  const addNumber = () => {
    const parsed = parsePhoneNumberFromString(number, defaultCountry());
    if (!parsed || !parsed.isValid()) return setNumberError(t('error.PHONE_INVALID'));
    setNumberError(null);
    toggle(parsed.number, true);
    setNumber('');
  };
  const onNumberKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      addNumber();
    }
  };

  const over = phones.length > BROADCAST_LIST_MAX_RECIPIENTS;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (status.kind === 'busy' || over) return;
    setStatus({ kind: 'busy', text: t('reach.saving') });
    try {
      onSaved(list ? await reachApi.updateList(list.id, { name, phones }) : await reachApi.createList(name, phones));
    } catch (err) {
      setStatus({ kind: 'error', text: errorMessage(t, err) });
    }
  };
  const contactName = (phone: string) => contacts?.find((c) => c.phone === phone)?.name ?? names.get(phone) ?? null;

  return (
    <PanelSection id="reach-list-edit" title={list ? t('reach.lists.edit') : t('reach.lists.new')}>
      <form className="settings-form" onSubmit={(e) => void save(e)} noValidate>
        <div className="field">
          <label htmlFor="reach-list-name">{t('reach.lists.name')}</label>
          <input id="reach-list-name" className="input" type="text" maxLength={BROADCAST_LIST_NAME_MAX} value={name} onChange={(e) => setName(e.target.value)} autoFocus />
        </div>
        <fieldset className="settings-fieldset">
          <legend>{t('reach.lists.fromContacts')}</legend>
          {contacts === null ? (
            <p className="panel-hint">{t('common.loading')}</p>
          ) : contacts.length === 0 ? (
            <p className="panel-hint">{t('reach.lists.noContacts')}</p>
          ) : (
            <ul className="reach-checklist">
              {contacts.map((c) => (
                <li key={c.phone}>
                  <label className="reach-check">
                    <input type="checkbox" checked={phones.includes(c.phone)} onChange={(e) => toggle(c.phone, e.target.checked)} />
                    <span>
                      {c.name} <span className="settings-list-sub">{formatPhone(c.phone)}</span>
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        <div className="field">
          <label htmlFor="reach-list-number">{t('reach.lists.byNumber')}</label>
          <div className="reach-row">
            <input
              id="reach-list-number"
              className="input"
              type="tel"
              inputMode="tel"
              placeholder="+33 6 12 34 56 78"
              value={number}
              onChange={(e) => setNumber(e.target.value)}
              onKeyDown={onNumberKey}
              aria-invalid={numberError ? true : undefined}
              aria-describedby={numberError ? 'reach-list-number-error' : undefined}
            />
            <button type="button" className="btn btn-outline" onClick={addNumber} disabled={!number.trim()}>
              {t('reach.lists.add')}
            </button>
          </div>
          {numberError && (
            <p id="reach-list-number-error" className="error-text" role="alert">
              {numberError}
            </p>
          )}
        </div>
        <div>
          <p className={over ? 'error-text' : 'panel-hint'} aria-live="polite">
            {t('reach.lists.selected', { count: phones.length, max: BROADCAST_LIST_MAX_RECIPIENTS })}
          </p>
          {phones.length > 0 && (
            <ul className="reach-chips" aria-label={t('reach.lists.recipientsLabel')}>
              {phones.map((p) => {
                const label = contactName(p) ?? formatPhone(p);
                return (
                  <li key={p} className="reach-chip">
                    <span>{label}</span>
                    <button type="button" className="icon-btn reach-chip-remove" onClick={() => toggle(p, false)} aria-label={t('reach.lists.remove', { name: label })}>
                      ×
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
        <div className="form-actions">
          <InlineStatus state={status} />
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn" disabled={status.kind === 'busy' || over || !name.trim()}>
            {t('reach.save')}
          </button>
        </div>
      </form>
    </PanelSection>
  );
}

function ListDetail({ list, onBack, onEdit, onDeleted }: { list: BroadcastList; onBack(): void; onEdit(): void; onDeleted(): void }) {
  const { t, relative } = useI18n();
  const [text, setText] = useState('');
  const [status, setStatus] = useState<Status>(IDLE);
  const [result, setResult] = useState<Broadcast | null>(null);
  const [history, setHistory] = useState<Broadcast[] | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const cancelDelete = useCallback(() => setConfirmDelete(false), []);
  // One idempotency key per message typed: pressing Send again after a lost answer sends nothing twice.
  const [clientId, setClientId] = useState(newClientId);
  const version = useStore((s) => s.businessVersions['broadcasts'] ?? 0);

  useEffect(() => {
    let live = true;
    reachApi.broadcasts(list.id).then(
      (r) => live && setHistory(r.broadcasts),
      () => live && setHistory([]),
    );
    return () => {
      live = false;
    };
  }, [list.id, version]);

  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim() || status.kind === 'busy') return;
    setStatus({ kind: 'busy', text: t('reach.broadcast.sending') });
    try {
      const b = await reachApi.sendBroadcast(list.id, clientId, text.trim());
      setResult(b);
      setText('');
      setClientId(newClientId());
      setHistory((h) => [b, ...(h ?? []).filter((x) => x.id !== b.id)]);
      setStatus({ kind: 'ok', text: t('reach.broadcast.sent', { reached: b.reachedCount, total: b.results.length }) });
    } catch (err) {
      setStatus({ kind: 'error', text: errorMessage(t, err) });
    }
  };

  return (
    <>
      <PanelSection id="reach-list" title={list.name}>
        <p className="panel-hint">{t('reach.lists.recipients', { count: list.recipients.length })}</p>
        {list.recipients.length > 0 && (
          <ul className="settings-list">
            {list.recipients.map((r) => (
              <li key={r.phone} className="settings-list-item">
                <span className="settings-list-text">
                  <span className="settings-list-title">{r.name ?? formatPhone(r.phone)}</span>
                  <span className="settings-list-sub">{r.accountId ? formatPhone(r.phone) : t('reach.lists.notOnParley', { phone: formatPhone(r.phone) })}</span>
                </span>
              </li>
            ))}
          </ul>
        )}
        <div className="reach-row">
          <button type="button" className="btn btn-outline" onClick={onBack}>
            {t('reach.lists.allLists')}
          </button>
          <button type="button" className="btn btn-outline" onClick={onEdit}>
            {t('reach.lists.edit')}
          </button>
          <button type="button" className="btn btn-outline danger-text" onClick={() => setConfirmDelete(true)}>
            {t('reach.lists.delete')}
          </button>
        </div>
      </PanelSection>
      <PanelSection id="reach-broadcast" title={t('reach.broadcast.title')}>
        <p className="panel-hint">{t('reach.broadcast.help')}</p>
        <form className="settings-form" onSubmit={(e) => void send(e)} noValidate>
          <div className="field">
            <label htmlFor="reach-broadcast-text">{t('reach.broadcast.message')}</label>
            <textarea
              id="reach-broadcast-text"
              className="input"
              rows={3}
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                setClientId(newClientId());
              }}
            />
          </div>
          <div className="form-actions">
            <InlineStatus state={status} />
            <button type="submit" className="btn" disabled={!text.trim() || status.kind === 'busy' || list.recipients.length === 0}>
              {t('reach.broadcast.send')}
            </button>
          </div>
        </form>
        {result && <BroadcastResult broadcast={result} />}
      </PanelSection>
      <PanelSection id="reach-history" title={t('reach.broadcast.history')}>
        {history === null ? (
          <p className="panel-hint">{t('common.loading')}</p>
        ) : history.length === 0 ? (
          <p className="panel-hint">{t('reach.broadcast.noHistory')}</p>
        ) : (
          <ul className="settings-list">
            {history.map((b) => (
              <li key={b.id} className="settings-list-item">
                <details className="reach-history-item">
                  <summary>
                    <span className="settings-list-title">{typeof b.content.text === 'string' ? b.content.text : b.kind}</span>
                    <span className="settings-list-sub">
                      {relative(b.createdAt)} · {t('reach.broadcast.counts', { reached: b.reachedCount, notReached: b.notReachedCount })}
                    </span>
                  </summary>
                  <BroadcastResult broadcast={b} />
                </details>
              </li>
            ))}
          </ul>
        )}
      </PanelSection>
      {confirmDelete && (
        <ConfirmDialog
          title={t('reach.lists.deleteTitle')}
          message={t('reach.lists.deleteConfirm', { name: list.name })}
          confirmLabel={t('reach.lists.delete')}
          danger
          onCancel={cancelDelete}
          onConfirm={async () => {
            await reachApi.deleteList(list.id);
            setConfirmDelete(false);
            onDeleted();
          }}
        />
      )}
    </>
  );
}

function BroadcastResult({ broadcast }: { broadcast: Broadcast }) {
  const { t } = useI18n();
  const reached = broadcast.results.filter((r) => r.reached);
  const notReached = broadcast.results.filter((r) => !r.reached);
  return (
    <div className="reach-result">
      <h4>{t('reach.broadcast.reached', { count: reached.length })}</h4>
      {reached.length > 0 && (
        <ul className="reach-result-list">
          {reached.map((r) => (
            <li key={r.phone}>{formatPhone(r.phone)}</li>
          ))}
        </ul>
      )}
      <h4>{t('reach.broadcast.notReached', { count: notReached.length })}</h4>
      {notReached.length > 0 && (
        <ul className="reach-result-list">
          {notReached.map((r) => (
            <li key={r.phone}>
              {formatPhone(r.phone)} — {t(`reach.reason.${r.reason ?? 'not_in_contacts'}`)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
