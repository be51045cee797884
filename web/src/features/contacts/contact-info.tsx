/**
 * Contact info for a chat's other person: photo, name (saved name and Parley name), phone, about
 * (when their privacy lets us see it); save the number as a contact; mute, archive; block or
 * unblock; report (optionally blocking too). Opened with openPanel({ kind: 'contact', chatId }),
 * and closed when the open chat changes.
 */
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { PublicProfile } from '#contracts/models.js';
import { useI18n } from '../../i18n/index.js';
import { store, useStore } from '../../lib/store.js';
import { chatIdFromPath, usePath } from '../../lib/router.js';
import { Avatar } from '../../ui/avatar.js';
import { errorMessage } from '../auth/auth-screen.js';
import { isMuted, isMutedAlways, MUTE_OPTIONS, muteUntil } from '../chats/mute.js';
import { ConfirmDialog } from './confirm-dialog.js';
import { formatPhone, peerName, refreshChatWith } from './peer.js';
import { IDLE, InlineStatus, PanelSection, SidePanel, type Status } from './side-panel.js';
import { ViewCatalogButton } from '../commerce/view-catalog-button.js';
import { BusinessInfo } from '../business/business-info.js';
import { BusinessMarks } from '../business/verified-badge.js';
import { MarketingPreference } from '../business-api/marketing-preference.js';
import { SafetyNumberDialog } from './safety-number.js';

const CONTACT_NAME_MAX = 128;
const REPORT_REASON_MAX = 500;

