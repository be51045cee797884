/**
 * @module domain/api/analytics
 * Conversation and message analytics of a Business API number, per calendar day in the business's
 * time zone and per pricing category (MARKETING, UTILITY, AUTHENTICATION, SERVICE):
 * - conversations: the 24-hour conversation windows of the status webhooks (api_conversations),
 *   counted on the day they opened, by origin (the category of the message that opened them);
 * - messages sent through the API, and how many of them were delivered and read, by the category
 *   their statuses carry as `pricing.category` (a template's category; anything else is SERVICE).
 *   Delivered and read follow the customer's cursors exactly as the `delivered`/`read` statuses do
 *   (withheld messages are never delivered; a customer with read receipts off never reads).
 *
 * Counting is done by the database in 15-minute buckets (every time-zone offset is a multiple of
 * 15 minutes) folded into local days, as the Business app statistics do (domain/reach/stats.ts);
 * messages are found through a partial index of API-sent messages by sender and time (migration
 * 0015), conversations through the business's chats. Nothing is added to the send path.
 *
 * Two readers: the owner's `GET /v1/business/api/analytics` (getApiAnalytics) and the Graph
 * fields `analytics`, `conversation_analytics` and `pricing_analytics` of the WABA node
 * (wabaAnalyticsFields), which answer in Meta's shapes.
 */
import { sql } from 'kysely';
import { ANALYTICS_CATEGORIES, API_ANALYTICS_MAX_DAYS, startOfLocalDay, validZone, type AnalyticsCategory, type AnalyticsDay, type AnalyticsMessages, type ApiAnalytics, type CategoryCounts } from '#contracts/api-analytics.js';
import { AppError } from '../../errors.js';
import type { Actor, Ctx } from '../../context.js';
import { accessOwnBusiness } from '../business/index.js';
import { BUCKET_MS, DAY_MS, dateOfDayNumber, dayNumber, localDateFormatter } from '../reach/index.js';
import { GraphError } from './graph-error.js';
import type { FieldSelection } from './manage/params.js';
import { paramError } from './manage/params.js';
import type { ApiPrincipal } from './setup.js';
import type { Json } from './message-types/index.js';

// ---- periods ------------------------------------------------------------------------------------

/** The local days (day numbers since the epoch) that the instants `from`…`to` touch in `timeZone`. */
export interface LocalPeriod {
  first: number;
  last: number;
}

/** The local days of a period, or why it is refused (in words a person understands). */
function periodProblem(from: number, to: number, timeZone: string): { problem: string } | LocalPeriod {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < 0) return { problem: 'from and to must be instants (milliseconds since 1970).' };
  if (to < from) return { problem: 'to must not be before from.' };
  const localDate = localDateFormatter(timeZone);
  const first = dayNumber(localDate(from))!;
  const last = dayNumber(localDate(to))!;
  if (last - first + 1 > API_ANALYTICS_MAX_DAYS) return { problem: `A period may cover at most ${API_ANALYTICS_MAX_DAYS} days.` };
  return { first, last };
}

// ---- counting -----------------------------------------------------------------------------------

const zeroCounts = (): CategoryCounts => ({ MARKETING: 0, UTILITY: 0, AUTHENTICATION: 0, SERVICE: 0 });
const zeroMessages = (): AnalyticsMessages => ({ sent: zeroCounts(), delivered: zeroCounts(), read: zeroCounts() });

/** A stored category or origin (lower case) → its analytics category; anything unknown is SERVICE. */
function categoryOf(raw: unknown): AnalyticsCategory {
  const up = String(raw ?? '').toUpperCase();
  return (ANALYTICS_CATEGORIES as readonly string[]).includes(up) ? (up as AnalyticsCategory) : 'SERVICE';
}

