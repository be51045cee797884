/**
 * Business tools → Business API: the owner turns API access on; sees the WABA id and each number's
 * phone_number_id (with copy buttons); creates apps (the app secret is shown once); issues access
 * tokens with scopes (shown once), sees when each was last used and revokes them; sets each app's
 * webhook (callback URL and verify token, checked by the hub.challenge handshake before it is
 * saved, with the failure explained) and looks at its recent deliveries.
 */
import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useI18n, type Translate } from '../../i18n/index.js';
import type { MessageKey } from '../../i18n/en.js';
import { ApiError } from '../../lib/api.js';
import { useStore } from '../../lib/store.js';
import { errorMessage } from '../auth/auth-screen.js';
import { ConfirmDialog } from '../contacts/confirm-dialog.js';
import { IDLE, InlineStatus, PanelSection, type Status } from '../contacts/side-panel.js';
import { API_SCOPES, businessApiSetup, type ApiScope, type ApiState, type Delivery } from './api-client.js';
import '../../styles/business-api.css';

/** A localized message for an error of these screens (the handshake's reason spelled out). */
export function setupErrorMessage(t: Translate, err: unknown): string {
  if (err instanceof ApiError && err.code === 'WEBHOOK_VERIFICATION_FAILED') {
    const reason = String(err.details?.reason ?? '');
    const status = err.details?.status;
    if (reason === 'status') return t('api.webhook.failedStatus', { status: String(status ?? '?') });
    if (reason === 'body') return t('api.webhook.failedBody');
    if (reason === 'timeout') return t('api.webhook.failedTimeout');
    if (reason === 'unreachable') return t('api.webhook.failedUnreachable');
    return err.message || t('error.generic');
  }
  return errorMessage(t, err);
}

function useDateTime() {
  const { locale } = useI18n();
  const fmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  return (ts: number) => fmt.format(ts);
}

/** A read-only value with a copy button and its own "Copied" confirmation. */
export function CopyField({ label, value, id, secret = false }: { label: string; value: string; id: string; secret?: boolean }) {
  const { t } = useI18n();
  const [status, setStatus] = useState<Status>(IDLE);
  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      setStatus({ kind: 'ok', text: t('api.copied') });
    } catch {
      setStatus({ kind: 'error', text: t('api.copyFailed') });
    }
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="api-copy-row">
        <input id={id} className={`input api-mono${secret ? ' api-secret' : ''}`} type="text" readOnly value={value} onFocus={(e) => e.currentTarget.select()} spellCheck={false} />
        <button type="button" className="btn btn-outline btn-small" onClick={() => void copy()} aria-label={t('api.copyWhat', { what: label })}>
          {t('api.copy')}
        </button>
      </div>
      <InlineStatus state={status} />
    </div>
  );
}

/** A secret shown this once: the value, a copy button, a warning and a "done" button. */
function ShownOnce({ title, warning, label, value, id, onDone }: { title: string; warning: string; label: string; value: string; id: string; onDone(): void }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <div className="api-once" role="region" aria-label={title} tabIndex={-1} ref={ref}>
      <strong className="api-once-title">{title}</strong>
      <p className="api-once-warning" role="alert">
        <span aria-hidden="true">⚠️ </span>
        {warning}
      </p>
      <CopyField label={label} value={value} id={id} secret />
      <div>
        <button type="button" className="btn btn-small" onClick={onDone}>
          {t('api.once.done')}
        </button>
      </div>
    </div>
  );
}

