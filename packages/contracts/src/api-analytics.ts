/**
 * @module contracts/api-analytics
 * Conversation and message analytics of a Business API number by category
 * (`GET /v1/business/api/analytics`), days being calendar days in the business's time zone.
 */
import { Type, type Static } from '@sinclair/typebox';

/** The longest period one request may cover, in days. */
export const API_ANALYTICS_MAX_DAYS = 90;

/** The pricing categories, in the order screens list them. */
export const ANALYTICS_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION', 'SERVICE'] as const;
export type AnalyticsCategory = (typeof ANALYTICS_CATEGORIES)[number];

export const CategoryCounts = Type.Object({
  MARKETING: Type.Integer({ minimum: 0 }),
  UTILITY: Type.Integer({ minimum: 0 }),
  AUTHENTICATION: Type.Integer({ minimum: 0 }),
  SERVICE: Type.Integer({ minimum: 0 }),
});
export type CategoryCounts = Static<typeof CategoryCounts>;

export const AnalyticsMessages = Type.Object({ sent: CategoryCounts, delivered: CategoryCounts, read: CategoryCounts });
export type AnalyticsMessages = Static<typeof AnalyticsMessages>;

export const AnalyticsDay = Type.Object({
  date: Type.String({ description: 'YYYY-MM-DD in the business time zone' }),
  conversations: CategoryCounts,
  messages: AnalyticsMessages,
});
export type AnalyticsDay = Static<typeof AnalyticsDay>;

export const ApiAnalytics = Type.Object({
  timeZone: Type.String(),
  days: Type.Array(AnalyticsDay),
  totals: Type.Object({ conversations: CategoryCounts, messages: AnalyticsMessages }),
});
export type ApiAnalytics = Static<typeof ApiAnalytics>;

// ---- days of a time zone (shared by the server's counting and the web's periods) ----------------

const DAY_MS = 86_400_000;

/** `timeZone` when the runtime knows it, else UTC (what the server counts in). */
export function validZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

/** The offset of `timeZone` from UTC at instant `t`, in ms (local time − UTC). */
function offsetAt(t: number, timeZone: string): number {
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const p = Object.fromEntries(fmt.formatToParts(t).map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(t / 1000) * 1000;
}

/** Days since 1970-01-01 of the calendar date that instant `t` falls on in `timeZone`. */
export function localDayNumber(t: number, timeZone: string): number {
  return Math.floor((t + offsetAt(t, validZone(timeZone))) / DAY_MS);
}

/** The instant (ms) at which local day `n` (days since 1970-01-01) starts in `timeZone`. */
export function startOfLocalDay(n: number, timeZone: string): number {
  const zone = validZone(timeZone);
  const wall = n * DAY_MS;
  const guess = wall - offsetAt(wall, zone);
  return wall - offsetAt(guess, zone);
}