/** Per local day of the period (every day listed, zeros included) and the totals. */
export async function countAnalytics(
  ctx: Ctx,
  businessId: string,
  timeZone: string,
  period: LocalPeriod,
): Promise<Omit<ApiAnalytics, 'timeZone'> & { /** Per local date: delivered utility templates that were free (sent inside the service window). */ freeUtilityDelivered: Map<string, number> }> {
  const localDate = localDateFormatter(timeZone);
  // Every local day lies within one UTC day (±14 hours) of the same date.
  const start = period.first * DAY_MS - DAY_MS;
  const end = (period.last + 2) * DAY_MS;
  const bucket = sql<number>`m.created_at / ${sql.lit(BUCKET_MS)}`;
  const templateCategory = ctx.dialect === 'postgres' ? sql<string>`cast(m.content as json) ->> 'category'` : sql<string>`json_extract(m.content, '$.category')`;
  const category = sql<string>`case when m.kind = 'template' then ${templateCategory} else 'service' end`;

  const [messages, conversations] = await Promise.all([
    ctx.db
      .selectFrom('messages as m')
      .innerJoin('chat_members as o', (j) => j.onRef('o.chat_id', '=', 'm.chat_id').on('o.account_id', '<>', businessId))
      .leftJoin('api_message_meta as mm', 'mm.message_id', 'm.id')
      .select([
        bucket.as('bucket'),
        category.as('category'),
        sql<number>`count(*)`.as('sent'),
        sql<number>`sum(case when m.withheld = 0 and (m.seq <= o.delivered_seq or m.seq <= o.receipt_read_seq) then 1 else 0 end)`.as('delivered'),
        sql<number>`sum(case when m.withheld = 0 and (m.seq <= o.delivered_seq or m.seq <= o.receipt_read_seq) and mm.pricing_type = 'free_customer_service' then 1 else 0 end)`.as('free_delivered'),
        sql<number>`sum(case when m.withheld = 0 and m.seq <= o.receipt_read_seq then 1 else 0 end)`.as('read'),
      ])
      .where('m.sender_id', '=', businessId)
      // The partial index of migration 0015 (a literal, so PostgreSQL can match its predicate).
      .where('m.sender_device_id', '=', sql.lit('api'))
      .where('m.created_at', '>=', start)
      .where('m.created_at', '<', end)
      .groupBy([bucket, category])
      .execute(),
    // A conversation lasts 24 hours from its opening: its expiry range uses the (chat_id, expires_at) index.
    ctx.db
      .selectFrom('api_conversations as ac')
      .innerJoin('chat_members as me', (j) => j.onRef('me.chat_id', '=', 'ac.chat_id').on('me.account_id', '=', businessId))
      .select([sql<number>`ac.opened_at / ${sql.lit(BUCKET_MS)}`.as('bucket'), 'ac.origin', sql<number>`count(*)`.as('n')])
      .where('ac.expires_at', '>=', start + DAY_MS)
      .where('ac.expires_at', '<', end + DAY_MS)
      .where('ac.opened_at', '>=', start)
      .where('ac.opened_at', '<', end)
      .groupBy([sql`ac.opened_at / ${sql.lit(BUCKET_MS)}`, 'ac.origin'])
      .execute(),
  ]);

  const byDate = new Map<string, AnalyticsDay>();
  const dayOf = (b: unknown): AnalyticsDay => {
    const date = localDate(Number(b) * BUCKET_MS);
    let d = byDate.get(date);
    if (!d) byDate.set(date, (d = { date, conversations: zeroCounts(), messages: zeroMessages() }));
    return d;
  };
  const freeUtilityDelivered = new Map<string, number>();
  for (const r of messages) {
    const d = dayOf(r.bucket);
    const c = categoryOf(r.category);
    if (c === 'UTILITY' && Number(r.free_delivered) > 0) freeUtilityDelivered.set(d.date, (freeUtilityDelivered.get(d.date) ?? 0) + Number(r.free_delivered));
    d.messages.sent[c] += Number(r.sent);
    d.messages.delivered[c] += Number(r.delivered);
    d.messages.read[c] += Number(r.read);
  }
  for (const r of conversations) dayOf(r.bucket).conversations[categoryOf(r.origin)] += Number(r.n);

  const days: AnalyticsDay[] = [];
  const totals = { conversations: zeroCounts(), messages: zeroMessages() };
  for (let n = period.first; n <= period.last; n++) {
    const date = dateOfDayNumber(n);
    const d = byDate.get(date) ?? { date, conversations: zeroCounts(), messages: zeroMessages() };
    days.push(d);
    for (const c of ANALYTICS_CATEGORIES) {
      totals.conversations[c] += d.conversations[c];
      totals.messages.sent[c] += d.messages.sent[c];
      totals.messages.delivered[c] += d.messages.delivered[c];
      totals.messages.read[c] += d.messages.read[c];
    }
  }
  return { days, totals, freeUtilityDelivered };
}

