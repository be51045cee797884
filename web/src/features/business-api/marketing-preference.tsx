/**
 * The customer's "stop promotions" control in a business's contact info (the messaging policy,
 * docs/api/cloud-api-policy.md): marketing templates from this business stop until the customer
 * resumes them; service messages and utility or authentication templates still arrive.
 */
import { useEffect, useId, useState } from 'react';
import { useI18n } from '../../i18n/index.js';
import type { Api } from '../../lib/api.js';
import { store } from '../../lib/store.js';

interface Preferences {
  businessId: string;
  marketing: 'allowed' | 'stopped';
  marketingStoppedAt: number | null;
}

export function marketingPreferences(api: Api = store.api) {
  const path = (businessId: string) => `/v1/business-preferences/${encodeURIComponent(businessId)}`;
  return {
    get: (businessId: string) => api.request<Preferences>('GET', path(businessId)),
    stop: (businessId: string) => api.request<Preferences>('PUT', `${path(businessId)}/marketing-opt-out`),
    resume: (businessId: string) => api.request<Preferences>('DELETE', `${path(businessId)}/marketing-opt-out`),
  };
}

export function MarketingPreference({ businessId }: { businessId: string }) {
  const { t } = useI18n();
  const hintId = useId();
  const [prefs, setPrefs] = useState<Preferences | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(false);
  const [announce, setAnnounce] = useState('');

  useEffect(() => {
    let live = true;
    marketingPreferences()
      .get(businessId)
      .then((p) => live && setPrefs(p))
      .catch(() => live && setError(true));
    return () => {
      live = false;
    };
  }, [businessId]);

  if (!prefs) return error ? <p className="panel-hint" role="alert">{t('api.promotions.error')}</p> : null;
  const stopped = prefs.marketing === 'stopped';

  const toggle = async () => {
    setBusy(true);
    setError(false);
    try {
      const next = stopped ? await marketingPreferences().resume(businessId) : await marketingPreferences().stop(businessId);
      setPrefs(next);
      setAnnounce(next.marketing === 'stopped' ? t('api.promotions.stoppedNow') : t('api.promotions.resumedNow'));
    } catch {
      setError(true);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="panel-section marketing-preference">
      <p id={hintId} className="panel-hint">
        {stopped ? t('api.promotions.stoppedHint') : t('api.promotions.hint')}
      </p>
      <button type="button" className="btn btn-ghost" aria-describedby={hintId} disabled={busy} onClick={() => void toggle()}>
        {stopped ? t('api.promotions.resume') : t('api.promotions.stop')}
      </button>
      {error && (
        <p className="panel-hint" role="alert">
          {t('api.promotions.error')}
        </p>
      )}
      <p className="sr-only" role="status">
        {announce}
      </p>
    </div>
  );
}
