/**
 * "Convert to a business account" in a person's settings: business name and category, then a
 * confirmation (the change is one way). On success the settings show the business tools.
 */
import { useCallback, useId, useMemo, useState } from 'react';
import { BUSINESS_LIMITS } from '#contracts/business-profile.js';
import { useI18n } from '../../i18n/index.js';
import { store } from '../../lib/store.js';
import { ConfirmDialog } from '../contacts/confirm-dialog.js';
import { IDLE, InlineStatus, type Status } from '../contacts/side-panel.js';
import { businessApi } from './business-api.js';
import { categoryOptions } from './verified-badge.js';

export function ConvertToBusiness({ defaultName }: { defaultName: string }) {
  const { t, locale } = useI18n();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(defaultName);
  const [category, setCategory] = useState('');
  const [status, setStatus] = useState<Status>(IDLE);
  const id = useId();
  const categories = useMemo(() => categoryOptions(t, locale), [t, locale]);
  const cancel = useCallback(() => setOpen(false), []);

  const convert = async () => {
    await businessApi().convert(name.trim(), category);
    store.setMe(await store.api.me());
    setOpen(false);
    setStatus({ kind: 'ok', text: t('business.convertDone') });
  };

  return (
    <div className="panel-section">
      <button type="button" className="btn btn-outline" onClick={() => setOpen(true)}>
        {t('business.convert')}
      </button>
      <InlineStatus state={status} />
      {open && (
        <ConfirmDialog title={t('business.convertTitle')} message={t('business.convertConfirm')} confirmLabel={t('business.convert')} onConfirm={convert} onCancel={cancel}>
          <div className="field">
            <label htmlFor={`${id}-name`}>{t('business.name')}</label>
            <input id={`${id}-name`} className="input" maxLength={BUSINESS_LIMITS.name} value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-category`}>{t('business.category')}</label>
            <select id={`${id}-category`} className="input" value={category} onChange={(e) => setCategory(e.target.value)}>
              <option value="" disabled>
                {t('business.chooseCategory')}
              </option>
              {categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
          </div>
        </ConfirmDialog>
      )}
    </div>
  );
}
