/**
 * @module domain/business/hours
 * Opening hours: checking a BusinessHours value (ranges in order, no overlaps, open before close)
 * and deciding whether a business is open at an instant in its own IANA time zone. Pure functions.
 */
import { Value } from '@sinclair/typebox/value';
import { DayHours, WEEKDAYS, type BusinessHours, type Weekday } from '#contracts/business.js';
import { BUSINESS_LIMITS } from '#contracts/business-profile.js';
import { AppError } from '../../errors.js';

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

function hoursError(field: string, why: string): AppError {
  return new AppError('HOURS_INVALID', `${field}: ${why}`, { field });
}

/** A valid BusinessHours from untrusted input (ranges sorted by opening time), or HOURS_INVALID naming the day. */
export function checkHours(input: unknown): BusinessHours {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw hoursError('hours', 'must be an object keyed by weekday (mon … sun).');
  const out: BusinessHours = {};
  for (const [day, value] of Object.entries(input)) {
    const field = `hours.${day}`;
    if (!(WEEKDAYS as readonly string[]).includes(day)) throw hoursError(field, `unknown weekday; use ${WEEKDAYS.join(', ')}.`);
    if (typeof value === 'object' && value !== null && (value as { mode?: unknown }).mode === 'open') {
      const ranges = (value as { ranges?: unknown }).ranges;
      if (Array.isArray(ranges) && ranges.length > BUSINESS_LIMITS.rangesPerDay) throw hoursError(field, `at most ${BUSINESS_LIMITS.rangesPerDay} ranges a day.`);
    }
    if (!Value.Check(DayHours, value)) throw hoursError(field, 'must be {mode:"open", ranges:[{open:"HH:MM", close:"HH:MM"}]} (1 to 3 ranges), {mode:"open24"}, {mode:"closed"} or {mode:"appointment"}.');
    const dh = value as DayHours;
    if (dh.mode === 'open') {
      const ranges = [...dh.ranges].sort((a, b) => minutes(a.open) - minutes(b.open));
      for (const [i, r] of ranges.entries()) {
        if (minutes(r.open) >= minutes(r.close)) throw hoursError(field, `${r.open}–${r.close}: the opening time must be before the closing time.`);
        const prev = ranges[i - 1];
        if (prev && minutes(r.open) < minutes(prev.close)) throw hoursError(field, `${prev.open}–${prev.close} and ${r.open}–${r.close} overlap.`);
      }
      out[day as Weekday] = { mode: 'open', ranges: ranges.map((r) => ({ open: r.open, close: r.close })) };
    } else {
      out[day as Weekday] = { mode: dh.mode };
    }
  }
  return out;
}

/** The canonical IANA name of `zone`, or null when the runtime does not know it. */
export function canonicalTimeZone(zone: string): string | null {
  if (!zone || zone.length > 64) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

const weekdayIndex: Record<string, Weekday> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' };

/** The weekday and minute of the day at `at` (epoch ms) in `timeZone`. */
export function localTime(at: number, timeZone: string): { day: Weekday; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: weekdayIndex[get('weekday')] ?? 'mon', minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

/**
 * Whether the business is open at `at` in its time zone: true or false, or null when it cannot be
 * told (no hours given at all, or the day is by appointment). A missing day means closed.
 */
export function isOpenAt(hours: BusinessHours, timeZone: string, at: number): boolean | null {
  if (Object.keys(hours).length === 0) return null;
  const { day, minute } = localTime(at, timeZone);
  const today = hours[day];
  if (!today || today.mode === 'closed') return false;
  if (today.mode === 'open24') return true;
  if (today.mode === 'appointment') return null;
  return today.ranges.some((r) => minute >= minutes(r.open) && minute < minutes(r.close));
}