export function ContactInfo({ chatId, onClose }: { chatId: string; onClose(): void }) {
  const { t, locale } = useI18n();
  const chat = useStore((s) => s.chats[chatId]);
  const routeChatId = chatIdFromPath(usePath());
  const [profile, setProfile] = useState<PublicProfile | null>(null);
  const [status, setStatus] = useState<Status>(IDLE);
  const [dialog, setDialog] = useState<'block' | 'unblock' | 'report' | 'safety' | null>(null);
  const encrypted = useStore(() => store.isEncrypted(chatId));
  const meBusiness = useStore((s) => s.me?.kind === 'business');
  const verified = useStore((s) => s.verified[chatId] ?? false);
  const [editing, setEditing] = useState(false);
  const [contactName, setContactName] = useState('');
  const [reason, setReason] = useState('');
  const [alsoBlock, setAlsoBlock] = useState(true);
  const [busy, setBusy] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);
  const ids = useId();
  const peerId = chat?.peer.id;

  // The panel belongs to one chat: leaving that chat closes it.
  useEffect(() => {
    if (routeChatId !== chatId) onClose();
  }, [routeChatId, chatId, onClose]);

  const reload = useCallback(async () => {
    if (!peerId) return;
    try {
      setProfile(await store.api.profile(peerId));
    } catch {
      // keep what the chat list knows
    }
  }, [peerId]);

  useEffect(() => {
    void reload();
  }, [reload]);

  useEffect(() => {
    if (editing) nameInput.current?.focus();
  }, [editing]);

  const closeDialog = useCallback(() => setDialog(null), []);

  if (!chat) {
    return (
      <SidePanel title={t('contact.info')} closeLabel={t('contact.close')} side="end" onClose={onClose} className="contact-panel">
        <p className="panel-hint">{t('common.loading')}</p>
      </SidePanel>
    );
  }

  const peer: PublicProfile = profile ?? chat.peer;
  const name = peerName(peer);
  const now = Date.now();
  const muted = isMuted(chat, now);
  const until = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });

  const refresh = () => Promise.all([reload(), refreshChatWith(peer.id)]);

  /** Run a chat setting change with inline feedback. */
  const run = async (action: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    setStatus({ kind: 'busy', text: t('settings.saving') });
    try {
      await action();
      setStatus(done ? { kind: 'ok', text: done } : IDLE);
    } catch (err) {
      setStatus({ kind: 'error', text: errorMessage(t, err) });
    } finally {
      setBusy(false);
    }
  };

  const saveContact = (e: FormEvent) => {
    e.preventDefault();
    const value = contactName.trim();
    if (!value) return;
    void run(async () => {
      await store.api.saveContact(peer.phone, value);
      setEditing(false);
      await refresh();
    }, t('contact.saved'));
  };

  const block = async () => {
    await store.api.block(peer.id);
    setDialog(null);
    setStatus({ kind: 'ok', text: t('contact.blocked', { name }) });
    await refresh();
  };
  const unblock = async () => {
    await store.api.unblock(peer.id);
    setDialog(null);
    setStatus({ kind: 'ok', text: t('contact.unblocked', { name }) });
    await refresh();
  };
  const report = async () => {
    await store.api.report(peer.id, reason.trim(), alsoBlock, chat.id);
    setDialog(null);
    setReason('');
    setStatus({ kind: 'ok', text: t('contact.reported') });
    await refresh();
  };

  const hasName = !!(peer.contactName || peer.displayName);
  const showProfileName = !!peer.contactName && !!peer.displayName && peer.contactName !== peer.displayName;

  return (
    <SidePanel title={t('contact.info')} closeLabel={t('contact.close')} side="end" onClose={onClose} className="contact-panel">
      <div className="contact-hero">
        <Avatar id={peer.id} name={peer.contactName || peer.displayName || peer.phone} mediaId={peer.photoMediaId} size={140} />
        <h3 className="contact-name">
          {hasName ? name : <span dir="ltr">{name}</span>}
          <BusinessMarks peer={peer} />
        </h3>
        {showProfileName && <p className="panel-hint">{t('contact.profileName', { name: peer.displayName })}</p>}
        {hasName && (
          <p className="contact-phone">
            <span className="sr-only">{t('contact.phone')}: </span>
            <span dir="ltr">{formatPhone(peer.phone)}</span>
          </p>
        )}
      </div>

      {peer.kind === 'business' && peer.business?.api && (
        <p className="api-contact-notice" role="note">
          <span aria-hidden="true">🏢 </span>
          {t('api.notice')}
        </p>
      )}
      {peer.kind === 'business' && !peer.business?.api && (
        <p className="api-contact-notice" role="note">
          <span aria-hidden="true">🏢 </span>
          {t('e2e.business')}
        </p>
      )}
      {peer.kind === 'person' && meBusiness && (
        <p className="api-contact-notice" role="note">
          <span aria-hidden="true">🏢 </span>
          {t('e2e.businessSelf')}
        </p>
      )}
      {peer.kind === 'person' && encrypted && (
        <PanelSection id={`${ids}-e2e`} title={t('e2e.section')}>
          <p className="panel-hint">🔒 {t('e2e.notice')}</p>
          <button type="button" className="btn btn-ghost" onClick={() => setDialog('safety')}>
            {t('e2e.safety.open')}
            {verified && <span className="verified-mark"> · ✓ {t('e2e.verifiedMark')}</span>}
          </button>
        </PanelSection>
      )}
      {dialog === 'safety' && <SafetyNumberDialog chatId={chatId} name={name} onClose={() => setDialog(null)} />}
      {peer.kind === 'business' && <BusinessInfo accountId={peer.id} idPrefix={ids} />}
      {peer.kind === 'business' && !peer.blocked && <MarketingPreference businessId={peer.id} />}

      {peer.about && (
        <PanelSection id={`${ids}-about`} title={t('settings.about')}>
          <p className="contact-about">{peer.about}</p>
        </PanelSection>
      )}

      {/* A business's catalog (features/commerce). */}
      {peer.kind === 'business' && <ViewCatalogButton businessId={peer.id} chatId={chat.id} />}

      {peer.blocked && (
        <p className="notice-inline" role="note">
          {t('contact.isBlocked')}
        </p>
      )}
      {chat.archived && <p className="panel-hint">{t('contact.archived')}</p>}

      <div className="panel-section">
        {editing ? (
          <form className="settings-form" onSubmit={saveContact} noValidate>
            <div className="field">
              <label htmlFor={`${ids}-contact-name`}>{t('contact.name')}</label>
              <input
                ref={nameInput}
                id={`${ids}-contact-name`}
                className="input"
                type="text"
                autoComplete="off"
                maxLength={CONTACT_NAME_MAX}
                value={contactName}
                onChange={(e) => setContactName(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Escape') {
                    e.preventDefault();
                    setEditing(false);
                  }
                }}
              />
            </div>
            <div className="form-actions">
              <button type="button" className="btn btn-ghost" onClick={() => setEditing(false)}>
                {t('common.cancel')}
              </button>
              <button type="submit" className="btn" disabled={busy || !contactName.trim()}>
                {t('settings.save')}
              </button>
            </div>
          </form>
        ) : (
          <button
            type="button"
            className="btn btn-outline"
            onClick={() => {
              setContactName(peer.contactName ?? peer.displayName ?? '');
              setEditing(true);
            }}
          >
            {peer.contactName ? t('contact.edit') : t('contact.save')}
          </button>
        )}
      </div>

      <PanelSection id={`${ids}-notifications`} title={t('contact.notifications')}>
        <p className="panel-hint">
          {!muted ? t('contact.notMuted') : isMutedAlways(chat, now) ? t('contact.mutedAlways') : t('contact.mutedUntil', { when: until.format(chat.mutedUntil ?? now) })}
        </p>
        {muted ? (
          <button type="button" className="btn btn-outline" disabled={busy} onClick={() => void run(() => store.updateChat(chat.id, { mutedUntil: null }), t('chats.unmutedDone'))}>
            {t('chats.unmute')}
          </button>
        ) : (
          <div className="mute-options" role="group" aria-label={t('chats.mute')}>
            {MUTE_OPTIONS.map((o) => (
              <button key={o.key} type="button" className="btn btn-outline btn-small" disabled={busy} onClick={() => void run(() => store.updateChat(chat.id, { mutedUntil: muteUntil(o.ms) }), t('chats.mutedDone'))}>
                {t(o.key)}
              </button>
            ))}
          </div>
        )}
      </PanelSection>

      <ul className="contact-actions">
        <li>
          <button
            type="button"
            className="contact-action"
            disabled={busy}
            onClick={() => void run(() => store.updateChat(chat.id, { archived: !chat.archived }), t(chat.archived ? 'chats.unarchivedDone' : 'chats.archivedDone'))}
          >
            {chat.archived ? t('chats.unarchive') : t('chats.archive')}
          </button>
        </li>
        <li>
          <button type="button" className="contact-action danger-text" onClick={() => setDialog(peer.blocked ? 'unblock' : 'block')}>
            {peer.blocked ? `${t('contact.unblock')} ${name}` : `${t('contact.block')} ${name}`}
          </button>
        </li>
        <li>
          <button type="button" className="contact-action danger-text" onClick={() => setDialog('report')}>
            {`${t('contact.report')} ${name}`}
          </button>
        </li>
      </ul>

      <InlineStatus state={status} />

      {dialog === 'block' && (
        <ConfirmDialog title={t('contact.blockTitle')} message={t('contact.blockConfirm', { name })} confirmLabel={t('contact.block')} danger onConfirm={block} onCancel={closeDialog} />
      )}
      {dialog === 'unblock' && (
        <ConfirmDialog title={t('contact.unblockTitle')} message={t('contact.unblockConfirm', { name })} confirmLabel={t('contact.unblock')} onConfirm={unblock} onCancel={closeDialog} />
      )}
      {dialog === 'report' && (
        <ConfirmDialog title={t('contact.reportTitle', { name })} message={t('contact.reportConfirm')} confirmLabel={t('contact.report')} danger onConfirm={report} onCancel={closeDialog}>
          <div className="field">
            <label htmlFor={`${ids}-reason`}>{t('contact.reportReason')}</label>
            <textarea id={`${ids}-reason`} className="input" rows={3} maxLength={REPORT_REASON_MAX} value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          <label className="confirm-check">
            <input type="checkbox" checked={alsoBlock} onChange={(e) => setAlsoBlock(e.target.checked)} disabled={peer.blocked} />
            <span>{t('contact.reportAlsoBlock')}</span>
          </label>
        </ConfirmDialog>
      )}
    </SidePanel>
  );
}
