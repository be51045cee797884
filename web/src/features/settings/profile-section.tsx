/**
 * Settings → Profile: photo (upload, remove), display name (≤ 64) and about line (≤ 139).
 * A business's name and photo are those of its business profile (the server refuses them here):
 * they are shown read-only, with a button to the Business profile section.
 */
import { useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { MEDIA_LIMITS, type Me } from '#contracts/models.js';
import { useI18n } from '../../i18n/index.js';
import { store } from '../../lib/store.js';
import { openPanel } from '../../lib/ui-state.js';
import { Avatar } from '../../ui/avatar.js';
import { errorMessage } from '../auth/auth-screen.js';
import { IDLE, InlineStatus, PanelSection, type Status } from '../contacts/side-panel.js';

export const DISPLAY_NAME_MAX = 64;
export const ABOUT_MAX = 139;
const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];

function Counter({ id, value, max }: { id: string; value: string; max: number }) {
  const { t } = useI18n();
  return (
    <span id={id} className={`char-counter${value.length > max - 10 ? ' near' : ''}`}>
      <span aria-hidden="true">
        {value.length}/{max}
      </span>
      <span className="sr-only">{t('settings.charsLeft', { count: Math.max(0, max - value.length) })}</span>
    </span>
  );
}

/** A business's name and photo, read-only, pointing to the Business profile section. */
function BusinessIdentity({ me }: { me: Me }) {
  const { t } = useI18n();
  return (
    <div className="profile-photo">
      <Avatar id={me.id} name={me.displayName || me.phone} mediaId={me.photoMediaId} size={112} />
      <div className="profile-photo-actions">
        <p className="settings-business-name">
          <span className="sr-only">{t('settings.name')}: </span>
          {me.displayName}
        </p>
        <p id="settings-business-identity" className="panel-hint">
          {t('business.identityFromProfile')}
        </p>
        <button type="button" className="btn btn-outline" aria-describedby="settings-business-identity" onClick={() => openPanel({ kind: 'business', section: 'profile' })}>
          {t('business.editProfile')}
        </button>
      </div>
    </div>
  );
}

export function ProfileSection({ me }: { me: Me }) {
  const { t } = useI18n();
  const isBusiness = me.kind === 'business';
  const [name, setName] = useState(me.displayName);
  const [about, setAbout] = useState(me.about);
  // The profile the fields started from. When it changes under the form (the server's copy arrives
  // after a reload, or another device saved), the fields the person has not edited follow it.
  const [base, setBase] = useState({ displayName: me.displayName, about: me.about });
  if (base.displayName !== me.displayName || base.about !== me.about) {
    if (name === base.displayName) setName(me.displayName);
    if (about === base.about) setAbout(me.about);
    setBase({ displayName: me.displayName, about: me.about });
  }
  const [status, setStatus] = useState<Status>(IDLE);
  const [photoStatus, setPhotoStatus] = useState<Status>(IDLE);
  const fileRef = useRef<HTMLInputElement>(null);
  const changeRef = useRef<HTMLButtonElement>(null);

  const patch: { displayName?: string; about?: string } = {};
  if (!isBusiness && name.trim() !== me.displayName) patch.displayName = name.trim();
  if (about.trim() !== me.about) patch.about = about.trim();
  const dirty = Object.keys(patch).length > 0;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!dirty || status.kind === 'busy') return;
    setStatus({ kind: 'busy', text: t('settings.saving') });
    try {
      const next = await store.api.updateMe(patch);
      store.setMe(next);
      setName(next.displayName);
      setAbout(next.about);
      setStatus({ kind: 'ok', text: t('settings.saved') });
    } catch (err) {
      setStatus({ kind: 'error', text: errorMessage(t, err) });
    }
  };

  const pickPhoto = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    if (!PHOTO_TYPES.includes(file.type)) return setPhotoStatus({ kind: 'error', text: t('settings.photoNotImage') });
    if (file.size > MEDIA_LIMITS.image) return setPhotoStatus({ kind: 'error', text: t('settings.photoTooLarge', { size: MEDIA_LIMITS.image / 1024 / 1024 }) });
    setPhotoStatus({ kind: 'busy', text: t('settings.uploadingPhoto') });
    try {
      const media = await store.api.uploadMedia(file, 'image', file.name);
      store.setMe(await store.api.updateMe({ photoMediaId: media.id }));
      setPhotoStatus({ kind: 'ok', text: t('settings.saved') });
    } catch (err) {
      setPhotoStatus({ kind: 'error', text: errorMessage(t, err) });
    }
  };

  const removePhoto = async () => {
    setPhotoStatus({ kind: 'busy', text: t('settings.saving') });
    try {
      store.setMe(await store.api.updateMe({ photoMediaId: null }));
      setPhotoStatus({ kind: 'ok', text: t('settings.saved') });
      changeRef.current?.focus(); // the Remove button is gone
    } catch (err) {
      setPhotoStatus({ kind: 'error', text: errorMessage(t, err) });
    }
  };

  const photoBusy = photoStatus.kind === 'busy';
  return (
    <PanelSection id="settings-profile" title={t('settings.profile')}>
      {isBusiness ? (
        <BusinessIdentity me={me} />
      ) : (
        <div className="profile-photo">
          <Avatar id={me.id} name={me.displayName || me.phone} mediaId={me.photoMediaId} size={112} />
          <div className="profile-photo-actions">
            <input ref={fileRef} id="settings-photo-file" type="file" accept={PHOTO_TYPES.join(',')} className="sr-only" tabIndex={-1} aria-label={t('settings.changePhoto')} onChange={(e) => void pickPhoto(e)} />
            <button ref={changeRef} type="button" className="btn btn-outline" onClick={() => fileRef.current?.click()} disabled={photoBusy}>
              {t('settings.changePhoto')}
            </button>
            {me.photoMediaId && (
              <button type="button" className="btn btn-ghost" onClick={() => void removePhoto()} disabled={photoBusy}>
                {t('settings.removePhoto')}
              </button>
            )}
            <InlineStatus state={photoStatus} />
          </div>
        </div>
      )}
      <form className="settings-form" onSubmit={(e) => void save(e)} noValidate>
        {!isBusiness && (
          <div className="field">
            <div className="field-head">
              <label htmlFor="settings-name">{t('settings.name')}</label>
              <Counter id="settings-name-counter" value={name} max={DISPLAY_NAME_MAX} />
            </div>
            <input
              id="settings-name"
              className="input"
              type="text"
              autoComplete="name"
              maxLength={DISPLAY_NAME_MAX}
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                if (status.kind !== 'busy') setStatus(IDLE);
              }}
              aria-describedby="settings-name-help settings-name-counter"
            />
            <p id="settings-name-help" className="panel-hint">
              {t('settings.nameHelp')}
            </p>
          </div>
        )}
        <div className="field">
          <div className="field-head">
            <label htmlFor="settings-about">{t('settings.about')}</label>
            <Counter id="settings-about-counter" value={about} max={ABOUT_MAX} />
          </div>
          <input
            id="settings-about"
            className="input"
            type="text"
            maxLength={ABOUT_MAX}
            value={about}
            onChange={(e) => {
              setAbout(e.target.value);
              if (status.kind !== 'busy') setStatus(IDLE);
            }}
            aria-describedby="settings-about-counter"
          />
        </div>
        <div className="form-actions">
          <InlineStatus state={status} />
          <button type="submit" className="btn" disabled={!dirty || status.kind === 'busy'}>
            {t('settings.save')}
          </button>
        </div>
      </form>
    </PanelSection>
  );
}
