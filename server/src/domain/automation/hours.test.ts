import { describe, expect, it } from 'vitest';
import { openStateAt, zonedTime } from './hours.js';
import type { BusinessHours } from '#contracts/business.js';

const nineToSix: BusinessHours = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, { mode: 'open', ranges: [{ open: '09:00', close: '18:00' }] }]));

describe('hours', () => {
  it('resolves local wall time across the Paris daylight-saving changes', () => {
    expect(zonedTime(2026, 3, 28, 9 * 60, 'Europe/Paris')).toBe(Date.UTC(2026, 2, 28, 8));
    expect(zonedTime(2026, 3, 29, 9 * 60, 'Europe/Paris')).toBe(Date.UTC(2026, 2, 29, 7));
    expect(zonedTime(2026, 10, 25, 9 * 60, 'Europe/Paris')).toBe(Date.UTC(2026, 9, 25, 8));
    // 02:30 does not exist on 29 March in Paris: moved forward by the gap (03:30 CEST), as Temporal's 'compatible'.
    expect(zonedTime(2026, 3, 29, 2 * 60 + 30, 'Europe/Paris')).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(zonedTime(2026, 1, 5, 24 * 60, 'Asia/Tokyo')).toBe(Date.UTC(2026, 0, 5, 15));
  });

  it('is open in opening hours and tells when the closed interval began', () => {
    expect(openStateAt(Date.UTC(2026, 2, 29, 7, 30), nineToSix, 'Europe/Paris')).toEqual({ open: true, closedSince: null });
    expect(openStateAt(Date.UTC(2026, 2, 29, 6, 30), nineToSix, 'Europe/Paris')).toEqual({ open: false, closedSince: Date.UTC(2026, 2, 28, 17) });
    expect(openStateAt(Date.UTC(2026, 9, 25, 7, 30), nineToSix, 'Europe/Paris')).toEqual({ open: false, closedSince: Date.UTC(2026, 9, 24, 16) });
  });

  it('treats open24 and appointment days as open, closed and missing days as closed, ranges past midnight', () => {
    expect(openStateAt(Date.UTC(2026, 0, 5, 3), { mon: { mode: 'open24' } }, 'UTC').open).toBe(true);
    expect(openStateAt(Date.UTC(2026, 0, 5, 3), { mon: { mode: 'appointment' } }, 'UTC').open).toBe(true);
    expect(openStateAt(Date.UTC(2026, 0, 5, 3), { mon: { mode: 'closed' } }, 'UTC')).toEqual({ open: false, closedSince: null });
    expect(openStateAt(Date.UTC(2026, 0, 6, 1), { mon: { mode: 'open', ranges: [{ open: '22:00', close: '02:00' }] } }, 'UTC').open).toBe(true);
    expect(openStateAt(Date.UTC(2026, 0, 6, 3), { mon: { mode: 'open', ranges: [{ open: '22:00', close: '02:00' }] } }, 'UTC').closedSince).toBe(Date.UTC(2026, 0, 6, 2));
  });
});
