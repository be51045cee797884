/**
 * The verified-business badge (an accessible check icon) and the "Business" marker shown next to a
 * business's name in the chat list, the chat header and the info panel.
 */
import { useEffect } from 'react';
import type { PublicProfile } from '#contracts/models.js';
import { store } from '../../lib/store.js';
import { BUSINESS_CATEGORIES } from '#contracts/business.js';
import { useI18n, type Translate } from '../../i18n/index.js';
import type { MessageKey } from '../../i18n/en.js';
import '../../styles/business.css';

export function VerifiedBadge({ size = 16 }: { size?: number }) {
  const { t } = useI18n();
  return (
    <svg className="verified-badge" role="img" aria-label={t('business.verified')} width={size} height={size} viewBox="0 0 24 24" focusable="false">
      <title>{t('business.verified')}</title>
      <path fill="currentColor" d="M12 1.5 14.6 3.4 17.8 3.3 18.8 6.4 21.4 8.3 20.4 11.4 21.4 14.5 18.8 16.4 17.8 19.5 14.6 19.4 12 21.3 9.4 19.4 6.2 19.5 5.2 16.4 2.6 14.5 3.6 11.4 2.6 8.3 5.2 6.4 6.2 3.3 9.4 3.4Z" />
      <path fill="#fff" d="m10.6 15.2-3.3-3.3 1.4-1.4 1.9 1.9 4.7-4.7 1.4 1.4z" />
    </svg>
  );
}

/** Badge (when verified) and the small "Business" marker, for a profile that is a business. */
export function BusinessMarks({ peer, marker = true }: { peer: Pick<PublicProfile, 'kind' | 'business'>; marker?: boolean }) {
  const { t } = useI18n();
  if (peer.kind !== 'business') return null;
  return (
    <>
      {peer.business?.verified && <VerifiedBadge />}
      {marker && <span className="business-marker">{t('business.chatMarker')}</span>}
    </>
  );
}

/**
 * The marks in an open chat's header. Opening a chat with a business fetches the chat again once,
 * so a badge granted (or removed by a change of name) since the chat list was loaded shows at once
 * here and in the chat list.
 */
export function ChatHeaderBusinessMarks({ chatId, peer }: { chatId: string; peer: Pick<PublicProfile, 'kind' | 'business'> }) {
  const isBusiness = peer.kind === 'business';
  useEffect(() => {
    if (isBusiness) void store.reloadChat(chatId).catch(() => undefined);
  }, [chatId, isBusiness]);
  return <BusinessMarks peer={peer} />;
}

export function categoryLabel(t: Translate, category: string): string {
  return (BUSINESS_CATEGORIES as readonly string[]).includes(category) ? t(`business.category.${category}` as MessageKey) : category;
}

/** The category options, sorted by their translated name ("Other" last). */
export function categoryOptions(t: Translate, locale: string): { id: string; label: string }[] {
  return BUSINESS_CATEGORIES.map((id) => ({ id, label: categoryLabel(t, id) })).sort((a, b) =>
    a.id === 'other' ? 1 : b.id === 'other' ? -1 : a.label.localeCompare(b.label, locale),
  );
}
