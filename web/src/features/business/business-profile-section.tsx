/**
 * The "Business profile" section of the business panel: an editor for every field of the profile
 * (name, category, description, about, address and map location, time zone, hours per weekday,
 * email, websites, photo). Saves everything at once; the server checks each field and refuses the
 * whole change with a clear message when one is wrong. Reloads when another device changes it.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { WEEKDAYS, type BusinessHours, type BusinessProfile, type DayHours, type Weekday } from '#contracts/business.js';
import { BUSINESS_LIMITS } from '#contracts/business-profile.js';
import { useI18n } from '../../i18n/index.js';
import type { MessageKey } from '../../i18n/en.js';
import { store, useStore } from '../../lib/store.js';
import { errorMessage } from '../auth/auth-screen.js';
import { IDLE, InlineStatus, type Status } from '../contacts/side-panel.js';
import { businessApi } from './business-api.js';
import { categoryOptions } from './verified-badge.js';

type Mode = DayHours['mode'];
const MODES: Mode[] = ['open', 'open24', 'closed', 'appointment'];

export function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

interface Draft {
  name: string;
  category: string;
  description: string;
  about: string;
  address: string;
  latitude: string;
  longitude: string;
  timezone: string;
  hours: BusinessHours;
  email: string;
  website1: string;
  website2: string;
  photoMediaId: string | null;
}

function toDraft(p: BusinessProfile): Draft {
  return {
    name: p.name,
    category: p.category,
    description: p.description,
    about: p.about,
    address: p.address,
    latitude: p.location ? String(p.location.latitude) : '',
    longitude: p.location ? String(p.location.longitude) : '',
    timezone: p.timezone,
    hours: p.hours,
    email: p.email,
    website1: p.websites[0] ?? '',
    website2: p.websites[1] ?? '',
    photoMediaId: p.photoMediaId,
  };
}

function Counter({ value, max }: { value: string; max: number }) {
  const { t } = useI18n();
  return (
    <span className="biz-counter" aria-hidden="true">
      {t('business.chars', { count: [...value].length, max })}
    </span>
  );
}

function DayEditor({ day, value, onChange }: { day: Weekday; value: DayHours | undefined; onChange(v: DayHours): void }) {
  const { t } = useI18n();
  const id = useId();
  const mode: Mode = value?.mode ?? 'closed';
  const ranges = value?.mode === 'open' ? value.ranges : [];
  const dayName = t(`business.day.${day}` as MessageKey);
  const setRange = (i: number, key: 'open' | 'close', v: string) => onChange({ mode: 'open', ranges: ranges.map((r, j) => (j === i ? { ...r, [key]: v } : r)) });
  return (
    <div className="biz-day" role="group" aria-labelledby={`${id}-day`}>
      <div className="biz-day-head">
        <span id={`${id}-day`}>{dayName}</span>
        <select
          className="input"
          aria-label={t('business.dayMode', { day: dayName })}
          value={mode}
          onChange={(e) => {
            const m = e.target.value as Mode;
            onChange(m === 'open' ? { mode: 'open', ranges: ranges.length ? ranges : [{ open: '09:00', close: '18:00' }] } : { mode: m });
          }}
        >
          {MODES.map((m) => (
            <option key={m} value={m}>
              {t(`business.mode.${m}` as MessageKey)}
            </option>
          ))}
        </select>
      </div>
      {mode === 'open' &&
        ranges.map((r, i) => (
          <div className="biz-range" key={i}>
            <div className="field">
              <label htmlFor={`${id}-open-${i}`}>{t('business.opens')}</label>
              <input id={`${id}-open-${i}`} className="input" type="time" value={r.open} onChange={(e) => setRange(i, 'open', e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-close-${i}`}>{t('business.closes')}</label>
              <input id={`${id}-close-${i}`} className="input" type="time" value={r.close === '24:00' ? '23:59' : r.close} onChange={(e) => setRange(i, 'close', e.target.value)} />
            </div>
            {ranges.length > 1 && (
              <button type="button" className="btn btn-ghost btn-small" onClick={() => onChange({ mode: 'open', ranges: ranges.filter((_, j) => j !== i) })}>
                {t('business.removeRange')}
              </button>
            )}
          </div>
        ))}
      {mode === 'open' && ranges.length < BUSINESS_LIMITS.rangesPerDay && (
        <button
          type="button"
          className="btn btn-ghost btn-small"
          style={{ alignSelf: 'flex-start' }}
          onClick={() => onChange({ mode: 'open', ranges: [...ranges, { open: ranges.at(-1)?.close ?? '09:00', close: '23:00' }] })}
        >
          {t('business.addRange')}
        </button>
      )}
    </div>
  );
}

export function BusinessProfileSection() {
  const { t, locale } = useI18n();
  const version = useStore((s) => s.businessVersions['profile'] ?? 0);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [status, setStatus] = useState<Status>(IDLE);
  const [busy, setBusy] = useState(false);
  const dirty = useRef(false);
  const fileRef = useRef<HTMLInputElement>(null);
  const id = useId();
  const zones = useMemo(timeZones, []);
  const categories = useMemo(() => categoryOptions(t, locale), [t, locale]);

  const load = useCallback(async () => {
    try {
      const p = await businessApi().profile();
      if (!dirty.current) setDraft(toDraft(p));
    } catch (err) {
      setStatus({ kind: 'error', text: errorMessage(t, err) });
    }
  }, [t]);

  useEffect(() => {
    void load();
  }, [load, version]);

  if (!draft) return <p className="panel-hint" style={{ padding: 16 }}>{t('common.loading')}</p>;

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    dirty.current = true;
    setDraft((d) => (d ? { ...d, [key]: value } : d));
  };

  const onSave = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setStatus({ kind: 'busy', text: t('settings.saving') });
    const lat = draft.latitude.trim();
    const lon = draft.longitude.trim();
    try {
      const saved = await businessApi().updateProfile({
        name: draft.name,
        category: draft.category,
        description: draft.description,
        about: draft.about,
        address: draft.address,
        location: lat === '' && lon === '' ? null : { latitude: Number(lat.replace(',', '.')), longitude: Number(lon.replace(',', '.')) },
        timezone: draft.timezone,
        hours: draft.hours,
        email: draft.email,
        websites: [draft.website1, draft.website2].map((w) => w.trim()).filter(Boolean),
        photoMediaId: draft.photoMediaId,
      });
      dirty.current = false;
      setDraft(toDraft(saved));
      setStatus({ kind: 'ok', text: t('business.saved') });
      void store.api.me().then((me) => store.setMe(me), () => undefined);
    } catch (err) {
      setStatus({ kind: 'error', text: errorMessage(t, err) });
    } finally {
      setBusy(false);
    }
  };

  const onPhoto = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    try {
      const media = await store.api.uploadMedia(file, 'image', file.name);
      set('photoMediaId', media.id);
      setStatus(IDLE);
    } catch (err) {
      setStatus({ kind: 'error', text: errorMessage(t, err) });
    } finally {
      setBusy(false);
      if (fileRef.current) fileRef.current.value = '';
    }
  };

  const text = (key: 'name' | 'about' | 'address' | 'email', label: MessageKey, max: number, type = 'text') => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{t(label)}</label>
      <input id={`${id}-${key}`} className="input" type={type} maxLength={max} value={draft[key]} onChange={(e) => set(key, e.target.value)} />
      {key !== 'email' && <Counter value={draft[key]} max={max} />}
    </div>
  );

  return (
    <form className="biz-form" onSubmit={onSave} noValidate aria-label={t('business.profile')}>
      <div className="biz-photo">
        {draft.photoMediaId && <img src={store.api.mediaUrl(draft.photoMediaId)} alt={t('business.photo')} />}
        <input ref={fileRef} id={`${id}-photo`} type="file" accept="image/*" className="sr-only" onChange={(e) => void onPhoto(e.target.files?.[0])} />
        <button type="button" className="btn btn-outline btn-small" disabled={busy} onClick={() => fileRef.current?.click()}>
          {t('business.photoChange')}
        </button>
        {draft.photoMediaId && (
          <button type="button" className="btn btn-ghost btn-small" onClick={() => set('photoMediaId', null)}>
            {t('business.photoRemove')}
          </button>
        )}
      </div>
      {text('name', 'business.name', BUSINESS_LIMITS.name)}
      <div className="field">
        <label htmlFor={`${id}-category`}>{t('business.category')}</label>
        <select id={`${id}-category`} className="input" value={draft.category} onChange={(e) => set('category', e.target.value)}>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-description`}>{t('business.description')}</label>
        <textarea id={`${id}-description`} className="input" rows={4} maxLength={BUSINESS_LIMITS.description} value={draft.description} onChange={(e) => set('description', e.target.value)} />
        <Counter value={draft.description} max={BUSINESS_LIMITS.description} />
      </div>
      {text('about', 'business.about', BUSINESS_LIMITS.about)}
      <fieldset>
        <legend>{t('business.address')}</legend>
        <div className="field">
          <label htmlFor={`${id}-address`} className="sr-only">
            {t('business.address')}
          </label>
          <textarea id={`${id}-address`} className="input" rows={2} maxLength={BUSINESS_LIMITS.address} value={draft.address} onChange={(e) => set('address', e.target.value)} />
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-lat`}>{t('business.latitude')}</label>
            <input id={`${id}-lat`} className="input" inputMode="decimal" value={draft.latitude} onChange={(e) => set('latitude', e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-lon`}>{t('business.longitude')}</label>
            <input id={`${id}-lon`} className="input" inputMode="decimal" value={draft.longitude} onChange={(e) => set('longitude', e.target.value)} />
          </div>
        </div>
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-tz`}>{t('business.timezone')}</label>
        <select id={`${id}-tz`} className="input" value={draft.timezone} onChange={(e) => set('timezone', e.target.value)}>
          {!zones.includes(draft.timezone) && <option value={draft.timezone}>{draft.timezone}</option>}
          {zones.map((z) => (
            <option key={z} value={z}>
              {z.replace(/_/g, ' ')}
            </option>
          ))}
        </select>
      </div>
      <fieldset>
        <legend>{t('business.hours')}</legend>
        {WEEKDAYS.map((day) => (
          <DayEditor key={day} day={day} value={draft.hours[day]} onChange={(v) => set('hours', { ...draft.hours, [day]: v })} />
        ))}
      </fieldset>
      {text('email', 'business.email', BUSINESS_LIMITS.email, 'email')}
      <fieldset>
        <legend>{t('business.websites')}</legend>
        {(['website1', 'website2'] as const).map((k, i) => (
          <div className="field" key={k}>
            <label htmlFor={`${id}-${k}`}>{t('business.website', { n: i + 1 })}</label>
            <input id={`${id}-${k}`} className="input" type="url" inputMode="url" placeholder="https://" maxLength={BUSINESS_LIMITS.website} value={draft[k]} onChange={(e) => set(k, e.target.value)} />
          </div>
        ))}
      </fieldset>
      <InlineStatus state={status} />
      <button type="submit" className="btn" disabled={busy}>
        {t('business.save')}
      </button>
    </form>
  );
}
