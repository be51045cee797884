/**
 * A template's status and quality as badges (a shape and words, never colour alone), and the
 * review's reason and recommendation for a rejected template.
 */
import { useI18n, type Translate } from '../../i18n/index.js';
import type { MessageKey } from '../../i18n/en.js';
import type { OwnerTemplate, Quality } from './owner-client.js';

const STATUS: Record<string, { key: MessageKey; icon: string }> = {
  APPROVED: { key: 'tpl.status.APPROVED', icon: '✓' },
  PENDING: { key: 'tpl.status.PENDING', icon: '…' },
  REJECTED: { key: 'tpl.status.REJECTED', icon: '✕' },
  PAUSED: { key: 'tpl.status.PAUSED', icon: '⏸' },
  DISABLED: { key: 'tpl.status.DISABLED', icon: '⊘' },
};

const QUALITY: Record<Quality, { key: MessageKey; icon: string }> = {
  GREEN: { key: 'tpl.quality.GREEN', icon: '●' },
  YELLOW: { key: 'tpl.quality.YELLOW', icon: '◆' },
  RED: { key: 'tpl.quality.RED', icon: '▲' },
  UNKNOWN: { key: 'tpl.quality.UNKNOWN', icon: '○' },
};

export const qualityLabel = (t: Translate, q: string) => t((QUALITY[q as Quality] ?? QUALITY.UNKNOWN).key);

const REASON_KEYS: Record<string, MessageKey> = {
  NONE: 'tpl.reason.NONE',
  INCORRECT_CATEGORY: 'tpl.reason.INCORRECT_CATEGORY',
  INVALID_FORMAT: 'tpl.reason.INVALID_FORMAT',
  PROMOTIONAL: 'tpl.reason.PROMOTIONAL',
  ABUSIVE_CONTENT: 'tpl.reason.ABUSIVE_CONTENT',
  SCAM: 'tpl.reason.SCAM',
  TAG_CONTENT_MISMATCH: 'tpl.reason.TAG_CONTENT_MISMATCH',
  CATEGORY_NOT_AVAILABLE: 'tpl.reason.CATEGORY_NOT_AVAILABLE',
};

/** A rejected reason code in words (the code itself when the app does not know it). */
export const reasonLabel = (t: Translate, code: string) => (REASON_KEYS[code] ? t(REASON_KEYS[code]) : code);

/** The status in words with its icon; a paused template says until when. */
export function StatusBadge({ template: tpl }: { template: Pick<OwnerTemplate, 'status' | 'pausedUntil'> }) {
  const { t, locale } = useI18n();
  const s = STATUS[tpl.status] ?? { key: 'tpl.status.PENDING' as MessageKey, icon: '?' };
  const until = tpl.status === 'PAUSED' && tpl.pausedUntil ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(tpl.pausedUntil) : null;
  return (
    <span className={`tpl-badge tpl-status-${tpl.status.toLowerCase()}`}>
      <span aria-hidden="true">{s.icon} </span>
      {until ? t('tpl.status.pausedUntil', { when: until }) : t(s.key)}
    </span>
  );
}

/** The quality rating in words, with a shape per level. */
export function QualityBadge({ quality, label }: { quality: Quality; label?: string }) {
  const { t } = useI18n();
  const q = QUALITY[quality] ?? QUALITY.UNKNOWN;
  return (
    <span className={`tpl-badge tpl-quality-${quality.toLowerCase()}`}>
      <span aria-hidden="true" className="tpl-quality-icon">
        {q.icon}{' '}
      </span>
      {label ? `${label}: ` : ''}
      {t(q.key)}
    </span>
  );
}

/** Why the review rejected the template and what to change. */
export function ReviewReason({ template: tpl }: { template: Pick<OwnerTemplate, 'rejectedReason' | 'rejectionInfo'> }) {
  const { t } = useI18n();
  return (
    <div className="tpl-reason">
      <p>
        <span className="field-label">{t('tpl.reason.title')}: </span>
        {reasonLabel(t, tpl.rejectedReason)}
      </p>
      {tpl.rejectionInfo?.reason && <p>{tpl.rejectionInfo.reason}</p>}
      {tpl.rejectionInfo?.recommendation && (
        <p>
          <span className="field-label">{t('tpl.reason.recommendation')}: </span>
          {tpl.rejectionInfo.recommendation}
        </p>
      )}
    </div>
  );
}
