/**
 * The "Verification" section of the business panel: the current state (not verified, waiting,
 * verified, rejected with the administrator's reason) and the request form (legal name and 1 to 5
 * documents, images or PDF, uploaded here). Reloads when a review arrives.
 */
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { Media } from '#contracts/models.js';
import { BUSINESS_LIMITS, type VerificationState } from '#contracts/business-profile.js';
import { useI18n } from '../../i18n/index.js';
import type { MessageKey } from '../../i18n/en.js';
import { store, useStore } from '../../lib/store.js';
import { errorMessage } from '../auth/auth-screen.js';
import { IDLE, InlineStatus, type Status } from '../contacts/side-panel.js';
import { businessApi } from './business-api.js';
import { VerifiedBadge } from './verified-badge.js';

export function VerificationSection() {
  const { t } = useI18n();
  const version = useStore((s) => s.businessVersions['verification'] ?? 0);
  const [state, setState] = useState<VerificationState | null>(null);
  const [legalName, setLegalName] = useState('');
  const [docs, setDocs] = useState<Media[]>([]);
  const [status, setStatus] = useState<Status>(IDLE);
  const [busy, setBusy] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);
  const id = useId();

  const load = useCallback(async () => {
    try {
      setState(await businessApi().verification());
    } catch (err) {
      setStatus({ kind: 'error', text: errorMessage(t, err) });
    }
  }, [t]);

  useEffect(() => {
    void load();
  }, [load, version]);

  const onFiles = async (files: FileList | null) => {
    if (!files) return;
    setBusy(true);
    try {
      const added: Media[] = [];
      for (const f of [...files].slice(0, BUSINESS_LIMITS.documents - docs.length)) {
        const kind = f.type.startsWith('image/') ? 'image' : 'document';
        added.push(await store.api.uploadMedia(f, kind, f.name));
      }
      setDocs((d) => [...d, ...added]);
      setStatus(IDLE);
    } catch (err) {
      setStatus({ kind: 'error', text: errorMessage(t, err) });
    } finally {
      setBusy(false);
      if (fileRef.current) fileRef.current.value = '';
    }
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setStatus({ kind: 'busy', text: t('settings.saving') });
    try {
      setState(await businessApi().submitVerification(legalName, docs.map((d) => d.id)));
      setDocs([]);
      setLegalName('');
      setStatus({ kind: 'ok', text: t('business.submitted') });
    } catch (err) {
      setStatus({ kind: 'error', text: errorMessage(t, err) });
    } finally {
      setBusy(false);
    }
  };

  if (!state) return <p className="panel-hint" style={{ padding: 16 }}>{t('common.loading')}</p>;
  const canSubmit = state.status === 'none' || state.status === 'rejected';
  const statusText = t(`business.status.${state.status}` as MessageKey);

  return (
    <div className="biz-form">
      <p role="status" aria-live="polite">
        <span className={`biz-status ${state.status}`} data-testid="verification-status">
          {t('business.statusLabel', { status: statusText })}
          {state.verified && <VerifiedBadge />}
        </span>
      </p>
      {state.status === 'rejected' && state.reason && <p className="notice-inline">{t('business.rejectedReason', { reason: state.reason })}</p>}
      {canSubmit && (
        <form className="biz-form" style={{ padding: 0 }} onSubmit={onSubmit} noValidate aria-label={t('business.verification')}>
          <p className="panel-hint">{t('business.verificationIntro')}</p>
          <div className="field">
            <label htmlFor={`${id}-legal`}>{t('business.legalName')}</label>
            <input id={`${id}-legal`} className="input" maxLength={BUSINESS_LIMITS.legalName} value={legalName} onChange={(e) => setLegalName(e.target.value)} autoComplete="organization" />
          </div>
          <fieldset>
            <legend>{t('business.documents')}</legend>
            {docs.length > 0 && (
              <ul className="biz-docs">
                {docs.map((d) => (
                  <li key={d.id}>
                    <span>{d.fileName ?? d.id}</span>
                    <button type="button" className="btn btn-ghost btn-small" onClick={() => setDocs((all) => all.filter((x) => x.id !== d.id))}>
                      {t('business.removeDocument', { name: d.fileName ?? d.id })}
                    </button>
                  </li>
                ))}
              </ul>
            )}
            <label htmlFor={`${id}-files`} className="sr-only">
              {t('business.addDocuments')}
            </label>
            <input ref={fileRef} id={`${id}-files`} type="file" multiple accept="image/*,application/pdf" className="sr-only" onChange={(e) => void onFiles(e.target.files)} />
            {docs.length < BUSINESS_LIMITS.documents && (
              <button type="button" className="btn btn-outline btn-small" style={{ alignSelf: 'flex-start' }} disabled={busy} onClick={() => fileRef.current?.click()}>
                {t('business.addDocuments')}
              </button>
            )}
          </fieldset>
          <InlineStatus state={status} />
          <button type="submit" className="btn" disabled={busy || !legalName.trim() || docs.length === 0}>
            {t('business.submit')}
          </button>
        </form>
      )}
      {!canSubmit && <InlineStatus state={status} />}
    </div>
  );
}
