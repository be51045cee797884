import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { canonicalTimeZone, checkHours, isOpenAt, localTime } from './hours.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof AppError ? [e.code, e.details?.field] : ['other'];
  }
  return null;
};

describe('opening hours', () => {
  it('sorts ranges and accepts touching ranges and 24:00', () => {
    expect(checkHours({ mon: { mode: 'open', ranges: [{ open: '14:00', close: '24:00' }, { open: '08:00', close: '14:00' }] } })).toEqual({
      mon: { mode: 'open', ranges: [{ open: '08:00', close: '14:00' }, { open: '14:00', close: '24:00' }] },
    });
  });

  it('refuses overlaps, inverted ranges, bad days and shapes, naming the day', () => {
    expect(code(() => checkHours({ tue: { mode: 'open', ranges: [{ open: '08:00', close: '12:00' }, { open: '11:59', close: '13:00' }] } }))).toEqual(['HOURS_INVALID', 'hours.tue']);
    expect(code(() => checkHours({ tue: { mode: 'open', ranges: [{ open: '12:00', close: '08:00' }] } }))).toEqual(['HOURS_INVALID', 'hours.tue']);
    expect(code(() => checkHours({ tue: { mode: 'open24', ranges: [] } }))).toEqual(['HOURS_INVALID', 'hours.tue']);
    expect(code(() => checkHours({ monday: { mode: 'closed' } }))).toEqual(['HOURS_INVALID', 'hours.monday']);
    expect(code(() => checkHours({ mon: { mode: 'open', ranges: [{ open: '24:30', close: '25:00' }] } }))).toEqual(['HOURS_INVALID', 'hours.mon']);
    expect(code(() => checkHours('always'))).toEqual(['HOURS_INVALID', 'hours']);
  });

  it('knows IANA zones by their canonical names', () => {
    expect(canonicalTimeZone('Europe/Paris')).toBe('Europe/Paris');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('Europe/Atlantis')).toBeNull();
    expect(canonicalTimeZone('')).toBeNull();
  });

  it('decides open or closed in the business zone across the daylight-saving change', () => {
    const hours = { sat: { mode: 'open' as const, ranges: [{ open: '09:00', close: '10:00' }] }, sun: { mode: 'open' as const, ranges: [{ open: '09:00', close: '10:00' }] } };
    // Paris: Saturday 2026-03-28 is UTC+1, Sunday 2026-03-29 is UTC+2 (clocks go forward at 02:00).
    expect(localTime(Date.UTC(2026, 2, 28, 8, 30), 'Europe/Paris')).toEqual({ day: 'sat', minute: 9 * 60 + 30 });
    expect(isOpenAt(hours, 'Europe/Paris', Date.UTC(2026, 2, 28, 8, 30))).toBe(true);
    expect(isOpenAt(hours, 'Europe/Paris', Date.UTC(2026, 2, 29, 8, 30))).toBe(false); // 10:30 local
    expect(isOpenAt(hours, 'Europe/Paris', Date.UTC(2026, 2, 29, 7, 30))).toBe(true); // 09:30 local
    // Across the date line: Monday 00:30 in Auckland is still Sunday in UTC.
    expect(localTime(Date.UTC(2026, 5, 14, 12, 30), 'Pacific/Auckland').day).toBe('mon');
    expect(isOpenAt({}, 'UTC', 0)).toBeNull();
    expect(isOpenAt({ mon: { mode: 'appointment' } }, 'UTC', Date.UTC(2026, 5, 15, 10))).toBeNull();
    expect(isOpenAt({ mon: { mode: 'closed' } }, 'UTC', Date.UTC(2026, 5, 15, 10))).toBe(false);
  });
});
