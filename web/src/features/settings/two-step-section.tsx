/**
 * Settings → Account → Two-step verification: turn on (the PIN twice, an optional recovery email),
 * change the PIN, change or remove the email, turn off (asks the PIN). Fetched again when the
 * account changed on another device.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n/index.js';
import { store, useStore } from '../../lib/store.js';
import type { TwoStepState } from '../../lib/api.js';
import { errorMessage } from '../auth/auth-screen.js';
import { PIN_LENGTH, PinInput, pinErrorText } from '../auth/pin-input.js';
import { IDLE, InlineStatus, PanelLoadError, PanelSection, type Status } from '../contacts/side-panel.js';

type Mode = 'view' | 'enable' | 'changePin' | 'changeEmail' | 'disable';

const SUBMIT_KEY = { enable: 'twoStep.turnOn', changePin: 'twoStep.save', changeEmail: 'twoStep.save', disable: 'twoStep.turnOff' } as const;

export function TwoStepSection() {
  const { t, locale } = useI18n();
  const version = useStore(() => store.accountVersion);
  const [state, setState] = useState<TwoStepState | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode>('view');
  const [currentPin, setCurrentPin] = useState('');
  const [pin, setPin] = useState('');
  const [pin2, setPin2] = useState('');
  const [email, setEmail] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<Status>(IDLE);
  const firstRef = useRef<HTMLInputElement>(null);
  const toggleRef = useRef<HTMLButtonElement>(null);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      setState(await store.api.twoStep());
    } catch (err) {
      setLoadError(errorMessage(t, err));
    }
  }, [t]);

  useEffect(() => {
    void load();
  }, [load, version]);

  const open = (m: Mode) => {
    setMode(m);
    setCurrentPin('');
    setPin('');
    setPin2('');
    setEmail(m === 'changeEmail' ? (state?.email ?? '') : '');
    setFormError(null);
    setStatus(IDLE);
  };
  useEffect(() => {
    if (mode !== 'view') firstRef.current?.focus();
  }, [mode]);
  // Back in the view, focus returns to its first button (rendered in the same commit as the mode change).
  const focusToggle = useRef(false);
  useEffect(() => {
    if (mode === 'view' && focusToggle.current) {
      focusToggle.current = false;
      toggleRef.current?.focus();
    }
  }, [mode, state]);
  const close = () => {
    focusToggle.current = true;
    setMode('view');
    setFormError(null);
  };

  const needsNewPin = mode === 'enable' || mode === 'changePin';
  const needsCurrent = mode === 'changePin' || mode === 'changeEmail' || mode === 'disable';
  const offersEmail = (mode === 'enable' || mode === 'changeEmail') && state?.emailAvailable === true;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (needsCurrent && currentPin.length !== PIN_LENGTH) return setFormError(t('twoStep.pinShort'));
    if (needsNewPin && pin.length !== PIN_LENGTH) return setFormError(t('twoStep.pinShort'));
    if (needsNewPin && pin !== pin2) return setFormError(t('twoStep.pinMismatch'));
    setBusy(true);
    setFormError(null);
    try {
      const trimmed = email.trim();
      let next: TwoStepState;
      let done: string;
      if (mode === 'enable') {
        next = await store.api.enableTwoStep(pin, trimmed || undefined);
        done = t('twoStep.turnedOn');
      } else if (mode === 'changePin') {
        next = await store.api.changeTwoStep({ currentPin, pin });
        done = t('twoStep.pinChanged');
      } else if (mode === 'changeEmail') {
        next = await store.api.changeTwoStep({ currentPin, email: trimmed || null });
        done = t('twoStep.emailChanged');
      } else {
        next = await store.api.disableTwoStep(currentPin);
        done = t('twoStep.turnedOff');
      }
      setState(next);
      close();
      setStatus({ kind: 'ok', text: done });
    } catch (err) {
      setFormError(pinErrorText(t, err) ?? errorMessage(t, err));
      setCurrentPin('');
      firstRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  const dateFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short' });
  const formTitle = mode === 'disable' ? t('twoStep.turnOffTitle') : null;

  return (
    <PanelSection id="settings-two-step" title={t('twoStep.title')}>
      {loadError ? (
        <PanelLoadError message={loadError} loadFailed={t('settings.loadFailed')} retryLabel={t('common.retry')} onRetry={() => void load()} />
      ) : !state ? (
        <p className="panel-hint">{t('common.loading')}</p>
      ) : (
        <>
          <p className="panel-hint">{t('twoStep.help')}</p>
          <p>{state.enabled ? t('twoStep.statusOn') : t('twoStep.statusOff')}</p>
          {state.enabled && <p className="panel-hint">{state.email ? t('twoStep.emailIs', { email: state.email }) : t('twoStep.emailNone')}</p>}
          {state.enabled && state.resetRequestedAt !== null && (
            <p className="error-text">{t('twoStep.resetPending', { date: dateFmt.format(state.resetRequestedAt) })}</p>
          )}
          {!state.emailAvailable && mode === 'enable' && <p className="panel-hint">{t('twoStep.emailUnavailable')}</p>}
          {mode === 'view' ? (
            <div className="two-step-actions" style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }}>
              {state.enabled ? (
                <>
                  <button type="button" className="btn btn-outline" onClick={() => open('changePin')} ref={toggleRef}>
                    {t('twoStep.changePin')}
                  </button>
                  {state.emailAvailable && (
                    <button type="button" className="btn btn-outline" onClick={() => open('changeEmail')}>
                      {state.email ? t('twoStep.changeEmail') : t('twoStep.addEmail')}
                    </button>
                  )}
                  <button type="button" className="btn btn-outline danger-text" onClick={() => open('disable')}>
                    {t('twoStep.turnOff')}
                  </button>
                </>
              ) : (
                <button type="button" className="btn btn-primary" onClick={() => open('enable')} ref={toggleRef}>
                  {t('twoStep.turnOn')}
                </button>
              )}
            </div>
          ) : (
            <form className="field" style={{ gap: 12 }} onSubmit={(e) => void submit(e)} noValidate aria-label={formTitle ?? t(mode === 'enable' ? 'twoStep.turnOn' : mode === 'changePin' ? 'twoStep.changePin' : 'twoStep.changeEmail')}>
              {formTitle && <p>{t('twoStep.turnOffHelp')}</p>}
              {needsCurrent && (
                <PinInput id="two-step-current" ref={firstRef} label={t('twoStep.currentPin')} value={currentPin} onChange={setCurrentPin} errorId={formError ? 'two-step-form-error' : undefined} />
              )}
              {needsNewPin && (
                <>
                  <PinInput
                    id="two-step-new"
                    ref={needsCurrent ? undefined : firstRef}
                    label={mode === 'enable' ? t('twoStep.pin') : t('twoStep.newPin')}
                    hint={t('twoStep.pinHint')}
                    value={pin}
                    onChange={setPin}
                    errorId={formError ? 'two-step-form-error' : undefined}
                  />
                  <PinInput id="two-step-again" label={t('twoStep.confirmPin')} value={pin2} onChange={setPin2} errorId={formError ? 'two-step-form-error' : undefined} />
                </>
              )}
              {offersEmail && (
                <div className="field">
                  <label htmlFor="two-step-email">{t('twoStep.email')}</label>
                  <input
                    id="two-step-email"
                    className="input"
                    type="email"
                    autoComplete="email"
                    maxLength={254}
                    value={email}
                    onChange={(e) => setEmail(e.target.value)}
                    aria-describedby="two-step-email-help"
                  />
                  <span id="two-step-email-help" className="panel-hint">
                    {t('twoStep.emailHelp')}
                  </span>
                </div>
              )}
              {formError && (
                <p id="two-step-form-error" className="error-text" role="alert">
                  {formError}
                </p>
              )}
              <div style={{ display: 'flex', gap: 8, justifyContent: 'flex-end' }}>
                <button type="button" className="btn btn-ghost" onClick={close}>
                  {t('twoStep.cancel')}
                </button>
                <button type="submit" className={`btn ${mode === 'disable' ? 'btn-outline danger-text' : 'btn-primary'}`} disabled={busy}>
                  {t(SUBMIT_KEY[mode as Exclude<Mode, 'view'>])}
                </button>
              </div>
            </form>
          )}
        </>
      )}
      <InlineStatus state={status} />
    </PanelSection>
  );
}