export function ApiSettingsSection() {
  const { t } = useI18n();
  const version = useStore((s) => s.businessVersions['api'] ?? 0);
  const [state, setState] = useState<ApiState | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [enableStatus, setEnableStatus] = useState<Status>(IDLE);

  const load = useCallback(async () => {
    try {
      setState(await businessApiSetup().state());
      setLoadError(null);
    } catch (err) {
      setLoadError(setupErrorMessage(t, err));
    }
  }, [t]);

  useEffect(() => {
    void load();
  }, [load, version]);

  if (loadError && !state)
    return (
      <p className="error-text" role="alert">
        {loadError}
      </p>
    );
  if (!state)
    return (
      <p className="panel-hint" role="status">
        {t('common.loading')}
      </p>
    );

  if (!state.enabled) {
    const enable = async () => {
      setEnableStatus({ kind: 'busy', text: t('api.enabling') });
      try {
        setState(await businessApiSetup().enable());
        setEnableStatus({ kind: 'ok', text: t('api.enabled') });
      } catch (err) {
        setEnableStatus({ kind: 'error', text: setupErrorMessage(t, err) });
      }
    };
    return (
      <PanelSection id="api-off" title={t('api.section')}>
        <p className="panel-hint">{t('api.intro')}</p>
        <p className="panel-hint">{t('api.introCustomers')}</p>
        <div>
          <button type="button" className="btn" disabled={enableStatus.kind === 'busy'} onClick={() => void enable()}>
            {t('api.enable')}
          </button>
        </div>
        <InlineStatus state={enableStatus} />
      </PanelSection>
    );
  }

  return (
    <>
      <InlineStatus state={enableStatus} />
      <PanelSection id="api-ids" title={t('api.ids.title')}>
        <p className="panel-hint">{t('api.ids.help')}</p>
        {state.wabaId && <CopyField id="api-waba-id" label={t('api.ids.waba')} value={state.wabaId} />}
        {state.numbers.map((n) => (
          <CopyField key={n.phoneNumberId} id={`api-pnid-${n.phoneNumberId}`} label={t('api.ids.phoneNumberId', { number: `+${n.displayPhoneNumber}` })} value={n.phoneNumberId} />
        ))}
      </PanelSection>
      <AppsSection state={state} onChanged={load} />
      <TokensSection state={state} onChanged={load} />
    </>
  );
}

// ---- apps ------------------------------------------------------------------------------------------

function AppsSection({ state, onChanged }: { state: ApiState; onChanged(): Promise<void> }) {
  const { t } = useI18n();
  const ids = useId();
  const [name, setName] = useState('');
  const [status, setStatus] = useState<Status>(IDLE);
  const [created, setCreated] = useState<{ name: string; appSecret: string } | null>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    const value = name.trim();
    if (!value || status.kind === 'busy') return;
    setStatus({ kind: 'busy', text: t('api.apps.creating') });
    try {
      const app = await businessApiSetup().createApp(value);
      setCreated({ name: app.name, appSecret: app.appSecret });
      setName('');
      setStatus(IDLE);
      await onChanged();
    } catch (err) {
      setStatus({ kind: 'error', text: setupErrorMessage(t, err) });
    }
  };

  return (
    <PanelSection id="api-apps" title={t('api.apps.title')}>
      <p className="panel-hint">{t('api.apps.help')}</p>
      {created && (
        <ShownOnce
          title={t('api.apps.createdTitle', { name: created.name })}
          warning={t('api.apps.secretWarning')}
          label={t('api.apps.secret')}
          value={created.appSecret}
          id={`${ids}-secret`}
          onDone={() => setCreated(null)}
        />
      )}
      {state.apps.length === 0 ? (
        <p className="panel-hint">{t('api.apps.none')}</p>
      ) : (
        <ul className="api-cards">
          {state.apps.map((app) => (
            <li key={app.id}>
              <AppCard app={app} onChanged={onChanged} />
            </li>
          ))}
        </ul>
      )}
      <form className="settings-form" onSubmit={(e) => void create(e)} noValidate>
        <div className="api-copy-row">
          <div className="field">
            <label htmlFor={`${ids}-app-name`}>{t('api.apps.name')}</label>
            <input id={`${ids}-app-name`} className="input" type="text" maxLength={100} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
          </div>
          <button type="submit" className="btn" disabled={!name.trim() || status.kind === 'busy'}>
            {t('api.apps.create')}
          </button>
        </div>
        <InlineStatus state={status} />
      </form>
    </PanelSection>
  );
}

/** Events per webhook request an owner may choose (the server accepts 1–100). */
const WEBHOOK_BATCH_SIZES = [1, 10, 50, 100] as const;

