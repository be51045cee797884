/**
 * The periodic two-step verification reminder: when the server says a reminder is due, a dialog
 * asks for the PIN (a right answer moves the schedule on; a wrong one only says so), with "Later"
 * and a way to change or turn off the PIN in Settings.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n/index.js';
import { store, useStore } from '../../lib/store.js';
import { Dialog } from '../../ui/dialog.js';
import { openPanel } from '../../lib/ui-state.js';
import { ApiError } from '../../lib/api.js';
import { errorMessage } from '../auth/auth-screen.js';
import { PIN_LENGTH, PinInput } from '../auth/pin-input.js';

const RECHECK_MS = 60 * 60_000;

export function TwoStepReminder() {
  const { t } = useI18n();
  const version = useStore(() => store.accountVersion);
  const [due, setDue] = useState(false);
  const [later, setLater] = useState(false);
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  const check = useCallback(async () => {
    try {
      setDue((await store.api.twoStep()).reminderDue);
    } catch {
      // Not shown: the reminder can wait for the next check.
    }
  }, []);

  // Rendered by the app shell only while signed in.
  useEffect(() => {
    void check();
    const timer = setInterval(() => void check(), RECHECK_MS);
    return () => clearInterval(timer);
  }, [check, version]);

  const dismiss = useCallback(() => setLater(true), []);

  if (!due || later) return null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (pin.length !== PIN_LENGTH) return;
    setBusy(true);
    setError(null);
    try {
      const next = await store.api.confirmPin(pin);
      setDue(next.reminderDue);
    } catch (err) {
      setError(err instanceof ApiError && err.code === 'PIN_INVALID' ? t('twoStep.reminderWrong') : errorMessage(t, err));
      setPin('');
      inputRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={t('twoStep.reminderTitle')} onClose={dismiss}>
      <form className="field" style={{ gap: 12 }} onSubmit={(e) => void submit(e)} noValidate>
        <p className="dialog-message">{t('twoStep.reminderHelp')}</p>
        <PinInput id="two-step-reminder-pin" ref={inputRef} label={t('twoStep.pin')} value={pin} onChange={setPin} errorId={error ? 'two-step-reminder-error' : undefined} />
        {error && (
          <p id="two-step-reminder-error" className="error-text" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions" style={{ flexWrap: 'wrap' }}>
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => {
              setLater(true);
              openPanel({ kind: 'settings' });
            }}
          >
            {t('twoStep.reminderManage')}
          </button>
          <button type="button" className="btn btn-ghost" onClick={dismiss}>
            {t('twoStep.reminderLater')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || pin.length !== PIN_LENGTH}>
            {t('twoStep.reminderSubmit')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
