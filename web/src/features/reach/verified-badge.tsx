/** The verified-business mark next to a business name (with a text for screen readers). */
import { useI18n } from '../../i18n/index.js';

export function VerifiedBadge() {
  const { t } = useI18n();
  return (
    <span className="verified-badge" title={t('reach.verified')}>
      <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true">
        <path fill="currentColor" d="M12 1l2.6 2.2 3.4-.4.9 3.3 3 1.7-1.3 3.2 1.3 3.2-3 1.7-.9 3.3-3.4-.4L12 23l-2.6-2.2-3.4.4-.9-3.3-3-1.7 1.3-3.2L2.1 7.8l3-1.7.9-3.3 3.4.4z" />
        <path fill="#fff" d="M10.6 15.6l-3.2-3.2 1.4-1.4 1.8 1.8 4.6-4.6 1.4 1.4z" />
      </svg>
      <span className="sr-only">{t('reach.verified')}</span>
    </span>
  );
}