function AppCard({ app, onChanged }: { app: ApiState['apps'][number]; onChanged(): Promise<void> }) {
  const { t } = useI18n();
  const ids = useId();
  const when = useDateTime();
  const [editing, setEditing] = useState(false);
  const [url, setUrl] = useState(app.webhook?.callbackUrl ?? '');
  const [verifyToken, setVerifyToken] = useState('');
  const [batchSize, setBatchSize] = useState(app.webhook?.batchSize ?? 1);
  const [status, setStatus] = useState<Status>(IDLE);
  const [showDeliveries, setShowDeliveries] = useState(false);
  const urlInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (editing) urlInput.current?.focus();
  }, [editing]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!url.trim() || !verifyToken || status.kind === 'busy') return;
    setStatus({ kind: 'busy', text: t('api.webhook.verifying') });
    try {
      await businessApiSetup().setWebhook(app.id, url.trim(), verifyToken, batchSize === (app.webhook?.batchSize ?? 1) ? undefined : batchSize);
      setStatus({ kind: 'ok', text: t('api.webhook.saved') });
      setEditing(false);
      setVerifyToken('');
      await onChanged();
    } catch (err) {
      setStatus({ kind: 'error', text: setupErrorMessage(t, err) });
    }
  };

  return (
    <article className="api-card" aria-labelledby={`${ids}-name`}>
      <h4 id={`${ids}-name`} className="api-card-title">
        {app.name}
      </h4>
      <CopyField id={`${ids}-app-id`} label={t('api.apps.id')} value={app.id} />
      <div className="api-webhook">
        <span className="field-label">{t('api.webhook.title')}</span>
        {app.webhook ? (
          <p className="api-webhook-url">
            <span className="api-mono">{app.webhook.callbackUrl}</span>
            <span className="panel-hint"> · {t('api.webhook.verifiedAt', { when: when(app.webhook.updatedAt) })}</span>
            {(app.webhook.batchSize ?? 1) > 1 && <span className="panel-hint"> · {t('api.webhook.batchedUpTo', { n: app.webhook.batchSize ?? 1 })}</span>}
          </p>
        ) : (
          <p className="panel-hint">{t('api.webhook.none')}</p>
        )}
        {editing ? (
          <form
            className="settings-form"
            onSubmit={(e) => void save(e)}
            noValidate
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.preventDefault();
                setEditing(false);
                setStatus(IDLE);
              }
            }}
          >
            <p className="panel-hint">{t('api.webhook.help')}</p>
            <div className="field">
              <label htmlFor={`${ids}-url`}>{t('api.webhook.url')}</label>
              <input ref={urlInput} id={`${ids}-url`} className="input api-mono" type="url" inputMode="url" placeholder="https://example.com/whatsapp" value={url} onChange={(e) => setUrl(e.target.value)} autoComplete="off" spellCheck={false} />
            </div>
            <div className="field">
              <label htmlFor={`${ids}-verify`}>{t('api.webhook.verifyToken')}</label>
              <input id={`${ids}-verify`} className="input" type="text" maxLength={200} value={verifyToken} onChange={(e) => setVerifyToken(e.target.value)} autoComplete="off" spellCheck={false} aria-describedby={`${ids}-verify-help`} />
              <p id={`${ids}-verify-help`} className="panel-hint">
                {t('api.webhook.verifyTokenHelp')}
              </p>
            </div>
            <div className="field">
              <label htmlFor={`${ids}-batch`}>{t('api.webhook.batchSize')}</label>
              <select id={`${ids}-batch`} className="input" value={batchSize} onChange={(e) => setBatchSize(Number(e.target.value))} aria-describedby={`${ids}-batch-help`}>
                {WEBHOOK_BATCH_SIZES.map((n) => (
                  <option key={n} value={n}>
                    {n === 1 ? t('api.webhook.batchOne') : t('api.webhook.batchUpTo', { n })}
                  </option>
                ))}
              </select>
              <p id={`${ids}-batch-help`} className="panel-hint">
                {t('api.webhook.batchHelp')}
              </p>
            </div>
            <div className="form-actions">
              <button
                type="button"
                className="btn btn-ghost"
                onClick={() => {
                  setEditing(false);
                  setStatus(IDLE);
                }}
              >
                {t('common.cancel')}
              </button>
              <button type="submit" className="btn" disabled={!url.trim() || !verifyToken || status.kind === 'busy'}>
                {t('api.webhook.verifyAndSave')}
              </button>
            </div>
          </form>
        ) : (
          <div className="api-actions">
            <button type="button" className="btn btn-outline btn-small" onClick={() => setEditing(true)}>
              {app.webhook ? t('api.webhook.change') : t('api.webhook.set')}
            </button>
            <button type="button" className="btn btn-outline btn-small" aria-expanded={showDeliveries} aria-controls={`${ids}-deliveries`} onClick={() => setShowDeliveries((v) => !v)}>
              {showDeliveries ? t('api.deliveries.hide') : t('api.deliveries.show')}
            </button>
          </div>
        )}
        <InlineStatus state={status} />
      </div>
      <div id={`${ids}-deliveries`}>{showDeliveries && <Deliveries appId={app.id} />}</div>
    </article>
  );
}

