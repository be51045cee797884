/** Settings → Blocked contacts: the people one blocked, most recent first, each with Unblock. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PublicProfile } from '#contracts/models.js';
import { useI18n } from '../../i18n/index.js';
import { store } from '../../lib/store.js';
import { Avatar } from '../../ui/avatar.js';
import { errorMessage } from '../auth/auth-screen.js';
import { formatPhone, peerName, refreshChatWith } from '../contacts/peer.js';
import { IDLE, InlineStatus, PanelLoadError, PanelSection, type Status } from '../contacts/side-panel.js';

export function BlockedSection() {
  const { t } = useI18n();
  const [blocked, setBlocked] = useState<PublicProfile[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [status, setStatus] = useState<Status>(IDLE);
  const listRef = useRef<HTMLDivElement>(null);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      setBlocked((await store.api.blocked()).blocked);
    } catch (err) {
      setLoadError(errorMessage(t, err));
    }
  }, [t]);

  useEffect(() => {
    void load();
  }, [load]);

  const unblock = async (p: PublicProfile) => {
    setBusyId(p.id);
    try {
      await store.api.unblock(p.id);
      setBlocked((list) => list?.filter((x) => x.id !== p.id) ?? null);
      setStatus({ kind: 'ok', text: t('settings.unblocked', { name: peerName(p) }) });
      listRef.current?.focus();
      void refreshChatWith(p.id);
    } catch (err) {
      setStatus({ kind: 'error', text: errorMessage(t, err) });
    } finally {
      setBusyId(null);
    }
  };

  return (
    <PanelSection id="settings-blocked" title={t('settings.blocked')}>
      <p className="panel-hint">{t('settings.blockedHelp')}</p>
      <div ref={listRef} tabIndex={-1} className="focus-target">
        {loadError ? (
          <PanelLoadError message={loadError} loadFailed={t('settings.loadFailed')} retryLabel={t('common.retry')} onRetry={() => void load()} />
        ) : !blocked ? (
          <p className="panel-hint">{t('common.loading')}</p>
        ) : blocked.length === 0 ? (
          <p className="panel-empty-note">{t('settings.noBlocked')}</p>
        ) : (
          <ul className="settings-list" aria-label={t('settings.blocked')}>
            {blocked.map((p) => (
              <li key={p.id} className="settings-list-item">
                <Avatar id={p.id} name={peerName(p)} mediaId={p.photoMediaId} size={40} />
                <div className="settings-list-text">
                  <span className="settings-list-title" id={`blocked-${p.id}`}>
                    {peerName(p)}
                  </span>
                  <span className="settings-list-sub">{formatPhone(p.phone)}</span>
                </div>
                <button type="button" className="btn btn-ghost btn-small" onClick={() => void unblock(p)} disabled={busyId === p.id} aria-describedby={`blocked-${p.id}`}>
                  {t('settings.unblock')}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <InlineStatus state={status} />
    </PanelSection>
  );
}