// ---- the owner's endpoint -----------------------------------------------------------------------

/** `GET /v1/business/api/analytics?from=&to=` (epoch ms): the days of the business's time zone they touch. */
export async function getApiAnalytics(ctx: Ctx, actor: Actor, from: number, to: number): Promise<ApiAnalytics> {
  const business = await accessOwnBusiness(ctx.db, actor);
  const waba = await ctx.db.selectFrom('wabas').select('id').where('account_id', '=', actor.accountId).executeTakeFirst();
  if (!waba) throw new AppError('API_NOT_ENABLED');
  const timeZone = validZone(business.timezone);
  const period = periodProblem(from, to, timeZone);
  if ('problem' in period) throw new AppError('ANALYTICS_RANGE_INVALID', period.problem, { maxDays: API_ANALYTICS_MAX_DAYS });
  const { days, totals } = await countAnalytics(ctx, actor.accountId, timeZone, period);
  return { timeZone, days, totals };
}

// ---- the Graph fields of the WABA node ----------------------------------------------------------

/** WABA fields answered here rather than by the node's own object. */
export const WABA_ANALYTICS_FIELDS = ['analytics', 'conversation_analytics', 'pricing_analytics'] as const;
type AnalyticsField = (typeof WABA_ANALYTICS_FIELDS)[number];

export function isAnalyticsField(name: string): name is AnalyticsField {
  return (WABA_ANALYTICS_FIELDS as readonly string[]).includes(name);
}

/** What each field accepts: its granularity value, its modifiers, the dimensions it can break down by. */
const FIELD_SPECS: Record<AnalyticsField, { granularity: string; modifiers: readonly string[]; dimensions: readonly string[] }> = {
  analytics: { granularity: 'DAY', modifiers: ['start', 'end', 'granularity', 'phone_numbers', 'product_types', 'country_codes'], dimensions: [] },
  conversation_analytics: {
    granularity: 'DAILY',
    modifiers: ['start', 'end', 'granularity', 'phone_numbers', 'metric_types', 'conversation_categories', 'conversation_types', 'conversation_directions', 'country_codes', 'dimensions'],
    dimensions: ['CONVERSATION_CATEGORY', 'CONVERSATION_DIRECTION', 'CONVERSATION_TYPE', 'PHONE'],
  },
  pricing_analytics: {
    granularity: 'DAILY',
    modifiers: ['start', 'end', 'granularity', 'phone_numbers', 'pricing_categories', 'pricing_types', 'country_codes', 'metric_types', 'dimensions'],
    dimensions: ['PRICING_CATEGORY', 'PRICING_TYPE', 'PHONE'],
  },
};

/** A modifier's list value: `[]`, `["A","B"]`, `[A,B]` or a bare `A`. */
function listValue(field: string, name: string, raw: string): string[] {
  const inner = raw.trim().replace(/^\[/, '').replace(/\]$/, '').trim();
  if (inner === '') return [];
  return inner.split(',').map((v) => {
    const s = v.trim().replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
    if (!/^[A-Za-z0-9_+]+$/.test(s)) throw paramError(`Param ${name} of ${field} must be a list such as ["A","B"].`);
    return s;
  });
}

