/**
 * Business tools → Number health: the API number's quality rating (with words and a shape, not
 * colour alone) and what drives it over the last 7 days, its status, its messaging tier with the
 * last 24 hours' usage as a meter, the next tier, the throughput, and the recent changes.
 */
import { useId } from 'react';
import { useI18n } from '../../i18n/index.js';
import type { MessageKey } from '../../i18n/en.js';
import { PanelSection } from '../contacts/side-panel.js';
import { OwnerLoadState, useOwnerData } from './owner-load.js';
import { ownerApi, type HealthEvent, type NumberHealth } from './owner-client.js';
import { QualityBadge } from './template-status.js';
import '../../styles/business-api-templates.css';

const STATUS_KEYS: Record<NumberHealth['status'], { label: MessageKey; help: MessageKey }> = {
  CONNECTED: { label: 'health.status.CONNECTED', help: 'health.status.CONNECTED.help' },
  FLAGGED: { label: 'health.status.FLAGGED', help: 'health.status.FLAGGED.help' },
  RESTRICTED: { label: 'health.status.RESTRICTED', help: 'health.status.RESTRICTED.help' },
};

const QUALITY_HELP: Record<string, MessageKey> = {
  GREEN: 'health.quality.GREEN.help',
  YELLOW: 'health.quality.YELLOW.help',
  RED: 'health.quality.RED.help',
  UNKNOWN: 'health.quality.UNKNOWN.help',
};

const EVENT_KEYS: Record<HealthEvent, MessageKey> = {
  UPGRADE: 'health.event.UPGRADE',
  DOWNGRADE: 'health.event.DOWNGRADE',
  FLAGGED: 'health.event.FLAGGED',
  UNFLAGGED: 'health.event.UNFLAGGED',
};

/** The number of customers per 24 hours of a tier ('TIER_2K' → 2000), or null for unlimited. */
export function tierLimit(tier: string): number | null {
  const m = /^TIER_(\d+)(K?)$/.exec(tier);
  if (!m) return null;
  return Number(m[1]) * (m[2] ? 1000 : 1);
}

export function NumberHealthSection() {
  const { t, locale } = useI18n();
  const ids = useId();
  const { data: health, error, busy, reload: load } = useOwnerData(() => ownerApi().health());
  if (!health) return <OwnerLoadState id={`${ids}-off`} title={t('health.section')} error={error} />;

  const num = new Intl.NumberFormat(locale);
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const q = health.quality;
  const lim = health.messagingLimit;
  const status = STATUS_KEYS[health.status] ?? STATUS_KEYS.CONNECTED;
  const tierText = (tier: string) => {
    const n = tierLimit(tier);
    return n === null ? t('health.tier.unlimited') : t('health.tier.customers', { count: num.format(n) });
  };
  const percent = lim.limit ? Math.min(100, Math.round((lim.used24h / lim.limit) * 100)) : 0;

  return (
    <>
      <PanelSection id={`${ids}-quality`} title={t('health.quality')}>
        <p className="panel-hint">{t('health.number', { number: `+${health.displayPhoneNumber}` })}</p>
        <p className="health-big">
          <QualityBadge quality={q.rating} />
        </p>
        <p className="panel-hint">{t(QUALITY_HELP[q.rating] ?? 'health.quality.UNKNOWN.help')}</p>
        {q.since !== null && <p className="panel-hint">{t('health.quality.since', { when: when.format(q.since) })}</p>}
        <dl className="health-facts">
          <div>
            <dt>{t('health.blocks7d')}</dt>
            <dd>{num.format(q.blocks7d)}</dd>
          </div>
          <div>
            <dt>{t('health.reports7d')}</dt>
            <dd>{num.format(q.reports7d)}</dd>
          </div>
          <div>
            <dt>{t('health.businessInitiated7d')}</dt>
            <dd>{num.format(q.businessInitiated7d)}</dd>
          </div>
        </dl>
      </PanelSection>

      <PanelSection id={`${ids}-status`} title={t('health.status')}>
        <p className="health-big">
          <span className={`tpl-badge health-status-${health.status.toLowerCase()}`}>
            <span aria-hidden="true">{health.status === 'CONNECTED' ? '✓ ' : '⚠ '}</span>
            {t(status.label)}
          </span>
        </p>
        <p className="panel-hint">{t(status.help)}</p>
      </PanelSection>

      <PanelSection id={`${ids}-limit`} title={t('health.limit')}>
        <p className="health-big">{tierText(lim.tier)}</p>
        {lim.limit !== null ? (
          <div className="health-meter-wrap">
            <label htmlFor={`${ids}-meter`} className="field-label">
              {t('health.usage')}
            </label>
            <meter id={`${ids}-meter`} className="health-meter" min={0} max={lim.limit} low={lim.limit * 0.5} high={lim.limit * 0.8} optimum={0} value={Math.min(lim.used24h, lim.limit)} aria-describedby={`${ids}-usage`}>
              {percent}%
            </meter>
            <p id={`${ids}-usage`} className="health-usage">
              {t('health.usageText', { used: num.format(lim.used24h), limit: num.format(lim.limit), percent })}
            </p>
          </div>
        ) : (
          <p className="health-usage">{t('health.usageUnlimited', { used: num.format(lim.used24h) })}</p>
        )}
        <p className="panel-hint">{t('health.limitHelp')}</p>
        <p>{lim.nextTier ? t('health.nextTier', { tier: tierText(lim.nextTier) }) : t('health.topTier')}</p>
        {lim.nextTier && <p className="panel-hint">{t('health.nextTierHelp')}</p>}
        <p>{t('health.throughput', { count: num.format(health.throughputPerSecond) })}</p>
      </PanelSection>

      <PanelSection id={`${ids}-history`} title={t('health.history')}>
        {health.history.length === 0 ? (
          <p className="panel-hint">{t('health.history.none')}</p>
        ) : (
          <ol className="health-history">
            {health.history.map((h, i) => (
              <li key={`${h.at}-${i}`}>
                <span className="field-label">{t(EVENT_KEYS[h.event] ?? 'health.event.UPGRADE')}</span>
                <time className="panel-hint" dateTime={new Date(h.at).toISOString()}>
                  {when.format(h.at)}
                </time>
                {h.detail && <span className="health-detail">{h.detail}</span>}
              </li>
            ))}
          </ol>
        )}
        <div>
          <button type="button" className="btn btn-outline btn-small" onClick={() => void load()} disabled={busy}>
            {t('health.refresh')}
          </button>
        </div>
      </PanelSection>
    </>
  );
}
