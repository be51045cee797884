/** Settings: profile, privacy, linked devices, blocked contacts, language, theme, sign out. */
import { useI18n, LOCALES, type Locale } from '../../i18n/index.js';
import { store, useStore } from '../../lib/store.js';
import { CloseIcon } from '../../ui/icons.js';

export function SettingsPanel({ onClose }: { onClose(): void }) {
  const { t, locale, setLocale } = useI18n();
  const me = useStore((s) => s.me);
  return (
    <aside className="panel settings-panel" aria-label={t('settings.title')} style={{ position: 'fixed', maxWidth: 480 }}>
      <header className="topbar">
        <button className="icon-btn" onClick={onClose} aria-label={t('settings.close')}>
          <CloseIcon />
        </button>
        <h2>{t('settings.title')}</h2>
      </header>
      <div className="panel-body">
        <p>
          {me?.displayName} {me?.phone}
        </p>
        <div className="field">
          <label htmlFor="language">{t('settings.language')}</label>
          <select id="language" className="input" value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
            {Object.entries(LOCALES).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </div>
        <button className="btn btn-danger" onClick={() => void store.signOut()}>
          {t('settings.signOut')}
        </button>
      </div>
    </aside>
  );
}