const DELIVERY_STATUS: Record<string, MessageKey> = {
  pending: 'api.deliveries.pending',
  delivered: 'api.deliveries.delivered',
  dropped: 'api.deliveries.dropped',
};

function Deliveries({ appId }: { appId: string }) {
  const { t } = useI18n();
  const when = useDateTime();
  const [list, setList] = useState<Delivery[] | null>(null);
  const [status, setStatus] = useState<Status>(IDLE);

  const load = useCallback(async () => {
    setStatus({ kind: 'busy', text: t('common.loading') });
    try {
      setList((await businessApiSetup().deliveries(appId)).deliveries);
      setStatus(IDLE);
    } catch (err) {
      setStatus({ kind: 'error', text: setupErrorMessage(t, err) });
    }
  }, [appId, t]);

  useEffect(() => {
    void load();
  }, [load]);

  let body: ReactNode = null;
  if (list && list.length === 0) body = <p className="panel-hint">{t('api.deliveries.none')}</p>;
  else if (list)
    body = (
      <ul className="api-deliveries">
        {list.map((d) => (
          <li key={d.eventId} className={`api-delivery api-delivery-${d.status}`}>
            <div className="api-delivery-head">
              <span className="api-delivery-status">{t(DELIVERY_STATUS[d.status] ?? 'api.deliveries.pending')}</span>
              <span className="api-mono">{d.field}</span>
              <span className="panel-hint">{when(d.createdAt)}</span>
            </div>
            <div className="api-delivery-meta">
              <span>{d.lastStatusCode === null ? t('api.deliveries.noAnswer') : t('api.deliveries.code', { code: d.lastStatusCode })}</span>
              <span>{t('api.deliveries.attempts', { count: d.attempts })}</span>
              {d.nextAttemptAt !== null && <span>{t('api.deliveries.nextRetry', { when: when(d.nextAttemptAt) })}</span>}
              {d.deliveredAt !== null && <span>{t('api.deliveries.deliveredAt', { when: when(d.deliveredAt) })}</span>}
            </div>
            {d.lastError && d.status !== 'delivered' && <p className="api-delivery-error">{d.lastError}</p>}
            {d.recentAttempts.length > 0 && (
              <details className="api-delivery-attempts">
                <summary>{t('api.deliveries.recentAttempts', { count: d.recentAttempts.length })}</summary>
                <ol>
                  {d.recentAttempts.map((a, i) => (
                    <li key={i}>
                      <span className="panel-hint">{when(a.at)}</span>
                      <span>{a.statusCode === null ? t('api.deliveries.noAnswer') : t('api.deliveries.code', { code: a.statusCode })}</span>
                      <span>{t('api.deliveries.took', { ms: a.durationMs })}</span>
                      {a.error && <span className="api-delivery-error">{a.error}</span>}
                    </li>
                  ))}
                </ol>
              </details>
            )}
          </li>
        ))}
      </ul>
    );

  return (
    <div className="api-deliveries-wrap">
      <div className="api-actions">
        <strong className="field-label">{t('api.deliveries.title')}</strong>
        <button type="button" className="btn btn-ghost btn-small" onClick={() => void load()} disabled={status.kind === 'busy'}>
          {t('api.deliveries.refresh')}
        </button>
      </div>
      {body}
      <InlineStatus state={status} />
    </div>
  );
}

// ---- tokens ----------------------------------------------------------------------------------------

const SCOPE_KEYS: Record<ApiScope, { label: MessageKey; help: MessageKey }> = {
  messaging: { label: 'api.scope.messaging', help: 'api.scope.messagingHelp' },
  management: { label: 'api.scope.management', help: 'api.scope.managementHelp' },
};

