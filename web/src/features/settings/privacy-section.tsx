/**
 * Settings → Privacy: who sees last seen, online, photo and about; read receipts. Each change is
 * saved at once (PATCH /v1/me/privacy with only that setting) and shown as chosen meanwhile; a
 * failed save puts the previous value back and says why.
 */
import { useState } from 'react';
import type { Me, Privacy, PrivacyLevel } from '#contracts/models.js';
import { useI18n } from '../../i18n/index.js';
import { store } from '../../lib/store.js';
import { errorMessage } from '../auth/auth-screen.js';
import { IDLE, InlineStatus, PanelSection, type Status } from '../contacts/side-panel.js';

const LEVELS: readonly PrivacyLevel[] = ['everyone', 'contacts', 'nobody'];
const LEVEL_KEY = { everyone: 'settings.everyone', contacts: 'settings.contacts', nobody: 'settings.nobody' } as const;

export function PrivacySection({ me }: { me: Me }) {
  const { t } = useI18n();
  const [pending, setPending] = useState<Partial<Privacy>>({});
  const [status, setStatus] = useState<Status>(IDLE);
  const privacy: Privacy = { ...me.privacy, ...pending };

  const change = async (patch: Partial<Privacy>) => {
    setPending((p) => ({ ...p, ...patch }));
    setStatus({ kind: 'busy', text: t('settings.saving') });
    const drop = (p: Partial<Privacy>) => Object.fromEntries(Object.entries(p).filter(([k]) => !(k in patch))) as Partial<Privacy>;
    try {
      const next = await store.api.updatePrivacy(patch);
      store.setMe(next);
      setPending(drop);
      setStatus({ kind: 'ok', text: t('settings.saved') });
    } catch (err) {
      setPending(drop);
      setStatus({ kind: 'error', text: errorMessage(t, err) });
    }
  };

  const levelSelect = (id: string, label: string, key: 'lastSeen' | 'photo' | 'about') => (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} className="input" value={privacy[key]} onChange={(e) => void change({ [key]: e.target.value as PrivacyLevel })}>
        {LEVELS.map((l) => (
          <option key={l} value={l}>
            {t(LEVEL_KEY[l])}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <PanelSection id="settings-privacy" title={t('settings.privacy')}>
      <p className="panel-hint">{t('settings.privacyHelp')}</p>
      <fieldset className="settings-fieldset">
        <legend>{t('settings.lastSeen')}</legend>
        {levelSelect('privacy-last-seen', t('settings.lastSeenWho'), 'lastSeen')}
        <div className="field">
          <label htmlFor="privacy-online">{t('settings.onlineWho')}</label>
          <select id="privacy-online" className="input" value={privacy.online} onChange={(e) => void change({ online: e.target.value as Privacy['online'] })}>
            <option value="same_as_last_seen">{t('settings.onlineSame')}</option>
            <option value="everyone">{t('settings.everyone')}</option>
          </select>
        </div>
      </fieldset>
      {levelSelect('privacy-photo', t('settings.photoWho'), 'photo')}
      {levelSelect('privacy-about', t('settings.aboutWho'), 'about')}
      <div className="switch-row">
        <input
          id="privacy-read-receipts"
          type="checkbox"
          role="switch"
          className="toggle-switch"
          checked={privacy.readReceipts}
          onChange={(e) => void change({ readReceipts: e.target.checked })}
          aria-describedby="privacy-read-receipts-help"
        />
        <div>
          <label htmlFor="privacy-read-receipts">{t('settings.readReceipts')}</label>
          <p id="privacy-read-receipts-help" className="panel-hint">
            {t('settings.readReceiptsHelp')}
          </p>
        </div>
      </div>
      <InlineStatus state={status} />
    </PanelSection>
  );
}
