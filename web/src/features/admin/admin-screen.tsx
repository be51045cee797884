/**
 * The platform administrators' screen at /admin: sign-in with username and password, the queue of
 * verification requests waiting for review, their documents, and approve / reject with a reason.
 * The administrator token is kept for the browser tab only (sessionStorage) and is never a device
 * token: the chat app's session is untouched.
 */
import { useCallback, useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import type { AdminSession, AdminVerification } from '#contracts/business-profile.js';
import { useI18n } from '../../i18n/index.js';
import { Api, ApiError } from '../../lib/api.js';
import { errorMessage } from '../auth/auth-screen.js';
import { ConfirmDialog } from '../contacts/confirm-dialog.js';
import { formatPhone } from '../contacts/peer.js';
import { categoryLabel, VerifiedBadge } from '../business/verified-badge.js';
import '../../styles/settings.css';
import '../../styles/business.css';

const KEY = 'parley.admin';

function loadSession(): AdminSession | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as AdminSession | null;
    return s && s.expiresAt > Date.now() ? s : null;
  } catch {
    return null;
  }
}

function AdminLogin({ onSignedIn }: { onSignedIn(s: AdminSession): void }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const api = useMemo(() => new Api(() => null), []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.request<AdminSession>('POST', '/v1/admin/login', { username, password }));
    } catch (err) {
      setError(errorMessage(t, err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="admin">
      <form className="admin-card admin-login" onSubmit={submit} noValidate>
        <h1 style={{ fontSize: 20, margin: 0 }}>{t('admin.title')}</h1>
        <div className="field">
          <label htmlFor="admin-username">{t('admin.username')}</label>
          <input id="admin-username" className="input" autoComplete="username" autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="admin-password">{t('admin.password')}</label>
          <input id="admin-password" className="input" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="btn" disabled={busy || !username || !password}>
          {t('admin.signIn')}
        </button>
      </form>
    </main>
  );
}

function RequestCard({ v, api, token, onDone }: { v: AdminVerification; api: Api; token: string; onDone(text: string): void }) {
  const { t, locale } = useI18n();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(v.createdAt);
  const cancel = useCallback(() => setRejecting(false), []);

  const approve = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.request<void>('POST', `/v1/admin/verifications/${encodeURIComponent(v.id)}/approve`);
      onDone(t('admin.approved', { name: v.businessName }));
    } catch (err) {
      setError(errorMessage(t, err));
    } finally {
      setBusy(false);
    }
  };
  const reject = async () => {
    await api.request<void>('POST', `/v1/admin/verifications/${encodeURIComponent(v.id)}/reject`, { reason });
    setRejecting(false);
    onDone(t('admin.rejected', { name: v.businessName }));
  };

  return (
    <li className="admin-card" aria-labelledby={`${id}-name`}>
      <h3 id={`${id}-name`}>
        {v.businessName}
        {v.verified && <VerifiedBadge />}
      </h3>
      <dl className="biz-info" style={{ display: 'grid', gridTemplateColumns: 'auto 1fr', gap: '4px 12px', margin: 0 }}>
        <dt>{t('business.category')}</dt>
        <dd style={{ margin: 0 }}>{categoryLabel(t, v.category)}</dd>
        <dt>{t('admin.legalName')}</dt>
        <dd style={{ margin: 0 }}>{v.legalName}</dd>
        <dt>{t('admin.phone')}</dt>
        <dd style={{ margin: 0 }} dir="ltr">
          {formatPhone(v.phone)}
        </dd>
      </dl>
      <p className="panel-hint">{t('admin.submitted', { when })}</p>
      <div>
        <strong>{t('admin.documents')}</strong>
        <ul className="biz-docs">
          {v.documents.map((d) => (
            <li key={d.mediaId}>
              <a href={`/v1/admin/verifications/${encodeURIComponent(v.id)}/documents/${encodeURIComponent(d.mediaId)}?token=${encodeURIComponent(token)}`} target="_blank" rel="noopener noreferrer">
                {t('admin.openDocument', { name: d.fileName ?? d.mediaId })}
              </a>
            </li>
          ))}
        </ul>
      </div>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <div className="admin-actions">
        <button type="button" className="btn" disabled={busy} onClick={() => void approve()}>
          {t('admin.approve')}
        </button>
        <button type="button" className="btn btn-outline danger-text" disabled={busy} onClick={() => setRejecting(true)}>
          {t('admin.reject')}
        </button>
      </div>
      {rejecting && (
        <ConfirmDialog title={t('admin.rejectTitle', { name: v.businessName })} message={v.legalName} confirmLabel={t('admin.reject')} danger onConfirm={reject} onCancel={cancel}>
          <div className="field">
            <label htmlFor={`${id}-reason`}>{t('admin.rejectReason')}</label>
            <textarea id={`${id}-reason`} className="input" rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
        </ConfirmDialog>
      )}
    </li>
  );
}

export function AdminScreen() {
  const { t } = useI18n();
  const [session, setSession] = useState<AdminSession | null>(loadSession);
  const [queue, setQueue] = useState<AdminVerification[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const token = session?.token ?? null;
  const api = useMemo(() => new Api(() => token), [token]);

  const signOut = useCallback(
    (callServer = true) => {
      if (callServer) void api.request<void>('POST', '/v1/admin/logout').catch(() => undefined);
      sessionStorage.removeItem(KEY);
      setSession(null);
      setQueue(null);
    },
    [api],
  );

  const load = useCallback(async () => {
    if (!token) return;
    try {
      const r = await api.request<{ verifications: AdminVerification[] }>('GET', '/v1/admin/verifications?status=pending');
      setQueue(r.verifications);
      setError(null);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'ADMIN_UNAUTHENTICATED') signOut(false);
      else setError(errorMessage(t, err));
    }
  }, [api, token, t, signOut]);

  useEffect(() => {
    void load();
  }, [load]);

  if (!session) {
    return (
      <AdminLogin
        onSignedIn={(s) => {
          sessionStorage.setItem(KEY, JSON.stringify(s));
          setSession(s);
        }}
      />
    );
  }

  return (
    <div className="admin">
      <header className="admin-top">
        <h1>{t('admin.title')}</h1>
        <div className="admin-actions" style={{ alignItems: 'center' }}>
          <span className="panel-hint">{t('admin.signedInAs', { name: session.username })}</span>
          <button type="button" className="btn btn-outline btn-small" onClick={() => void load()}>
            {t('admin.refresh')}
          </button>
          <button type="button" className="btn btn-ghost btn-small" onClick={() => signOut()}>
            {t('admin.signOut')}
          </button>
        </div>
      </header>
      <main className="admin-main">
        <h2 style={{ margin: 0, fontSize: 18 }}>{t('admin.queue')}</h2>
        <div role="status" aria-live="polite">
          {notice && <p className="notice-inline">{notice}</p>}
        </div>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        {queue === null ? (
          <p className="panel-hint">{t('common.loading')}</p>
        ) : queue.length === 0 ? (
          <p className="panel-hint">{t('admin.empty')}</p>
        ) : (
          <ul className="admin-queue" aria-label={t('admin.queue')}>
            {queue.map((v) => (
              <RequestCard
                key={v.id}
                v={v}
                api={api}
                token={session.token}
                onDone={(text) => {
                  setNotice(text);
                  void load();
                }}
              />
            ))}
          </ul>
        )}
      </main>
    </div>
  );
}
