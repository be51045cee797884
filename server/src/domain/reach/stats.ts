/**
 * @module domain/reach/stats
 * Message statistics of a business per day, days being calendar days in the business's time zone:
 * messages the business sent, how many of those were delivered (seq ≤ the customer's delivered
 * cursor, or read) and read (seq ≤ the customer's visible read cursor), and messages received from
 * customers. A business that turned its own read receipts off sees no reads (as in its chats).
 * Messages withheld by a block count as sent but never as delivered, read or received.
 *
 * Counting is done by the database in 15-minute buckets (every time-zone offset is a multiple of
 * 15 minutes), which this module folds into local days; the rows returned stay bounded (≤ 96 per
 * day) whatever the volume.
 */
import { sql } from 'kysely';
import { STATS_MAX_DAYS, type BusinessStats, type DailyStats, type StatsCounts } from '#contracts/reach.js';
import { AppError } from '../../errors.js';
import type { Actor, Ctx } from '../../context.js';
import { accessBusinessAccount } from '../business/index.js';

export const BUCKET_MS = 15 * 60 * 1000;
export const DAY_MS = 86_400_000;

/** Days since the epoch of a YYYY-MM-DD calendar date, or null when it is not a real date. */
export function dayNumber(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return t / DAY_MS;
}

export function dateOfDayNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** Check a statistics period; returns its first and last day numbers. */
export function checkPeriod(from: string, to: string): { first: number; last: number } {
  const first = dayNumber(from);
  const last = dayNumber(to);
  if (first === null || last === null) throw new AppError('STATS_RANGE_INVALID', 'from and to must be calendar dates written YYYY-MM-DD.', { maxDays: STATS_MAX_DAYS });
  if (first > last) throw new AppError('STATS_RANGE_INVALID', 'from must not be after to.', { maxDays: STATS_MAX_DAYS });
  if (last - first + 1 > STATS_MAX_DAYS) throw new AppError('STATS_RANGE_INVALID', `A period may cover at most ${STATS_MAX_DAYS} days.`, { maxDays: STATS_MAX_DAYS });
  return { first, last };
}

/** A formatter of instants to the local calendar date (YYYY-MM-DD) in `timeZone`. */
export function localDateFormatter(timeZone: string): (t: number) => string {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  } catch {
    fmt = new Intl.DateTimeFormat('en-CA', { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' });
  }
  return (t) => {
    const parts = Object.fromEntries(fmt.formatToParts(t).map((p) => [p.type, p.value]));
    return `${parts.year}-${parts.month}-${parts.day}`;
  };
}

const zero = (): StatsCounts => ({ sent: 0, delivered: 0, read: 0, received: 0 });

export async function getStats(ctx: Ctx, actor: Actor, from: string, to: string): Promise<BusinessStats> {
  const { first, last } = checkPeriod(from, to);
  const business = await accessBusinessAccount(ctx.db, actor);
  const localDate = localDateFormatter(business.timezone);
  // Every local day of the period lies within one UTC day (±14 hours) of the same date.
  const start = first * DAY_MS - DAY_MS;
  const end = (last + 2) * DAY_MS;
  const biz = business.accountId;

  const rows = await ctx.db
    .selectFrom('messages as m')
    .innerJoin('chats as c', 'c.id', 'm.chat_id')
    .innerJoin('chat_members as me', (j) => j.onRef('me.chat_id', '=', 'm.chat_id').on('me.account_id', '=', biz))
    .innerJoin('chat_members as o', (j) => j.onRef('o.chat_id', '=', 'm.chat_id').on('o.account_id', '<>', biz))
    .select([
      sql<number>`m.created_at / ${sql.lit(BUCKET_MS)}`.as('bucket'),
      sql<number>`sum(case when m.sender_id = ${biz} then 1 else 0 end)`.as('sent'),
      sql<number>`sum(case when m.sender_id = ${biz} and m.withheld = 0 and (m.seq <= o.delivered_seq or m.seq <= o.receipt_read_seq) then 1 else 0 end)`.as('delivered'),
      sql<number>`sum(case when m.sender_id = ${biz} and m.withheld = 0 and m.seq <= o.receipt_read_seq then 1 else 0 end)`.as('read'),
      sql<number>`sum(case when m.sender_id <> ${biz} and m.withheld = 0 then 1 else 0 end)`.as('received'),
    ])
    .where('c.kind', '=', 'direct')
    .where('m.created_at', '>=', start)
    .where('m.created_at', '<', end)
    .groupBy(sql`m.created_at / ${sql.lit(BUCKET_MS)}`)
    .execute();

  const byDate = new Map<string, StatsCounts>();
  for (const r of rows) {
    const date = localDate(Number(r.bucket) * BUCKET_MS);
    const acc = byDate.get(date) ?? zero();
    acc.sent += Number(r.sent);
    acc.delivered += Number(r.delivered);
    acc.read += business.readReceipts ? Number(r.read) : 0;
    acc.received += Number(r.received);
    byDate.set(date, acc);
  }

  const days: DailyStats[] = [];
  const totals = zero();
  for (let n = first; n <= last; n++) {
    const date = dateOfDayNumber(n);
    const c = byDate.get(date) ?? zero();
    days.push({ date, ...c });
    totals.sent += c.sent;
    totals.delivered += c.delivered;
    totals.read += c.read;
    totals.received += c.received;
  }
  return { from: dateOfDayNumber(first), to: dateOfDayNumber(last), timezone: business.timezone, days, totals };
}
