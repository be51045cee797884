/**
 * @module domain/automation/hours
 * Whether a business is open at an instant, from its weekly hours in its IANA time zone, and the
 * start of the closed interval ("away period") an instant falls in. Pure functions over epoch ms;
 * local times are resolved with Intl.DateTimeFormat, so daylight-saving changes are honoured.
 *
 * Decisions: an 'open24' day is open all day; 'closed' (or a missing day) is closed all day; an
 * 'appointment' day counts as open (the business is reachable to set up appointments, so no away
 * message). A range whose close is not after its open (22:00–02:00) runs past midnight. A local
 * time skipped by a daylight-saving change moves forward by the gap (02:30 → 03:30), and a repeated one
 * resolves to its later occurrence.
 */
import { WEEKDAYS, type BusinessHours, type Weekday } from '#contracts/business.js';

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when Intl knows the zone. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(t: number, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(t))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute!, second: parts.second! };
}

/** Offset of the zone from UTC at instant t, in ms (Paris in winter: +3_600_000). */
function offsetAt(t: number, timeZone: string): number {
  const p = localParts(t, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(t / 1000) * 1000;
}

/** The instant at which the zone's wall clock shows the given local date and minute of day. */
export function zonedTime(year: number, month: number, day: number, minutes: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day) + minutes * 60_000;
  // Two passes settle the offset; in a skipped hour the second offset moves us past the gap.
  let t = wall - offsetAt(wall, timeZone);
  t = wall - offsetAt(t, timeZone);
  const check = wall - offsetAt(t, timeZone);
  return Math.max(t, check);
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** Open intervals [start, end) in epoch ms of one local calendar day. */
function dayIntervals(year: number, month: number, day: number, hours: BusinessHours, timeZone: string): [number, number][] {
  const weekday: Weekday = WEEKDAYS[(new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7]!;
  const d = hours[weekday];
  if (!d || d.mode === 'closed') return [];
  if (d.mode === 'open24' || d.mode === 'appointment') return [[zonedTime(year, month, day, 0, timeZone), zonedTime(year, month, day, 24 * 60, timeZone)]];
  return d.ranges.map((r) => {
    const open = minutesOf(r.open);
    let close = minutesOf(r.close);
    if (close <= open) close += 24 * 60;
    return [zonedTime(year, month, day, open, timeZone), zonedTime(year, month, day, close, timeZone)] as [number, number];
  });
}

export interface OpenState {
  open: boolean;
  /** When closed: the start of the closed interval t is in (null when the business never opens). */
  closedSince: number | null;
}

/** Whether the business is open at t; when closed, since when (the away period's start). */
export function openStateAt(t: number, hours: BusinessHours, timeZone: string): OpenState {
  const today = localParts(t, timeZone);
  const base = Date.UTC(today.year, today.month - 1, today.day);
  const intervals: [number, number][] = [];
  // A week back (the last opening is at most 7 days ago) and one day ahead is enough.
  for (let i = -8; i <= 1; i++) {
    const d = new Date(base + i * DAY_MS);
    intervals.push(...dayIntervals(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), hours, timeZone));
  }
  intervals.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const iv of intervals) {
    const last = merged[merged.length - 1];
    if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
    else merged.push([iv[0], iv[1]]);
  }
  let closedSince: number | null = null;
  for (const [s, e] of merged) {
    if (s <= t && t < e) return { open: true, closedSince: null };
    if (e <= t) closedSince = closedSince === null ? e : Math.max(closedSince, e);
  }
  return { open: false, closedSince };
}
