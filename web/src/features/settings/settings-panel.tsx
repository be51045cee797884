/** Settings: profile, privacy, two-step verification, linked devices, blocked contacts, language, theme, sign out. */
import { useCallback, useState } from 'react';
import { useI18n, LOCALES, type Locale } from '../../i18n/index.js';
import { store, useStore } from '../../lib/store.js';
import { ConfirmDialog } from '../contacts/confirm-dialog.js';
import { PanelSection, SidePanel } from '../contacts/side-panel.js';
import { formatPhone } from '../contacts/peer.js';
import { BlockedSection } from './blocked-section.js';
import { DevicesSection } from './devices-section.js';
import { PrivacySection } from './privacy-section.js';
import { ProfileSection } from './profile-section.js';
import { TwoStepSection } from './two-step-section.js';
import { openPanel } from '../../lib/ui-state.js';
import { ConvertToBusiness } from '../business/convert-to-business.js';
import { applyTheme, savedTheme, THEMES, type Theme } from './theme.js';

const THEME_KEY = { system: 'settings.themeSystem', light: 'settings.themeLight', dark: 'settings.themeDark' } as const;

function AppearanceSections() {
  const { t, locale, setLocale } = useI18n();
  const [theme, setTheme] = useState<Theme>(savedTheme);
  return (
    <>
      <PanelSection id="settings-language" title={t('settings.language')}>
        <div className="field">
          <label htmlFor="language" className="sr-only">
            {t('settings.language')}
          </label>
          <select id="language" className="input" value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
            {Object.entries(LOCALES).map(([k, v]) => (
              <option key={k} value={k} lang={k}>
                {v}
              </option>
            ))}
          </select>
        </div>
      </PanelSection>
      <PanelSection id="settings-theme" title={t('settings.theme')}>
        <fieldset className="settings-fieldset theme-options">
          <legend className="sr-only">{t('settings.theme')}</legend>
          {THEMES.map((th) => (
            <label key={th} className="theme-option">
              <input
                type="radio"
                name="settings-theme"
                value={th}
                checked={theme === th}
                onChange={() => {
                  setTheme(th);
                  applyTheme(th);
                }}
              />
              <span>{t(THEME_KEY[th])}</span>
            </label>
          ))}
        </fieldset>
      </PanelSection>
    </>
  );
}

export function SettingsPanel({ onClose }: { onClose(): void }) {
  const { t } = useI18n();
  const me = useStore((s) => s.me);
  const [confirmSignOut, setConfirmSignOut] = useState(false);
  const cancelSignOut = useCallback(() => setConfirmSignOut(false), []);

  return (
    <SidePanel title={t('settings.title')} closeLabel={t('settings.close')} side="start" onClose={onClose} className="settings-panel">
      {me ? (
        <>
          <p className="settings-phone">{formatPhone(me.phone)}</p>
          {me.kind === 'business' && (
            <div className="panel-section">
              <button type="button" className="btn btn-primary" onClick={() => openPanel({ kind: 'business' })}>
                {t('business.tools')}
              </button>
            </div>
          )}
          <ProfileSection key={me.id} me={me} />
          <PrivacySection me={me} />
          {me.kind !== 'business' && <ConvertToBusiness defaultName={me.displayName} />}
        </>
      ) : (
        <p className="panel-hint">{t('common.loading')}</p>
      )}
      <TwoStepSection />
      <DevicesSection />
      <BlockedSection />
      <AppearanceSections />
      <div className="panel-section">
        <button type="button" className="btn btn-outline danger-text" onClick={() => setConfirmSignOut(true)}>
          {t('settings.signOut')}
        </button>
      </div>
      {confirmSignOut && (
        <ConfirmDialog
          title={t('settings.signOutTitle')}
          message={t('settings.signOutConfirm')}
          confirmLabel={t('settings.signOut')}
          danger
          onCancel={cancelSignOut}
          onConfirm={async () => {
            onClose();
            await store.signOut();
          }}
        />
      )}
    </SidePanel>
  );
}
