/**
 * Loading one of the owner's Business API screens: the data, a reload, and what to show before it
 * arrives (loading, or the error, with a pointer to the Business API screen when API access is off).
 */
import { useCallback, useEffect, useState } from 'react';
import { useI18n } from '../../i18n/index.js';
import { ApiError } from '../../lib/api.js';
import { PanelSection } from '../contacts/side-panel.js';
import { setupErrorMessage } from './api-settings-section.js';

export interface LoadError {
  text: string;
  notEnabled: boolean;
}

/** `fetch` runs on mount and on each `reload`; `data` keeps the last answer when a reload fails. */
export function useOwnerData<T>(fetch: () => Promise<T>) {
  const { t } = useI18n();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<LoadError | null>(null);
  const [busy, setBusy] = useState(false);
  const reload = useCallback(async () => {
    setBusy(true);
    try {
      setData(await fetch());
      setError(null);
    } catch (err) {
      setError({ text: setupErrorMessage(t, err), notEnabled: err instanceof ApiError && err.code === 'API_NOT_ENABLED' });
    } finally {
      setBusy(false);
    }
    // `fetch` is a stable call of the owner client
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [t]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, busy, reload };
}

/** What the screen shows until its first data: the error (with its hint), or "Loading…". */
export function OwnerLoadState({ id, title, error }: { id: string; title: string; error: LoadError | null }) {
  const { t } = useI18n();
  if (!error)
    return (
      <p className="panel-hint" role="status">
        {t('common.loading')}
      </p>
    );
  return (
    <PanelSection id={id} title={title}>
      <p className="error-text" role="alert">
        {error.text}
      </p>
      {error.notEnabled && <p className="panel-hint">{t('tpl.notEnabled')}</p>}
    </PanelSection>
  );
}
