/**
 * The composer's attachments: the attach menu, the preview of a photo, video or document with its
 * caption, sending a location, and sending a contact card.
 */
import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent as ReactKeyboardEvent, type ReactNode } from 'react';
import type { Contact } from '#contracts/models.js';
import { useI18n } from '../../i18n/index.js';
import { store, useStore } from '../../lib/store.js';
import { Dialog } from '../../ui/dialog.js';
import { ContactIcon, DocumentIcon, ImageIcon, LocationIcon } from '../../ui/icons.js';
import { initials } from '../../ui/avatar.js';
import { formatSize } from './media.js';

export type AttachChoice = 'media' | 'document' | 'location' | 'contact' | 'catalog';

/** The attach menu, a small popover above the attach button. */
export function AttachMenu({ onPick, onClose }: { onPick(c: AttachChoice): void; onClose(): void }) {
  const { t } = useI18n();
  const ref = useRef<HTMLUListElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[role=menuitem]')?.focus();
    const onDown = (e: MouseEvent) => {
      const target = e.target as HTMLElement;
      if (ref.current && !ref.current.contains(target) && !target.closest('.attach-btn')) onClose();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onClose();
      }
    };
    document.addEventListener('mousedown', onDown, true);
    window.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown, true);
      window.removeEventListener('keydown', onKey);
    };
  }, [onClose]);
  const items: { id: AttachChoice; label: string; icon: ReactNode }[] = [
    { id: 'media', label: t('composer.photo'), icon: <ImageIcon /> },
    { id: 'document', label: t('composer.document'), icon: <DocumentIcon /> },
    { id: 'location', label: t('composer.location'), icon: <LocationIcon /> },
    { id: 'contact', label: t('composer.contact'), icon: <ContactIcon /> },
  ];
  // A business shares its catalog or a product (features/commerce).
  const isBusiness = useStore((s) => s.me?.kind === 'business');
  if (isBusiness) items.push({ id: 'catalog', label: t('commerce.attachCatalog'), icon: <span aria-hidden="true">🛍️</span> });
  const onKeyDown = (e: ReactKeyboardEvent) => {
    const all = [...(ref.current?.querySelectorAll<HTMLElement>('[role=menuitem]') ?? [])];
    const i = all.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      all[(i + (e.key === 'ArrowDown' ? 1 : -1) + all.length) % all.length]?.focus();
    }
  };
  return (
    <ul className="composer-popover attach-menu" role="menu" aria-label={t('composer.attach')} ref={ref} onKeyDown={onKeyDown}>
      {items.map((item) => (
        <li role="none" key={item.id}>
          <button type="button" role="menuitem" className={`attach-item attach-${item.id}`} onClick={() => onPick(item.id)}>
            <span className="attach-icon" aria-hidden="true">
              {item.icon}
            </span>
            {item.label}
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Preview of a chosen file with a caption; Enter sends. */
export function FilePreviewDialog({ file, kind, onSend, onClose }: { file: File; kind: 'image' | 'video' | 'document'; onSend(caption: string): void; onClose(): void }) {
  const { t, locale } = useI18n();
  const [caption, setCaption] = useState('');
  const url = useMemo(() => (kind === 'document' ? null : URL.createObjectURL(file)), [file, kind]);
  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    onSend(caption.trim());
  };
  return (
    <Dialog title={kind === 'document' ? t('composer.documentTitle') : t('composer.previewTitle')} onClose={onClose}>
      <form className="file-preview" onSubmit={submit}>
        {kind === 'image' && url && <img src={url} alt={file.name} className="file-preview-media" />}
        {kind === 'video' && url && <video src={url} className="file-preview-media" controls muted playsInline aria-label={file.name} />}
        {kind === 'document' && (
          <div className="document file-preview-doc">
            <span className="document-icon" aria-hidden="true">
              <DocumentIcon />
            </span>
            <span className="document-text">
              <span className="document-name">{file.name}</span>
              <span className="document-details">{formatSize(file.size, locale)}</span>
            </span>
          </div>
        )}
        <input className="input" autoFocus value={caption} maxLength={1024} placeholder={t('composer.caption')} aria-label={t('composer.caption')} onChange={(e) => setCaption(e.target.value)} />
        <div className="dialog-actions">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn">
            {t('composer.sendMedia')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export interface LocationValue {
  latitude: number;
  longitude: number;
  name?: string;
}

/** Send a location: the device's position when the browser gives it, else typed coordinates. */
export function LocationDialog({ onSend, onClose }: { onSend(v: LocationValue): void; onClose(): void }) {
  const { t } = useI18n();
  const [lat, setLat] = useState('');
  const [lon, setLon] = useState('');
  const [name, setName] = useState('');
  const [state, setState] = useState<'locating' | 'found' | 'manual'>(() => (typeof navigator !== 'undefined' && navigator.geolocation ? 'locating' : 'manual'));
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!navigator.geolocation) return;
    let live = true;
    navigator.geolocation.getCurrentPosition(
      (p) => {
        if (!live) return;
        setLat(p.coords.latitude.toFixed(6));
        setLon(p.coords.longitude.toFixed(6));
        setState('found');
      },
      () => live && setState('manual'),
      { enableHighAccuracy: true, timeout: 10_000, maximumAge: 60_000 },
    );
    return () => {
      live = false;
    };
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const latitude = Number(lat.replace(',', '.'));
    const longitude = Number(lon.replace(',', '.'));
    if (!lat.trim() || !lon.trim() || !Number.isFinite(latitude) || !Number.isFinite(longitude) || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
      setError(t('composer.invalidCoordinates'));
      return;
    }
    onSend({ latitude, longitude, ...(name.trim() ? { name: name.trim().slice(0, 256) } : {}) });
  };

  return (
    <Dialog title={t('composer.locationTitle')} onClose={onClose}>
      <form className="dialog-form" onSubmit={submit} noValidate>
        {state === 'locating' && (
          <p className="muted" role="status">
            {t('composer.locating')}
          </p>
        )}
        {state === 'manual' && (
          <p className="muted" role="status">
            {t('composer.locationUnavailable')}
          </p>
        )}
        <div className="field-row">
          <div className="field">
            <label htmlFor="loc-lat">{t('composer.latitude')}</label>
            <input id="loc-lat" className="input" inputMode="decimal" value={lat} onChange={(e) => setLat(e.target.value)} placeholder="48.8584" />
          </div>
          <div className="field">
            <label htmlFor="loc-lon">{t('composer.longitude')}</label>
            <input id="loc-lon" className="input" inputMode="decimal" value={lon} onChange={(e) => setLon(e.target.value)} placeholder="2.2945" />
          </div>
        </div>
        <div className="field">
          <label htmlFor="loc-name">{t('composer.placeName')}</label>
          <input id="loc-name" className="input" value={name} maxLength={256} onChange={(e) => setName(e.target.value)} />
        </div>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn">
            {t('composer.sendMedia')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export interface ContactValue {
  name: string;
  phone: string;
}

/** Send a contact card: one of the saved contacts, or a typed name and number. */
export function ContactDialog({ onSend, onClose }: { onSend(v: ContactValue): void; onClose(): void }) {
  const { t } = useI18n();
  const [contacts, setContacts] = useState<Contact[] | null>(null);
  const [query, setQuery] = useState('');
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    store.api.contacts().then(
      (r) => live && setContacts(r.contacts),
      () => live && setContacts([]),
    );
    return () => {
      live = false;
    };
  }, []);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (contacts ?? []).filter((c) => !q || c.name.toLowerCase().includes(q) || c.phone.includes(q.replace(/\s/g, ''))).sort((a, b) => a.name.localeCompare(b.name));
  }, [contacts, query]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const number = phone.trim();
    if (!name.trim() || !/^\+?[\d\s().-]{3,31}$/.test(number)) {
      setError(t('error.PHONE_INVALID'));
      return;
    }
    onSend({ name: name.trim().slice(0, 256), phone: number });
  };

  return (
    <Dialog title={t('composer.contactTitle')} onClose={onClose}>
      {contacts === null ? (
        <p className="muted">{t('common.loading')}</p>
      ) : contacts.length === 0 ? (
        <p className="muted">{t('composer.noContacts')}</p>
      ) : (
        <>
          <input className="input" type="search" value={query} placeholder={t('composer.contactSearch')} aria-label={t('composer.contactSearch')} onChange={(e) => setQuery(e.target.value)} />
          <ul className="pick-list">
            {shown.map((c) => (
              <li key={c.phone}>
                <button type="button" className="pick-item" onClick={() => onSend({ name: c.name, phone: c.phone })}>
                  <span className="avatar" style={{ width: 36, height: 36, fontSize: 14, background: 'var(--brand)' }} aria-hidden="true">
                    {initials(c.name)}
                  </span>
                  <span className="pick-name">
                    {c.name}
                    <span className="pick-sub">{c.phone}</span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <form className="dialog-form" onSubmit={submit} noValidate>
        <p className="muted" style={{ margin: 0 }}>
          {t('composer.orTypeContact')}
        </p>
        <div className="field">
          <label htmlFor="card-name">{t('composer.contactName')}</label>
          <input id="card-name" className="input" value={name} maxLength={256} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="card-phone">{t('composer.contactPhone')}</label>
          <input id="card-phone" className="input" type="tel" value={phone} maxLength={32} onChange={(e) => setPhone(e.target.value)} placeholder="+33 6 12 34 56 78" />
        </div>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn" disabled={!name.trim() || !phone.trim()}>
            {t('composer.sendMedia')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