function unixParam(field: string, name: string, raw: string | undefined): number {
  if (raw === undefined || raw === '') throw paramError(`The parameter ${name} is required for ${field}: ${field}.start(<unix seconds>).end(<unix seconds>).`);
  if (!/^\d{1,12}$/.test(raw)) throw paramError(`Param ${name} of ${field} must be a UNIX timestamp in seconds.`);
  return Number(raw);
}

interface ParsedField {
  name: AnalyticsField;
  period: LocalPeriod;
  /** Only these phone numbers (display digits); null: all of the WABA. */
  phoneNumbers: string[] | null;
  dimensions: string[];
  /** Category filters (upper case); null: all. */
  categories: string[] | null;
}

function parseField(f: FieldSelection, timeZone: string): ParsedField {
  const name = f.name as AnalyticsField;
  const spec = FIELD_SPECS[name];
  if (f.sub) throw paramError(`${name} takes no sub-fields; select its data with modifiers such as ${name}.start(…).end(…).granularity(${spec.granularity}).`);
  for (const m of Object.keys(f.modifiers)) if (!spec.modifiers.includes(m)) throw paramError(`Unknown modifier ${m} on ${name}; it accepts ${spec.modifiers.join(', ')}.`);
  const start = unixParam(name, 'start', f.modifiers.start);
  const end = unixParam(name, 'end', f.modifiers.end);
  const granularity = f.modifiers.granularity;
  if (granularity === undefined) throw paramError(`The parameter granularity is required for ${name}.`);
  if (granularity !== spec.granularity) throw paramError(`Param granularity of ${name} must be ${spec.granularity}: Parley counts whole days.`);
  if (end <= start) throw paramError(`Param end of ${name} must be after start.`);
  const period = periodProblem(start * 1000, end * 1000 - 1, timeZone);
  if ('problem' in period) throw paramError(`The period of ${name} is not valid: ${period.problem}`);
  const dimensions = f.modifiers.dimensions !== undefined ? listValue(name, 'dimensions', f.modifiers.dimensions).map((d) => d.toUpperCase()) : [];
  for (const d of dimensions) if (!spec.dimensions.includes(d)) throw paramError(`Param dimensions of ${name} may hold ${spec.dimensions.join(', ')}; ${d} is not supported.`);
  const phones = f.modifiers.phone_numbers !== undefined ? listValue(name, 'phone_numbers', f.modifiers.phone_numbers).map((p) => p.replace(/\D/g, '')) : [];
  const catKey = name === 'pricing_analytics' ? 'pricing_categories' : 'conversation_categories';
  const cats = f.modifiers[catKey] !== undefined ? listValue(name, catKey, f.modifiers[catKey]).map((c) => c.toUpperCase()) : [];
  return { name, period, phoneNumbers: phones.length ? phones : null, dimensions, categories: cats.length ? cats : null };
}

type PricingType = 'REGULAR' | 'FREE_CUSTOMER_SERVICE';

/** The values of the asked dimensions for counts of category `c` priced as `pricingType` (Parley's one number). */
function dimensionValues(p: ParsedField, c: AnalyticsCategory, display: string | null, pricingType: PricingType): Json {
  const dims: Json = {};
  const has = (d: string) => p.dimensions.includes(d);
  if (has('PHONE')) dims.phone_number = display;
  if (p.name === 'conversation_analytics') {
    if (has('CONVERSATION_TYPE')) dims.conversation_type = 'REGULAR';
    if (has('CONVERSATION_DIRECTION')) dims.conversation_direction = c === 'SERVICE' ? 'USER_INITIATED' : 'BUSINESS_INITIATED';
    if (has('CONVERSATION_CATEGORY')) dims.conversation_category = c;
  } else {
    if (has('PRICING_TYPE')) dims.pricing_type = pricingType;
    if (has('PRICING_CATEGORY')) dims.pricing_category = c;
  }
  return dims;
}

