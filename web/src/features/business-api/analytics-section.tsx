/**
 * Business tools → Business API analytics: a period (last 7, 30 or 90 days), the totals per
 * category (conversations opened; messages sent, delivered and read), and a stacked bar chart of the
 * conversations opened per day by category. The chart is for the eye; the same numbers are in a
 * table for screen readers (and for anyone, with "Show as table"), as on the Statistics screen.
 * Days are the business's time zone's (GET /v1/business/api/analytics).
 */
import { useEffect, useState } from 'react';
import { ANALYTICS_CATEGORIES, localDayNumber, startOfLocalDay, type AnalyticsCategory, type ApiAnalytics } from '#contracts/api-analytics.js';
import { useI18n } from '../../i18n/index.js';
import { ApiError, type Api } from '../../lib/api.js';
import { store } from '../../lib/store.js';
import { errorMessage } from '../auth/auth-screen.js';
import { PanelSection } from '../contacts/side-panel.js';
import { DailyChart, useDayFormats } from '../reach/bar-chart.js';
import '../../styles/api-analytics.css';

const PERIODS = ['7', '30', '90'] as const;
type Period = (typeof PERIODS)[number];

export function analyticsApi(api: Api = store.api) {
  return {
    /** Every day of the business's time zone that `from`…`to` (epoch ms) touches. */
    get: (from: number, to: number) => api.request<ApiAnalytics>('GET', `/v1/business/api/analytics?from=${from}&to=${to}`),
  };
}

/** The last `days` calendar days of `timeZone` up to `now`: from the first one's midnight to now. */
export function lastDaysRange(days: number, timeZone: string, now = Date.now()): { from: number; to: number } {
  return { from: startOfLocalDay(localDayNumber(now, timeZone) - (days - 1), timeZone), to: now };
}

const categoryClass = (c: AnalyticsCategory) => `api-cat-${c.toLowerCase()}`;

export function ApiAnalyticsSection() {
  const { t } = useI18n();
  const [period, setPeriod] = useState<Period>('7');
  const [data, setData] = useState<ApiAnalytics | null>(null);
  // Days are the business's: the browser's zone until the server says which it is.
  const [timeZone, setTimeZone] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setError(null);
    const { from, to } = lastDaysRange(Number(period), timeZone);
    analyticsApi()
      .get(from, to)
      .then(
        (a) => {
          if (!live) return;
          // Asked in another zone than the business's: ask again for its own days.
          if (a.timeZone !== timeZone) setTimeZone(a.timeZone);
          else setData(a);
        },
        (err: unknown) => {
          if (!live) return;
          setData(null);
          setError(err instanceof ApiError && err.code === 'API_NOT_ENABLED' ? t('api.analytics.notEnabled') : errorMessage(t, err));
        },
      );
    return () => {
      live = false;
    };
  }, [period, timeZone, t]);

  const fmt = useDayFormats();
  const catLabel = (c: AnalyticsCategory) => t(`api.analytics.cat.${c}`);
  const columns = [
    { key: 'conversations', label: t('api.analytics.conversations'), value: (a: ApiAnalytics, c: AnalyticsCategory) => a.totals.conversations[c] },
    { key: 'sent', label: t('api.analytics.sent'), value: (a: ApiAnalytics, c: AnalyticsCategory) => a.totals.messages.sent[c] },
    { key: 'delivered', label: t('api.analytics.delivered'), value: (a: ApiAnalytics, c: AnalyticsCategory) => a.totals.messages.delivered[c] },
    { key: 'read', label: t('api.analytics.read'), value: (a: ApiAnalytics, c: AnalyticsCategory) => a.totals.messages.read[c] },
  ];

  return (
    <>
      <PanelSection id="api-analytics-period" title={t('api.analytics.period')}>
        <p className="panel-hint">{t('api.analytics.intro')}</p>
        <div className="field">
          <label htmlFor="api-analytics-preset">{t('api.analytics.period')}</label>
          <select id="api-analytics-preset" className="input" value={period} onChange={(e) => setPeriod(e.target.value as Period)}>
            {PERIODS.map((p) => (
              <option key={p} value={p}>
                {t('api.analytics.last', { days: Number(p) })}
              </option>
            ))}
          </select>
        </div>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        {!data && !error && <p className="panel-hint">{t('api.analytics.loading')}</p>}
      </PanelSection>
      {data && data.days.length > 0 && (
        <>
          <PanelSection id="api-analytics-totals" title={t('api.analytics.totals')}>
            <p className="panel-hint">
              {t('api.analytics.range', { from: fmt.long(data.days[0]!.date), to: fmt.long(data.days[data.days.length - 1]!.date), timezone: data.timeZone })}
            </p>
            {/* Focusable so that keyboard users can scroll it when the panel is narrow. */}
            <div className="reach-table-wrap" tabIndex={0} role="region" aria-label={t('api.analytics.totalsCaption')}>
              <table className="reach-table api-analytics-totals">
                <caption>{t('api.analytics.totalsCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('api.analytics.category')}</th>
                    {columns.map((col) => (
                      <th key={col.key} scope="col">
                        {col.label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {ANALYTICS_CATEGORIES.map((c) => (
                    <tr key={c}>
                      <th scope="row">
                        <span className={`reach-swatch ${categoryClass(c)}`} aria-hidden="true" /> {catLabel(c)}
                      </th>
                      {columns.map((col) => (
                        <td key={col.key}>{fmt.num(col.value(data, c))}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row">{t('api.analytics.total')}</th>
                    {columns.map((col) => (
                      <td key={col.key}>{fmt.num(ANALYTICS_CATEGORIES.reduce((n, c) => n + col.value(data, c), 0))}</td>
                    ))}
                  </tr>
                </tfoot>
              </table>
            </div>
          </PanelSection>
          <PanelSection id="api-analytics-chart" title={t('api.analytics.perDay')}>
            <DailyChart
              stacked
              tableId="api-analytics-table"
              caption={t('api.analytics.tableCaption')}
              days={data.days.map((d) => ({ date: d.date, values: d.conversations }))}
              series={ANALYTICS_CATEGORIES.map((c) => ({ key: c, label: catLabel(c), className: categoryClass(c) }))}
            />
          </PanelSection>
        </>
      )}
    </>
  );
}
