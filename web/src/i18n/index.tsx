/**
 * Translations (English, French) and locale-aware formatting. The locale comes from the saved
 * choice, else the browser's languages; `setLocale` switches it live.
 */
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { en, type MessageKey } from './en.js';
import { fr } from './fr.js';

export const LOCALES = { en: 'English', fr: 'Français' } as const;
export type Locale = keyof typeof LOCALES;
const dictionaries: Record<Locale, Record<MessageKey, string>> = { en, fr };
const STORAGE_KEY = 'parley.locale';

export function detectLocale(languages: readonly string[] = typeof navigator !== 'undefined' ? navigator.languages : []): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && saved in LOCALES) return saved as Locale;
  } catch {
    // storage unavailable
  }
  for (const l of languages) {
    const base = l.toLowerCase().split('-')[0];
    if (base && base in LOCALES) return base as Locale;
  }
  return 'en';
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  const dict = dictionaries[locale];
  return (key, vars) => {
    const s = dict[key] ?? en[key] ?? key;
    return vars ? s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`)) : s;
  };
}

export interface I18n {
  locale: Locale;
  t: Translate;
  setLocale(l: Locale): void;
  /** 14:05 / 2:05 PM */
  time(ts: number): string;
  /** Today / Yesterday / weekday / date, for separators and the chat list. */
  day(ts: number, now?: number): string;
  /** "today at 14:05", "yesterday at …", or a date. */
  relative(ts: number, now?: number): string;
}

export function makeI18n(locale: Locale, setLocale: (l: Locale) => void): I18n {
  const t = translator(locale);
  const timeFmt = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' });
  const weekdayFmt = new Intl.DateTimeFormat(locale, { weekday: 'long' });
  const dateFmt = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric' });
  const startOfDay = (ts: number) => {
    const d = new Date(ts);
    d.setHours(0, 0, 0, 0);
    return d.getTime();
  };
  const day = (ts: number, now = Date.now()) => {
    const diff = Math.round((startOfDay(now) - startOfDay(ts)) / 86_400_000);
    if (diff === 0) return t('chat.today');
    if (diff === 1) return t('chat.yesterday');
    if (diff > 1 && diff < 7) return weekdayFmt.format(ts);
    return dateFmt.format(ts);
  };
  return {
    locale,
    t,
    setLocale,
    time: (ts) => timeFmt.format(ts),
    day,
    relative: (ts, now = Date.now()) => {
      const d = day(ts, now);
      return `${d.toLowerCase()} ${locale === 'fr' ? 'à' : 'at'} ${timeFmt.format(ts)}`;
    },
  };
}

const I18nContext = createContext<I18n>(makeI18n('en', () => undefined));

export function I18nProvider({ children, initial }: { children: ReactNode; initial?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(initial ?? detectLocale());
  const value = useMemo(
    () =>
      makeI18n(locale, (l) => {
        try {
          localStorage.setItem(STORAGE_KEY, l);
        } catch {
          // ignore
        }
        document.documentElement.lang = l;
        setLocaleState(l);
      }),
    [locale],
  );
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
