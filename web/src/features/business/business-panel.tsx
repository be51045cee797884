/**
 * The business tools panel of a business account: a list of sections (profile, catalog, quick
 * replies, …, from ./sections.tsx); choosing one shows its screen with a Back button.
 */
import { useState } from 'react';
import { useI18n } from '../../i18n/index.js';
import { SidePanel } from '../contacts/side-panel.js';
import { businessSections } from './sections.js';

export function BusinessPanel({ section, onClose }: { section?: string | undefined; onClose(): void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState<string | null>(section ?? null);
  const current = businessSections.find((s) => s.id === open);
  return (
    <SidePanel title={current ? t(current.titleKey) : t('business.tools')} closeLabel={t('business.toolsClose')} side="start" onClose={onClose} className="business-panel">
      {current ? (
        <>
          <div className="panel-section">
            <button type="button" className="btn btn-outline" onClick={() => setOpen(null)}>
              {t('business.back')}
            </button>
          </div>
          <current.Component />
        </>
      ) : (
        <nav aria-label={t('business.tools')}>
          <ul className="business-sections">
            {businessSections.map((s) => (
              <li key={s.id}>
                <button type="button" className="list-button" onClick={() => setOpen(s.id)}>
                  {t(s.titleKey)}
                </button>
              </li>
            ))}
          </ul>
        </nav>
      )}
    </SidePanel>
  );
}
