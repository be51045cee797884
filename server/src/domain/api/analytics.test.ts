import { describe, expect, it } from 'vitest';
import { localDayNumber, startOfLocalDay } from '#contracts/api-analytics.js';

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

describe('days of a time zone', () => {
  it('finds the local midnight, across daylight-saving changes', () => {
    expect(startOfLocalDay(day('2026-03-02'), 'Asia/Tokyo')).toBe(Date.UTC(2026, 2, 1, 15));
    expect(startOfLocalDay(day('2026-03-29'), 'Europe/Paris')).toBe(Date.UTC(2026, 2, 28, 23)); // still UTC+1 at midnight
    expect(startOfLocalDay(day('2026-03-30'), 'Europe/Paris')).toBe(Date.UTC(2026, 2, 29, 22)); // UTC+2 from then
    expect(startOfLocalDay(day('2026-11-01'), 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 4));
    expect(startOfLocalDay(day('2026-11-02'), 'America/New_York')).toBe(Date.UTC(2026, 10, 2, 5));
    expect(startOfLocalDay(day('2026-03-02'), 'Not/AZone')).toBe(Date.UTC(2026, 2, 2));
  });

  it('tells the local date of an instant', () => {
    expect(localDayNumber(Date.UTC(2026, 2, 2, 16), 'Asia/Tokyo')).toBe(day('2026-03-03'));
    expect(localDayNumber(Date.UTC(2026, 2, 2, 16), 'UTC')).toBe(day('2026-03-02'));
    expect(localDayNumber(Date.UTC(2026, 2, 2, 3), 'America/New_York')).toBe(day('2026-03-01'));
  });
});
