import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { fr } from './fr.js';
import { detectLocale, makeI18n, translator } from './index.js';

describe('translations', () => {
  it('French has every English key and no others, none empty', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
    for (const [k, v] of Object.entries(fr)) expect(v.trim(), k).not.toBe('');
  });
  it('keeps the same placeholders in both languages', () => {
    const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(en) as (keyof typeof en)[]) expect(vars(fr[k]), k).toEqual(vars(en[k]));
  });
  it('fills placeholders', () => {
    expect(translator('fr')('auth.resendIn', { seconds: 30 })).toBe('Renvoyer dans 30 s');
  });
  it('picks the browser language when nothing is saved', () => {
    localStorage.removeItem('parley.locale');
    expect(detectLocale(['fr-CA', 'en'])).toBe('fr');
    expect(detectLocale(['de-DE'])).toBe('en');
  });
  it('formats days relative to now', () => {
    const now = new Date(2026, 5, 10, 15).getTime();
    const i = makeI18n('fr', () => undefined);
    expect(i.day(new Date(2026, 5, 10, 9).getTime(), now)).toBe("Aujourd'hui");
    expect(i.day(new Date(2026, 5, 9, 9).getTime(), now)).toBe('Hier');
  });
});
