/**
 * Registration / sign-in: phone number with a country picker and as-you-type formatting, then
 * the 6-digit code, with clear messages for wrong or expired codes, throttling and lockout; then,
 * for a number with two-step verification, the PIN (./pin-step.tsx).
 */
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { AsYouType, getCountries, getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import { useI18n, type Translate } from '../../i18n/index.js';
import { ApiError } from '../../lib/api.js';
import { store } from '../../lib/store.js';
import { BUSINESS_LIMITS } from '#contracts/business-profile.js';
import { categoryOptions } from '../business/verified-badge.js';
import { PinStep, pinChallengeOf, type PinChallenge } from './pin-step.js';

export function errorMessage(t: Translate, err: unknown): string {
  if (err instanceof ApiError) {
    const key = `error.${err.code}` as Parameters<Translate>[0];
    const text = t(key, Object.fromEntries(Object.entries(err.details ?? {}).map(([k, v]) => [k, String(v)])));
    if (text !== key) return text;
    return err.message || t('error.generic');
  }
  return t('error.generic');
}

function defaultCountry(): CountryCode {
  const region = (navigator.language.split('-')[1] ?? '').toUpperCase();
  return (getCountries() as string[]).includes(region) ? (region as CountryCode) : 'FR';
}

export function AuthScreen() {
  const { t, locale } = useI18n();
  const [step, setStep] = useState<'phone' | 'code' | 'pin'>('phone');
  const [challenge, setChallenge] = useState<PinChallenge | null>(null);
  const [country, setCountry] = useState<CountryCode>(defaultCountry);
  const [national, setNational] = useState('');
  const [e164, setE164] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [resendAt, setResendAt] = useState(0);
  const [now, setNow] = useState(Date.now());
  const codeRef = useRef<HTMLInputElement>(null);
  const [asBusiness, setAsBusiness] = useState(false);
  const [businessName, setBusinessName] = useState('');
  const [category, setCategory] = useState('');
  const categories = useMemo(() => categoryOptions(t, locale), [t, locale]);
  const businessIncomplete = asBusiness && (!businessName.trim() || !category);

  const countries = useMemo(() => {
    const names = new Intl.DisplayNames([locale], { type: 'region' });
    return getCountries()
      .map((c) => ({ code: c, name: names.of(c) ?? c, dial: getCountryCallingCode(c) }))
      .sort((a, b) => a.name.localeCompare(b.name, locale));
  }, [locale]);

  useEffect(() => {
    if (step !== 'code') return;
    codeRef.current?.focus();
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [step]);

  const requestCode = async (phone: string) => {
    setBusy(true);
    setError(null);
    try {
      const r = await store.api.requestCode(phone);
      setE164(r.phone);
      setResendAt(Date.now() + r.resendInSeconds * 1000);
      setStep('code');
    } catch (err) {
      setError(errorMessage(t, err));
    } finally {
      setBusy(false);
    }
  };

  const onPhone = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parsePhoneNumberFromString(national, country);
    if (!parsed || !parsed.isValid()) {
      setError(t('error.PHONE_INVALID'));
      return;
    }
    void requestCode(parsed.number);
  };

  const onCode = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await store.signIn(e164, code.replace(/\D/g, ''), t('auth.deviceName'), asBusiness ? { name: businessName.trim(), category } : undefined);
    } catch (err) {
      const pinNeeded = pinChallengeOf(err);
      if (pinNeeded) {
        setChallenge(pinNeeded);
        setStep('pin');
        setCode('');
        return;
      }
      setError(errorMessage(t, err));
      setCode('');
    } finally {
      setBusy(false);
    }
  };

  const wait = Math.max(0, Math.ceil((resendAt - now) / 1000));
  return (
    <main className="auth">
      <div className="auth-card">
        <div className="logo">
          <svg width="32" height="32" viewBox="0 0 64 64" aria-hidden="true">
            <circle cx="32" cy="32" r="30" fill="currentColor" />
            <path d="M20 22h24a4 4 0 0 1 4 4v12a4 4 0 0 1-4 4H30l-8 7v-7h-2a4 4 0 0 1-4-4V26a4 4 0 0 1 4-4z" fill="#fff" />
          </svg>
          {t('app.name')}
        </div>
        {step === 'pin' && challenge ? (
          <PinStep
            challenge={challenge}
            onStartOver={(message) => {
              setChallenge(null);
              setStep('phone');
              setError(message ?? null);
            }}
          />
        ) : step === 'phone' ? (
          <form onSubmit={onPhone} className="field" style={{ gap: 16 }} noValidate>
            <h1>{t('auth.title')}</h1>
            <p>{t('auth.subtitle')}</p>
            <div className="phone-row">
              <div className="field">
                <label htmlFor="country">{t('auth.country')}</label>
                <select id="country" className="input" value={country} onChange={(e) => setCountry(e.target.value as CountryCode)}>
                  {countries.map((c) => (
                    <option key={c.code} value={c.code}>
                      {c.name} (+{c.dial})
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="phone">{t('auth.phone')}</label>
                <input
                  id="phone"
                  className="input"
                  type="tel"
                  inputMode="tel"
                  autoComplete="tel-national"
                  autoFocus
                  placeholder={t('auth.phonePlaceholder')}
                  value={national}
                  onChange={(e) => setNational(new AsYouType(country).input(e.target.value))}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={error ? 'auth-error' : undefined}
                />
              </div>
            </div>
            <label className="confirm-check">
              <input type="checkbox" checked={asBusiness} onChange={(e) => setAsBusiness(e.target.checked)} />
              <span>{t('business.registerAs')}</span>
            </label>
            {asBusiness && (
              <div className="field" style={{ gap: 12 }}>
                <div className="field">
                  <label htmlFor="business-name">{t('business.name')}</label>
                  <input id="business-name" className="input" autoComplete="organization" maxLength={BUSINESS_LIMITS.name} value={businessName} onChange={(e) => setBusinessName(e.target.value)} />
                </div>
                <div className="field">
                  <label htmlFor="business-category">{t('business.category')}</label>
                  <select id="business-category" className="input" value={category} onChange={(e) => setCategory(e.target.value)}>
                    <option value="" disabled>
                      {t('business.chooseCategory')}
                    </option>
                    {categories.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.label}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
            )}
            {error && (
              <p id="auth-error" className="error-text" role="alert">
                {error}
              </p>
            )}
            <button className="btn" type="submit" disabled={busy || national.trim().length < 4 || businessIncomplete}>
              {t('auth.sendCode')}
            </button>
          </form>
        ) : (
          <form onSubmit={onCode} className="field" style={{ gap: 16 }} noValidate>
            <h1>{t('auth.codeTitle')}</h1>
            <p>{t('auth.codeSent', { phone: e164 })}</p>
            <div className="field">
              <label htmlFor="code">{t('auth.code')}</label>
              <input
                id="code"
                ref={codeRef}
                className="input code-input"
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={7}
                value={code}
                onChange={(e) => setCode(e.target.value.replace(/[^\d]/g, '').slice(0, 6))}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? 'auth-error' : undefined}
              />
            </div>
            {error && (
              <p id="auth-error" className="error-text" role="alert">
                {error}
              </p>
            )}
            <button className="btn" type="submit" disabled={busy || code.length !== 6}>
              {t('auth.verify')}
            </button>
            <div style={{ display: 'flex', justifyContent: 'space-between' }}>
              <button type="button" className="btn btn-ghost" onClick={() => { setStep('phone'); setError(null); setCode(''); }}>
                {t('auth.changeNumber')}
              </button>
              <button type="button" className="btn btn-ghost" disabled={busy || wait > 0} onClick={() => void requestCode(e164)}>
                {wait > 0 ? t('auth.resendIn', { seconds: wait }) : t('auth.resend')}
              </button>
            </div>
          </form>
        )}
      </div>
    </main>
  );
}
