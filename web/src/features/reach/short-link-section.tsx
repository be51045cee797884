/**
 * Business tools → Short link: the link with a copy button, the prefilled text (≤ 140 characters),
 * a QR code preview with PNG and SVG downloads, and reset (with confirmation).
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { PREFILLED_TEXT_MAX, type ShortLink } from '#contracts/reach.js';
import { useI18n } from '../../i18n/index.js';
import { useStore } from '../../lib/store.js';
import { errorMessage } from '../auth/auth-screen.js';
import { ConfirmDialog } from '../contacts/confirm-dialog.js';
import { IDLE, InlineStatus, PanelSection, type Status } from '../contacts/side-panel.js';
import { downloadBlob, reachApi } from './reach-api.js';
import '../../styles/reach.css';

const charCount = (s: string) => [...s.trim()].length;

export function ShortLinkSection() {
  const { t } = useI18n();
  const version = useStore((s) => s.businessVersions['short-link'] ?? 0);
  const [link, setLink] = useState<ShortLink | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [status, setStatus] = useState<Status>(IDLE);
  const [copyStatus, setCopyStatus] = useState<Status>(IDLE);
  const [qrUrl, setQrUrl] = useState<string | null>(null);
  const [qrStatus, setQrStatus] = useState<Status>(IDLE);
  const [confirmReset, setConfirmReset] = useState(false);
  const cancelReset = useCallback(() => setConfirmReset(false), []);

  useEffect(() => {
    let live = true;
    reachApi.shortLink().then(
      (l) => {
        if (!live) return;
        setLink(l);
        setText(l.prefilledText);
        setLoadError(null);
      },
      (err) => live && setLoadError(errorMessage(t, err)),
    );
    return () => {
      live = false;
    };
  }, [version, t]);

  // The QR preview follows the link (a reset changes it).
  const code = link?.code;
  useEffect(() => {
    if (!code) return;
    let url: string | null = null;
    let live = true;
    reachApi.qr('svg').then(
      (blob) => {
        if (!live) return;
        url = URL.createObjectURL(blob);
        setQrUrl(url);
      },
      (err) => live && setQrStatus({ kind: 'error', text: errorMessage(t, err) }),
    );
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [code, t]);

  if (loadError) return <p className="error-text" role="alert">{loadError}</p>;
  if (!link) return <p className="panel-hint" role="status">{t('common.loading')}</p>;

  const count = charCount(text);
  const tooLong = count > PREFILLED_TEXT_MAX;
  const dirty = text.trim() !== link.prefilledText;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!dirty || tooLong || status.kind === 'busy') return;
    setStatus({ kind: 'busy', text: t('reach.saving') });
    try {
      const next = await reachApi.setPrefilledText(text);
      setLink(next);
      setText(next.prefilledText);
      setStatus({ kind: 'ok', text: t('reach.saved') });
    } catch (err) {
      setStatus({ kind: 'error', text: errorMessage(t, err) });
    }
  };

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link.url);
      setCopyStatus({ kind: 'ok', text: t('reach.link.copied') });
    } catch {
      setCopyStatus({ kind: 'error', text: t('reach.link.copyFailed') });
    }
  };

  const download = async (format: 'png' | 'svg') => {
    setQrStatus({ kind: 'busy', text: t('reach.qr.preparing') });
    try {
      downloadBlob(await reachApi.qr(format), `parley-link-${link.code}.${format}`);
      setQrStatus(IDLE);
    } catch (err) {
      setQrStatus({ kind: 'error', text: errorMessage(t, err) });
    }
  };

  return (
    <>
      <PanelSection id="reach-link" title={t('reach.link.yourLink')}>
        <p className="panel-hint">{t('reach.link.help')}</p>
        <div className="field">
          <label htmlFor="reach-link-url">{t('reach.link.url')}</label>
          <div className="reach-row">
            <input id="reach-link-url" className="input" type="text" readOnly value={link.url} onFocus={(e) => e.currentTarget.select()} />
            <button type="button" className="btn btn-outline" onClick={() => void copy()}>
              {t('reach.link.copy')}
            </button>
          </div>
          <InlineStatus state={copyStatus} />
        </div>
        <form className="settings-form" onSubmit={(e) => void save(e)} noValidate>
          <div className="field">
            <div className="field-head">
              <label htmlFor="reach-prefilled">{t('reach.link.prefilled')}</label>
              <span id="reach-prefilled-counter" className={`char-counter${count > PREFILLED_TEXT_MAX - 10 ? ' near' : ''}`}>
                <span aria-hidden="true">
                  {count}/{PREFILLED_TEXT_MAX}
                </span>
                <span className="sr-only">{t('reach.charsLeft', { count: Math.max(0, PREFILLED_TEXT_MAX - count) })}</span>
              </span>
            </div>
            <textarea
              id="reach-prefilled"
              className="input"
              rows={3}
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                if (status.kind !== 'busy') setStatus(IDLE);
              }}
              aria-invalid={tooLong || undefined}
              aria-describedby="reach-prefilled-help reach-prefilled-counter"
            />
            <p id="reach-prefilled-help" className={tooLong ? 'error-text' : 'panel-hint'}>
              {tooLong ? t('reach.link.tooLong', { max: PREFILLED_TEXT_MAX }) : t('reach.link.prefilledHelp')}
            </p>
          </div>
          <div className="form-actions">
            <InlineStatus state={status} />
            <button type="submit" className="btn" disabled={!dirty || tooLong || status.kind === 'busy'}>
              {t('reach.save')}
            </button>
          </div>
        </form>
      </PanelSection>
      <PanelSection id="reach-qr" title={t('reach.qr.title')}>
        <div className="reach-qr">
          {qrUrl ? <img src={qrUrl} alt={t('reach.qr.alt', { url: link.url })} width={200} height={200} /> : <p className="panel-hint">{t('common.loading')}</p>}
        </div>
        <div className="reach-row">
          <button type="button" className="btn btn-outline" onClick={() => void download('png')}>
            {t('reach.qr.downloadPng')}
          </button>
          <button type="button" className="btn btn-outline" onClick={() => void download('svg')}>
            {t('reach.qr.downloadSvg')}
          </button>
        </div>
        <InlineStatus state={qrStatus} />
      </PanelSection>
      <PanelSection id="reach-reset" title={t('reach.link.resetTitle')}>
        <p className="panel-hint">{t('reach.link.resetHelp')}</p>
        <div>
          <button type="button" className="btn btn-outline danger-text" onClick={() => setConfirmReset(true)}>
            {t('reach.link.reset')}
          </button>
        </div>
      </PanelSection>
      {confirmReset && (
        <ConfirmDialog
          title={t('reach.link.resetTitle')}
          message={t('reach.link.resetConfirm')}
          confirmLabel={t('reach.link.reset')}
          danger
          onCancel={cancelReset}
          onConfirm={async () => {
            const next = await reachApi.resetShortLink();
            setLink(next);
            setText(next.prefilledText);
            setConfirmReset(false);
            setCopyStatus({ kind: 'ok', text: t('reach.link.resetDone') });
          }}
        />
      )}
    </>
  );
}