/**
 * The analytics fields asked for on the WABA node, in Meta's shapes: data points per local day of
 * the business's time zone (`start`/`end` are the day's bounds in unix seconds), days without any
 * count left out. Bad syntax or values are Graph 100 errors.
 */
export async function wabaAnalyticsFields(ctx: Ctx, principal: ApiPrincipal, wabaId: string, fields: FieldSelection[]): Promise<Json> {
  const waba = await ctx.db
    .selectFrom('wabas as w')
    .innerJoin('business_profiles as b', 'b.account_id', 'w.account_id')
    .select(['w.account_id', 'b.timezone'])
    .where('w.id', '=', wabaId)
    .where('w.id', '=', principal.wabaId)
    .executeTakeFirst();
  if (!waba) throw new GraphError(100, `Object with ID '${wabaId}' does not exist.`, { subcode: 33, type: 'GraphMethodException' });
  const timeZone = validZone(waba.timezone);
  const parsed = fields.map((f) => parseField(f, timeZone));
  // A deregistered number keeps its history.
  const numbers = await ctx.db.selectFrom('api_numbers').select('display_phone_number').where('waba_id', '=', wabaId).execute();
  const display = numbers[0]?.display_phone_number ?? null;

  const out: Json = {};
  for (const p of parsed) {
    // Parley's WABA has one number: a filter that leaves it out leaves nothing.
    const included = display !== null && (p.phoneNumbers === null || p.phoneNumbers.includes(display));
    const counted = included ? await countAnalytics(ctx, waba.account_id, timeZone, p.period) : { days: [], freeUtilityDelivered: new Map<string, number>() };
    const points = counted.days.map((d) => ({ day: d, start: startOfLocalDay(dayNumber(d.date)!, timeZone) / 1000, end: startOfLocalDay(dayNumber(d.date)! + 1, timeZone) / 1000 }));
    if (p.name === 'analytics') {
      const sum = (c: CategoryCounts) => ANALYTICS_CATEGORIES.reduce((a, k) => a + c[k], 0);
      out.analytics = {
        phone_numbers: display !== null && included ? [display] : [],
        granularity: 'DAY',
        data_points: points.map((x) => ({ start: x.start, end: x.end, sent: sum(x.day.messages.sent), delivered: sum(x.day.messages.delivered) })).filter((x) => x.sent > 0 || x.delivered > 0),
      };
    } else {
      const isConv = p.name === 'conversation_analytics';
      const dataPoints: Json[] = [];
      for (const x of points) {
        const counts = isConv ? x.day.conversations : x.day.messages.delivered;
        // One point per day and combination of the asked dimensions' values.
        const merged = new Map<string, Json>();
        // Delivered utility templates split by pricing type: free inside the service window, regular outside.
        const free = isConv ? 0 : (counted.freeUtilityDelivered.get(x.day.date) ?? 0);
        const parts = ANALYTICS_CATEGORIES.flatMap((c): { c: AnalyticsCategory; n: number; type: PricingType }[] =>
          c === 'UTILITY' && free > 0 ? [{ c, n: counts[c] - free, type: 'REGULAR' }, { c, n: free, type: 'FREE_CUSTOMER_SERVICE' }] : [{ c, n: counts[c], type: c === 'SERVICE' ? 'FREE_CUSTOMER_SERVICE' : 'REGULAR' }],
        );
        for (const { c, n, type } of parts) {
          if (n === 0 || (p.categories !== null && !p.categories.includes(c))) continue;
          const dims = dimensionValues(p, c, display, type);
          const key = JSON.stringify(dims);
          const point = merged.get(key) ?? { start: x.start, end: x.end, [isConv ? 'conversation' : 'volume']: 0, ...dims, cost: 0 };
          point[isConv ? 'conversation' : 'volume'] = (point[isConv ? 'conversation' : 'volume'] as number) + n;
          merged.set(key, point);
        }
        dataPoints.push(...merged.values());
      }
      out[p.name] = { data: [{ data_points: dataPoints }] };
    }
  }
  return out;
}
