/** Settings → Linked devices: every signed-in device, this one marked; sign another one out. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Device } from '#contracts/models.js';
import { useI18n } from '../../i18n/index.js';
import { ApiError } from '../../lib/api.js';
import { store } from '../../lib/store.js';
import { errorMessage } from '../auth/auth-screen.js';
import { ConfirmDialog } from '../contacts/confirm-dialog.js';
import { IDLE, InlineStatus, PanelLoadError, PanelSection, type Status } from '../contacts/side-panel.js';

function DeviceGlyph({ platform }: { platform: string }) {
  const phone = /android|ios|iphone|phone/i.test(platform);
  return (
    <svg viewBox="0 0 24 24" width="28" height="28" fill="currentColor" aria-hidden="true" className="device-glyph">
      {phone ? (
        <path d="M16 1H8a3 3 0 0 0-3 3v16a3 3 0 0 0 3 3h8a3 3 0 0 0 3-3V4a3 3 0 0 0-3-3zm-4 20.5a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3zM17 17H7V4h10z" />
      ) : (
        <path d="M20 18a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2H4a2 2 0 0 0-2 2v10a2 2 0 0 0 2 2H0v2h24v-2zM4 6h16v10H4z" />
      )}
    </svg>
  );
}

export function DevicesSection() {
  const { t, relative } = useI18n();
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<Device | null>(null);
  const [status, setStatus] = useState<Status>(IDLE);
  const listRef = useRef<HTMLUListElement>(null);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      setDevices((await store.api.devices()).devices);
    } catch (err) {
      setLoadError(errorMessage(t, err));
    }
  }, [t]);

  useEffect(() => {
    void load();
  }, [load]);

  const revoke = async (d: Device) => {
    try {
      await store.api.revokeDevice(d.id);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'DEVICE_NOT_FOUND')) throw err; // already signed out
    }
    setConfirm(null);
    // The button that opened the dialog is gone: keep focus in the list.
    requestAnimationFrame(() => listRef.current?.focus());
    setDevices((list) => list?.filter((x) => x.id !== d.id) ?? null);
    setStatus({ kind: 'ok', text: t('settings.deviceSignedOut', { name: d.name }) });
  };
  const cancel = useCallback(() => setConfirm(null), []);

  return (
    <PanelSection id="settings-devices" title={t('settings.devices')}>
      <p className="panel-hint">{t('settings.devicesHelp')}</p>
      {loadError ? (
        <PanelLoadError message={loadError} loadFailed={t('settings.loadFailed')} retryLabel={t('common.retry')} onRetry={() => void load()} />
      ) : !devices ? (
        <p className="panel-hint">{t('common.loading')}</p>
      ) : (
        <ul ref={listRef} tabIndex={-1} className="settings-list" aria-label={t('settings.devices')}>
          {devices.map((d) => (
            <li key={d.id} className="settings-list-item" data-device-id={d.id}>
              <DeviceGlyph platform={d.platform} />
              <div className="settings-list-text">
                <span className="settings-list-title" id={`device-${d.id}`}>
                  {d.name}
                  {d.current && <span className="device-tag">{t('settings.thisDevice')}</span>}
                </span>
                <span className="settings-list-sub">{t('settings.deviceMeta', { platform: d.platform, when: relative(d.createdAt) })}</span>
                {!d.current && <span className="settings-list-sub">{t('settings.lastActive', { when: relative(d.lastActiveAt) })}</span>}
              </div>
              {!d.current && (
                <button type="button" className="btn btn-ghost btn-small danger-text" onClick={() => setConfirm(d)} aria-describedby={`device-${d.id}`}>
                  {t('settings.signOutDevice')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <InlineStatus state={status} />
      {confirm && (
        <ConfirmDialog
          title={t('settings.signOutDeviceTitle')}
          message={t('settings.signOutDeviceConfirm', { name: confirm.name })}
          confirmLabel={t('settings.signOutDevice')}
          danger
          onConfirm={() => revoke(confirm)}
          onCancel={cancel}
        />
      )}
    </PanelSection>
  );
}
