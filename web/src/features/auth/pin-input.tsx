/**
 * Two-step verification helpers shared by sign-in, settings and the reminder: a labelled numeric
 * one-time input for a PIN (or a reset code), and the wording of a wait after wrong PINs.
 */
import { forwardRef } from 'react';
import type { Translate } from '../../i18n/index.js';
import { ApiError } from '../../lib/api.js';

export const PIN_LENGTH = 6;

interface PinInputProps {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  /** Digits expected (6 for a PIN, 8 for a reset code). */
  length?: number;
  /** Shown as dots (a PIN); a reset code is shown as typed. */
  secret?: boolean;
  /** Id of the element describing an error, when there is one. */
  errorId?: string | undefined;
  hint?: string | undefined;
  disabled?: boolean;
}

/** A numeric one-time input: digits only, `length` at most, with its label and error wiring. */
export const PinInput = forwardRef<HTMLInputElement, PinInputProps>(function PinInput({ id, label, value, onChange, length = PIN_LENGTH, secret = true, errorId, hint, disabled }, ref) {
  const hintId = hint ? `${id}-hint` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        ref={ref}
        className="input code-input"
        type={secret ? 'password' : 'text'}
        inputMode="numeric"
        pattern="[0-9]*"
        autoComplete={secret ? 'off' : 'one-time-code'}
        maxLength={length}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value.replace(/\D/g, '').slice(0, length))}
        aria-invalid={errorId ? true : undefined}
        aria-describedby={describedBy}
      />
      {hint && (
        <span id={hintId} className="panel-hint">
          {hint}
        </span>
      )}
    </div>
  );
});

/** "30 s", "4 min", "1 h 5 min". */
export function formatWait(t: Translate, seconds: number): string {
  if (seconds < 60) return t('twoStep.timeSeconds', { n: seconds });
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return t('twoStep.timeMinutes', { n: minutes });
  return t('twoStep.timeHours', { h: Math.floor(minutes / 60), m: minutes % 60 });
}

/** The wait (in seconds) an error from a PIN endpoint asks for, or 0. */
export function pinWaitOf(err: unknown): number {
  if (!(err instanceof ApiError)) return 0;
  const s = err.details?.retryAfterSeconds;
  return typeof s === 'number' && (err.code === 'PIN_LOCKED' || err.code === 'PIN_INVALID' || err.code === 'PIN_REQUIRED') ? s : 0;
}

/** The message for a wrong PIN (with tries left before waits) or a wait, else null. */
export function pinErrorText(t: Translate, err: unknown): string | null {
  if (!(err instanceof ApiError)) return null;
  const wait = pinWaitOf(err);
  if (wait > 0) return t('twoStep.wait', { time: formatWait(t, wait) });
  if (err.code === 'PIN_INVALID') {
    const tries = err.details?.triesBeforeWait;
    return typeof tries === 'number' && tries > 0 && tries < 5 ? t('twoStep.wrongPinTries', { tries }) : t('twoStep.wrongPin');
  }
  return null;
}
