/**
 * Sign-in, after the SMS code, for a number with two-step verification (PIN_REQUIRED): the PIN,
 * the wait after too many wrong PINs (a live countdown), and "Forgot PIN?" — a reset code by email,
 * or the 7-day reset (see docs/api/two-step.md).
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n/index.js';
import { ApiError, type ForgotPin } from '../../lib/api.js';
import { store } from '../../lib/store.js';
import { errorMessage } from './auth-screen.js';
import { formatWait, PIN_LENGTH, PinInput, pinErrorText, pinWaitOf } from './pin-input.js';

/** What PIN_REQUIRED's details say. */
export interface PinChallenge {
  ticket: string;
  hasEmail: boolean;
  resetAvailableAt?: number | undefined;
  retryAfterSeconds?: number | undefined;
}

export function pinChallengeOf(err: unknown): PinChallenge | null {
  if (!(err instanceof ApiError) || err.code !== 'PIN_REQUIRED' || typeof err.details?.ticket !== 'string') return null;
  const d = err.details;
  return {
    ticket: d.ticket as string,
    hasEmail: d.hasEmail === true,
    resetAvailableAt: typeof d.resetAvailableAt === 'number' ? d.resetAvailableAt : undefined,
    retryAfterSeconds: typeof d.retryAfterSeconds === 'number' ? d.retryAfterSeconds : undefined,
  };
}

const RESET_CODE_LENGTH = 8;

export function PinStep({ challenge, onStartOver }: { challenge: PinChallenge; onStartOver(message?: string): void }) {
  const { t, locale } = useI18n();
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [lockedUntil, setLockedUntil] = useState(() => (challenge.retryAfterSeconds ? Date.now() + challenge.retryAfterSeconds * 1000 : 0));
  const [now, setNow] = useState(Date.now());
  const [forgot, setForgot] = useState<ForgotPin | null>(null);
  const [resetCode, setResetCode] = useState('');
  const pinRef = useRef<HTMLInputElement>(null);
  const resetRef = useRef<HTMLInputElement>(null);
  const statusRef = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    pinRef.current?.focus();
  }, []);
  useEffect(() => {
    if (lockedUntil <= Date.now()) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [lockedUntil]);
  useEffect(() => {
    if (forgot?.method === 'email') resetRef.current?.focus();
    else if (forgot) statusRef.current?.focus();
  }, [forgot]);

  const wait = Math.max(0, Math.ceil((lockedUntil - now) / 1000));
  const resetReady = challenge.resetAvailableAt !== undefined && challenge.resetAvailableAt <= now;
  const dateFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short' });

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      const w = pinWaitOf(err);
      if (w > 0) {
        setLockedUntil(Date.now() + w * 1000);
        setNow(Date.now());
      }
      if (err instanceof ApiError && err.code === 'PIN_TICKET_INVALID') {
        onStartOver(errorMessage(t, err));
        return;
      }
      setError(pinErrorText(t, err) ?? errorMessage(t, err));
      setPin('');
      pinRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  const onPin = (e: FormEvent) => {
    e.preventDefault();
    if (pin.length !== PIN_LENGTH || wait > 0) return;
    void run(() => store.signInWithPin(challenge.ticket, pin));
  };
  const onForgot = () =>
    void run(async () => {
      setForgot(await store.api.forgotPin(challenge.ticket));
    });
  const onReset = (e?: FormEvent) => {
    e?.preventDefault();
    void run(() => store.signInWithPinReset(challenge.ticket, forgot?.method === 'email' ? resetCode : undefined));
  };

  return (
    <div className="field" style={{ gap: 16 }}>
      <form onSubmit={onPin} className="field" style={{ gap: 16 }} noValidate>
        <h1>{t('twoStep.signInTitle')}</h1>
        <p>{t('twoStep.signInHelp')}</p>
        <PinInput id="two-step-pin" ref={pinRef} label={t('twoStep.pin')} value={pin} onChange={setPin} errorId={error ? 'pin-error' : undefined} />
        {error && (
          <p id="pin-error" className="error-text" role="alert">
            {error}
          </p>
        )}
        {wait > 0 && (
          <p className="panel-hint" role="status" aria-live="off">
            {t('twoStep.waitShort', { time: formatWait(t, wait) })}
          </p>
        )}
        <button className="btn" type="submit" disabled={busy || pin.length !== PIN_LENGTH || wait > 0}>
          {t('twoStep.verify')}
        </button>
      </form>
      {resetReady ? (
        <div className="field" style={{ gap: 8 }}>
          <p>{t('twoStep.resetReady')}</p>
          <button type="button" className="btn btn-outline" disabled={busy} onClick={() => onReset()}>
            {t('twoStep.resetNow')}
          </button>
        </div>
      ) : forgot?.method === 'email' ? (
        <form onSubmit={onReset} className="field" style={{ gap: 8 }} noValidate>
          <p role="status">{t('twoStep.forgotEmailSent', { email: forgot.emailHint })}</p>
          <PinInput id="two-step-reset-code" ref={resetRef} label={t('twoStep.resetCode')} value={resetCode} onChange={setResetCode} length={RESET_CODE_LENGTH} secret={false} />
          <button className="btn btn-outline" type="submit" disabled={busy || resetCode.length !== RESET_CODE_LENGTH}>
            {t('twoStep.resetWithCode')}
          </button>
        </form>
      ) : forgot?.method === 'wait' ? (
        <p role="status" tabIndex={-1} ref={statusRef}>
          {t('twoStep.resetWait', { date: dateFmt.format(forgot.resetAvailableAt) })}
        </p>
      ) : null}
      <div style={{ display: 'flex', justifyContent: 'space-between' }}>
        <button type="button" className="btn btn-ghost" onClick={() => onStartOver()}>
          {t('twoStep.startOver')}
        </button>
        {!forgot && !resetReady && (
          <button type="button" className="btn btn-ghost" disabled={busy} onClick={onForgot}>
            {t('twoStep.forgot')}
          </button>
        )}
      </div>
    </div>
  );
}
