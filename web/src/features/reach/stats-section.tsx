/**
 * Business tools → Statistics: a period (last 7, 30 or 90 days, or custom dates), the totals, and
 * a bar chart of messages sent and received per day (with its table, see DailyChart).
 */
import { useEffect, useState } from 'react';
import { STATS_MAX_DAYS, type BusinessStats, type StatsCounts } from '#contracts/reach.js';
import { useI18n } from '../../i18n/index.js';
import { useStore } from '../../lib/store.js';
import { errorMessage } from '../auth/auth-screen.js';
import { PanelSection } from '../contacts/side-panel.js';
import { reachApi } from './reach-api.js';
import { DailyChart, useDayFormats } from './bar-chart.js';
import '../../styles/reach.css';

type Preset = '7' | '30' | '90' | 'custom';
const DAY = 86_400_000;

/** YYYY-MM-DD of a local calendar day. */
export function isoDay(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The last `days` days up to today (local dates). */
export function lastDays(days: number, today = new Date()): { from: string; to: string } {
  const from = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (days - 1));
  return { from: isoDay(from), to: isoDay(today) };
}

const dayCount = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY) + 1;

export function StatsSection() {
  const { t } = useI18n();
  const version = useStore((s) => s.businessVersions['stats'] ?? 0);
  const [preset, setPreset] = useState<Preset>('7');
  const initial = lastDays(7);
  const [customFrom, setCustomFrom] = useState(initial.from);
  const [customTo, setCustomTo] = useState(initial.to);
  const [stats, setStats] = useState<BusinessStats | null>(null);
  const [error, setError] = useState<string | null>(null);

  const period = preset === 'custom' ? { from: customFrom, to: customTo } : lastDays(Number(preset));
  const days = period.from && period.to ? dayCount(period.from, period.to) : NaN;
  const periodError = !period.from || !period.to || Number.isNaN(days) ? t('reach.stats.pickDates') : days < 1 ? t('reach.stats.fromAfterTo') : days > STATS_MAX_DAYS ? t('reach.stats.tooLong', { max: STATS_MAX_DAYS }) : null;

  useEffect(() => {
    if (periodError) return;
    let live = true;
    setError(null);
    reachApi.stats(period.from, period.to).then(
      (s) => live && setStats(s),
      (err) => live && setError(errorMessage(t, err)),
    );
    return () => {
      live = false;
    };
  }, [period.from, period.to, periodError, version, t]);

  const fmt = useDayFormats();

  const metrics: (keyof StatsCounts)[] = ['sent', 'delivered', 'read', 'received'];

  return (
    <>
      <PanelSection id="reach-stats-period" title={t('reach.stats.period')}>
        <div className="field">
          <label htmlFor="reach-stats-preset">{t('reach.stats.period')}</label>
          <select id="reach-stats-preset" className="input" value={preset} onChange={(e) => setPreset(e.target.value as Preset)}>
            <option value="7">{t('reach.stats.last', { days: 7 })}</option>
            <option value="30">{t('reach.stats.last', { days: 30 })}</option>
            <option value="90">{t('reach.stats.last', { days: 90 })}</option>
            <option value="custom">{t('reach.stats.custom')}</option>
          </select>
        </div>
        {preset === 'custom' && (
          <div className="reach-row">
            <div className="field">
              <label htmlFor="reach-stats-from">{t('reach.stats.from')}</label>
              <input id="reach-stats-from" className="input" type="date" value={customFrom} max={customTo || undefined} onChange={(e) => setCustomFrom(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="reach-stats-to">{t('reach.stats.to')}</label>
              <input id="reach-stats-to" className="input" type="date" value={customTo} min={customFrom || undefined} onChange={(e) => setCustomTo(e.target.value)} />
            </div>
          </div>
        )}
        {periodError && (
          <p className="error-text" role="alert">
            {periodError}
          </p>
        )}
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
      </PanelSection>
      {stats && !periodError && (
        <>
          <PanelSection id="reach-stats-totals" title={t('reach.stats.totals')}>
            <p className="panel-hint">
              {t('reach.stats.range', { from: fmt.long(stats.from), to: fmt.long(stats.to), timezone: stats.timezone })}
            </p>
            <dl className="reach-totals">
              {metrics.map((m) => (
                <div key={m} className={`reach-total reach-total-${m}`}>
                  <dt>{t(`reach.stats.${m}`)}</dt>
                  <dd>{fmt.num(stats.totals[m])}</dd>
                </div>
              ))}
            </dl>
          </PanelSection>
          <PanelSection id="reach-stats-chart" title={t('reach.stats.perDay')}>
            <DailyChart
              tableId="reach-stats-table"
              caption={t('reach.stats.tableCaption')}
              days={stats.days.map(({ date, ...values }) => ({ date, values }))}
              series={[
                { key: 'sent', label: t('reach.stats.sent'), className: 'reach-bar-sent' },
                { key: 'received', label: t('reach.stats.received'), className: 'reach-bar-received' },
              ]}
              columns={metrics.map((m) => ({ key: m, label: t(`reach.stats.${m}`), className: '' }))}
            />
          </PanelSection>
        </>
      )}
    </>
  );
}
