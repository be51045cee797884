/**
 * A business's public profile in the contact info panel, as its customers see it: that it is a
 * business account (and verified), category, description, address with a map link, hours with
 * "open now" or "closed now", email and websites.
 */
import { useEffect, useState } from 'react';
import { WEEKDAYS, type DayHours } from '#contracts/business.js';
import type { PublicBusinessProfile } from '#contracts/business-profile.js';
import { useI18n, type Translate } from '../../i18n/index.js';
import type { MessageKey } from '../../i18n/en.js';
import { PanelSection } from '../contacts/side-panel.js';
import { businessApi } from './business-api.js';
import { categoryLabel, VerifiedBadge } from './verified-badge.js';

export function mapLink(p: Pick<PublicBusinessProfile, 'location' | 'address'>): string | null {
  if (p.location) {
    const { latitude: lat, longitude: lon } = p.location;
    return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=17/${lat}/${lon}`;
  }
  return p.address ? `https://www.openstreetmap.org/search?query=${encodeURIComponent(p.address)}` : null;
}

function dayText(t: Translate, d: DayHours | undefined): string {
  if (!d || d.mode === 'closed') return t('business.mode.closed');
  if (d.mode === 'open24') return t('business.mode.open24');
  if (d.mode === 'appointment') return t('business.mode.appointment');
  return d.ranges.map((r) => `${r.open}–${r.close}`).join(', ');
}

/** Today's weekday in the business's time zone. */
function todayIn(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short' }).format(Date.now()).toLowerCase().slice(0, 3);
  } catch {
    return '';
  }
}

export function BusinessInfo({ accountId, idPrefix }: { accountId: string; idPrefix: string }) {
  const { t } = useI18n();
  const [profile, setProfile] = useState<PublicBusinessProfile | null>(null);

  useEffect(() => {
    let live = true;
    businessApi()
      .publicProfile(accountId)
      .then((p) => live && setProfile(p), () => undefined);
    return () => {
      live = false;
    };
  }, [accountId]);

  const map = profile ? mapLink(profile) : null;
  const hasHours = profile && Object.keys(profile.hours).length > 0;
  const today = profile ? todayIn(profile.timezone) : '';

  return (
    <PanelSection id={`${idPrefix}-business`} title={t('business.account')}>
      <div className="biz-info" data-testid="business-info">
        <p className="panel-hint">
          {t('business.accountNote')}
          {profile?.verified && (
            <>
              {' '}
              <VerifiedBadge /> {t('business.verified')}
            </>
          )}
        </p>
        {profile && (
          <dl>
            <dt>{t('business.category')}</dt>
            <dd>{categoryLabel(t, profile.category)}</dd>
            {profile.description && (
              <>
                <dt>{t('business.description')}</dt>
                <dd>{profile.description}</dd>
              </>
            )}
            {profile.address && (
              <>
                <dt>{t('business.address')}</dt>
                <dd>
                  {profile.address}
                  {map && (
                    <>
                      <br />
                      <a href={map} target="_blank" rel="noopener noreferrer">
                        {t('business.mapLink')}
                      </a>
                    </>
                  )}
                </dd>
              </>
            )}
            {!profile.address && map && (
              <>
                <dt>{t('business.address')}</dt>
                <dd>
                  <a href={map} target="_blank" rel="noopener noreferrer">
                    {t('business.mapLink')}
                  </a>
                </dd>
              </>
            )}
            {hasHours && (
              <>
                <dt>{t('business.hours')}</dt>
                <dd>
                  {profile.openNow === true && <span className="biz-open">{t('business.openNow')}</span>}
                  {profile.openNow === false && <span className="biz-closed">{t('business.closedNow')}</span>}
                  {profile.openNow === null && <span>{t('business.byAppointment')}</span>}
                  <ul className="biz-hours" aria-label={t('business.hours')}>
                    {WEEKDAYS.map((d) => (
                      <li key={d} className={d === today ? 'today' : undefined} style={{ display: 'contents' }}>
                        <span className={d === today ? 'today' : undefined}>{t(`business.day.${d}` as MessageKey)}</span>
                        <span className={d === today ? 'today' : undefined}>{dayText(t, profile.hours[d])}</span>
                      </li>
                    ))}
                  </ul>
                </dd>
              </>
            )}
            {profile.email && (
              <>
                <dt>{t('business.email')}</dt>
                <dd>
                  <a href={`mailto:${profile.email}`}>{profile.email}</a>
                </dd>
              </>
            )}
            {profile.websites.length > 0 && (
              <>
                <dt>{t('business.websites')}</dt>
                <dd>
                  {profile.websites.map((w) => (
                    <div key={w}>
                      <a href={w} target="_blank" rel="noopener noreferrer nofollow">
                        {w.replace(/^https?:\/\//, '')}
                      </a>
                    </div>
                  ))}
                </dd>
              </>
            )}
          </dl>
        )}
      </div>
    </PanelSection>
  );
}