function TokensSection({ state, onChanged }: { state: ApiState; onChanged(): Promise<void> }) {
  const { t } = useI18n();
  const ids = useId();
  const when = useDateTime();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Set<ApiScope>>(() => new Set(API_SCOPES));
  const [status, setStatus] = useState<Status>(IDLE);
  const [issued, setIssued] = useState<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiState['tokens'][number] | null>(null);
  const cancelRevoke = useCallback(() => setRevoking(null), []);

  const issue = async (e: FormEvent) => {
    e.preventDefault();
    if (scopes.size === 0 || status.kind === 'busy') return;
    setStatus({ kind: 'busy', text: t('api.tokens.issuing') });
    try {
      const tok = await businessApiSetup().issueToken(
        API_SCOPES.filter((s) => scopes.has(s)),
        name.trim() || undefined,
      );
      setIssued({ name: tok.name, token: tok.token });
      setName('');
      setStatus(IDLE);
      await onChanged();
    } catch (err) {
      setStatus({ kind: 'error', text: setupErrorMessage(t, err) });
    }
  };

  const toggle = (s: ApiScope, on: boolean) =>
    setScopes((prev) => {
      const next = new Set(prev);
      if (on) next.add(s);
      else next.delete(s);
      return next;
    });

  return (
    <PanelSection id="api-tokens" title={t('api.tokens.title')}>
      <p className="panel-hint">{t('api.tokens.help')}</p>
      {issued && (
        <ShownOnce
          title={t('api.tokens.issuedTitle', { name: issued.name })}
          warning={t('api.tokens.tokenWarning')}
          label={t('api.tokens.token')}
          value={issued.token}
          id={`${ids}-token`}
          onDone={() => setIssued(null)}
        />
      )}
      <form className="settings-form" onSubmit={(e) => void issue(e)} noValidate>
        <div className="field">
          <label htmlFor={`${ids}-token-name`}>{t('api.tokens.name')}</label>
          <input id={`${ids}-token-name`} className="input" type="text" maxLength={100} placeholder={t('api.tokens.namePlaceholder')} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </div>
        <fieldset className="api-scopes" aria-describedby={scopes.size === 0 ? `${ids}-scopes-err` : undefined}>
          <legend className="field-label">{t('api.tokens.scopes')}</legend>
          {API_SCOPES.map((s) => (
            <label key={s} className="api-scope">
              <input type="checkbox" checked={scopes.has(s)} onChange={(e) => toggle(s, e.target.checked)} />
              <span>
                <span className="api-scope-name">{t(SCOPE_KEYS[s].label)}</span>
                <span className="panel-hint api-scope-help">{t(SCOPE_KEYS[s].help)}</span>
              </span>
            </label>
          ))}
          {scopes.size === 0 && (
            <p id={`${ids}-scopes-err`} className="error-text">
              {t('api.tokens.pickScope')}
            </p>
          )}
        </fieldset>
        <div className="form-actions">
          <InlineStatus state={status} />
          <button type="submit" className="btn" disabled={scopes.size === 0 || status.kind === 'busy'}>
            {t('api.tokens.issue')}
          </button>
        </div>
      </form>
      {state.tokens.length === 0 ? (
        <p className="panel-hint">{t('api.tokens.none')}</p>
      ) : (
        <ul className="api-cards" aria-label={t('api.tokens.list')}>
          {state.tokens.map((tok) => (
            <li key={tok.id} className={`api-card api-token${tok.revokedAt ? ' revoked' : ''}`}>
              <div className="api-token-text">
                <strong>{tok.name}</strong>
                <span className="panel-hint">{tok.scopes.map((s) => t(SCOPE_KEYS[s]?.label ?? 'api.scope.messaging')).join(' · ')}</span>
                <span className="panel-hint">
                  {t('api.tokens.created', { when: when(tok.createdAt) })} · {tok.lastUsedAt ? t('api.tokens.lastUsed', { when: when(tok.lastUsedAt) }) : t('api.tokens.neverUsed')}
                </span>
                {tok.revokedAt && <span className="api-revoked">{t('api.tokens.revokedAt', { when: when(tok.revokedAt) })}</span>}
              </div>
              {!tok.revokedAt && (
                <button type="button" className="btn btn-outline btn-small danger-text" onClick={() => setRevoking(tok)} aria-label={t('api.tokens.revokeNamed', { name: tok.name })}>
                  {t('api.tokens.revoke')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {revoking && (
        <ConfirmDialog
          title={t('api.tokens.revokeTitle')}
          message={t('api.tokens.revokeConfirm', { name: revoking.name })}
          confirmLabel={t('api.tokens.revoke')}
          danger
          onCancel={cancelRevoke}
          onConfirm={async () => {
            await businessApiSetup().revokeToken(revoking.id);
            setRevoking(null);
            setStatus({ kind: 'ok', text: t('api.tokens.revoked') });
            await onChanged();
          }}
        />
      )}
    </PanelSection>
  );
}
