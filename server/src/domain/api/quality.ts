/**
 * @module domain/api/quality
 * The quality rating and the messaging-limit tier of a business's API number (reference §8.4,
 * §8.5), one state per WABA (a WABA has one number in Parley):
 * - input: the blocks and reports customers gave the business (recorded by the onFeedbackInTx hook
 *   inside the block's or report's write) and the unique customers reached by business-initiated
 *   messages (customer_policy.last_biz_initiated_at, recorded by the policy module), both over the
 *   last QUALITY_WINDOW_MS (7 days);
 * - rating: the share of reached customers (at least PARLEY_API_QUALITY_MIN_BASE) who blocked or
 *   reported the business: YELLOW from PARLEY_API_QUALITY_YELLOW_PERCENT, RED from
 *   PARLEY_API_QUALITY_RED_PERCENT; it recovers as feedback older than 7 days ages out;
 * - tier: TIER_250 → TIER_2K → TIER_10K → TIER_100K → TIER_UNLIMITED, raised one tier when the
 *   business reached at least half its limit in 7 days with a rating that is not RED (at most once
 *   per TIER_UPGRADE_MIN_MS), or straight to TIER_2K once the business is verified; lowered one
 *   tier when the rating turns RED.
 * Each change is a history row and a `phone_number_quality_update` webhook, written in the
 * transaction that evaluates. Evaluation happens on each new block or report, on reads (the owner's
 * health view, the number's Graph node), at most once a minute from the send path, and on a
 * periodic tick (workers/quality.ts), so ageing feedback recovers without any traffic.
 * The decision whether a message may be sent stays in policy.ts; it reads the tier from here.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { WEBHOOKS_TOPIC, type Actor, type Ctx, type Envelope } from '../../context.js';
import type { Config } from '../../config/schema.js';
import type { ApiQualityTable, DB } from '../../tables.js';
import type { Emit } from '../../platform/db/write-queue.js';
import type { FeedbackEvent } from '../../platform/hooks/hooks.js';
import { newId } from '../../platform/ids.js';
import { prepared } from '../../platform/db/prepared.js';
import { AppError } from '../../errors.js';
import { accountKindOf } from '../accounts/index.js';
import { accessOwnBusiness } from '../business/index.js';
import { apiNumberOf, enqueueWebhook, phoneQualityPayload } from './webhooks.js';
import { displayNumber } from './ids.js';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/** The window of the quality rating and of the tier upgrade rule. */
export const QUALITY_WINDOW_MS = 7 * DAY_MS;
/** The messaging limit counts unique customers over this rolling window. */
export const LIMIT_WINDOW_MS = DAY_MS;
/** An upgrade by volume needs the current tier held this long (the reference: raised within ~6 h). */
export const TIER_UPGRADE_MIN_MS = 6 * HOUR_MS;
/** How long the send path trusts its in-memory copy of a business's tier. */
export const TIER_CACHE_MS = 60_000;
/** The send path re-evaluates a business at most this often. */
export const EVALUATE_EVERY_MS = 60_000;
/** History entries the owner's health view shows. */
export const HISTORY_SHOWN = 20;

export const TIERS = ['TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED'] as const;
export type Tier = (typeof TIERS)[number];
/** Unique customers per rolling 24 hours (null: unlimited). */
export const TIER_LIMITS: Record<Tier, number | null> = { TIER_250: 250, TIER_2K: 2000, TIER_10K: 10_000, TIER_100K: 100_000, TIER_UNLIMITED: null };

export type QualityRating = 'GREEN' | 'YELLOW' | 'RED';
const RANK: Record<QualityRating, number> = { GREEN: 0, YELLOW: 1, RED: 2 };
export type QualityEvent = 'UPGRADE' | 'DOWNGRADE' | 'FLAGGED' | 'UNFLAGGED';

export interface QualityState {
  wabaId: string;
  businessId: string;
  rating: QualityRating;
  ratingSince: number;
  tier: Tier;
  tierSince: number;
}

function toState(row: ApiQualityTable): QualityState {
  return { wabaId: row.waba_id, businessId: row.business_id, rating: row.rating as QualityRating, ratingSince: Number(row.rating_since), tier: row.tier as Tier, tierSince: Number(row.tier_since) };
}

// ---- counts -----------------------------------------------------------------------------------

const reachedRow = prepared((db: Kysely<DB>, p) =>
  db
    .selectFrom('customer_policy')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('business_id', '=', p('businessId'))
    .where('last_biz_initiated_at', '>', p('since')),
);

/** Unique customers who got a business-initiated message from the business after `since`. */
export async function customersReachedSince(db: Kysely<DB>, businessId: string, since: number): Promise<number> {
  const [row] = await reachedRow(db, { businessId, since });
  return Number(row?.n ?? 0);
}

export interface FeedbackCounts {
  /** Customers who blocked the business. */
  blocks: number;
  /** Customers who reported the business. */
  reports: number;
  /** Customers who did either (or both). */
  customers: number;
}

/** Distinct customers who blocked / reported the business after `since` (a customer reporting twice counts once). */
export async function feedbackSince(db: Kysely<DB>, businessId: string, since: number): Promise<FeedbackCounts> {
  const row = await db
    .selectFrom('api_feedback')
    .select([
      sql<number | string>`count(distinct case when kind = 'block' then customer_id end)`.as('blocks'),
      sql<number | string>`count(distinct case when kind = 'report' then customer_id end)`.as('reports'),
      sql<number | string>`count(distinct customer_id)`.as('customers'),
    ])
    .where('business_id', '=', businessId)
    .where('at', '>', since)
    .executeTakeFirst();
  return { blocks: Number(row?.blocks ?? 0), reports: Number(row?.reports ?? 0), customers: Number(row?.customers ?? 0) };
}

/** The rating for `negative` customers who blocked or reported out of `reached` (at least the configured base). */
export function ratingFor(config: Pick<Config, 'PARLEY_API_QUALITY_YELLOW_PERCENT' | 'PARLEY_API_QUALITY_RED_PERCENT' | 'PARLEY_API_QUALITY_MIN_BASE'>, negative: number, reached: number): QualityRating {
  const base = Math.max(reached, config.PARLEY_API_QUALITY_MIN_BASE);
  // Compared as negative / base >= percent / 100, without floating-point division.
  if (negative * 100 >= config.PARLEY_API_QUALITY_RED_PERCENT * base) return 'RED';
  if (negative * 100 >= config.PARLEY_API_QUALITY_YELLOW_PERCENT * base) return 'YELLOW';
  return 'GREEN';
}

export function nextTier(tier: Tier): Tier | null {
  return TIERS[TIERS.indexOf(tier) + 1] ?? null;
}

function lowerTier(tier: Tier): Tier {
  return TIERS[Math.max(0, TIERS.indexOf(tier) - 1)]!;
}

const limitText = (tier: Tier) => (TIER_LIMITS[tier] === null ? 'unlimited' : `${TIER_LIMITS[tier]!.toLocaleString('en-US')} customers a day`);

// ---- the send path's view of the tier (cached per node) -----------------------------------------

interface CachedTier {
  /** null: the business has no API number (no limit applies). */
  tier: Tier | null;
  readAt: number;
}
interface QualityCaches {
  tiers: Map<string, CachedTier>;
  evaluatedAt: Map<string, number>;
}
const caches = new WeakMap<Ctx, QualityCaches>();
function cachesOf(ctx: Ctx): QualityCaches {
  let c = caches.get(ctx);
  if (!c) {
    c = { tiers: new Map(), evaluatedAt: new Map() };
    caches.set(ctx, c);
  }
  return c;
}

const tierRow = prepared((db: Kysely<DB>, p) => db.selectFrom('api_quality').select('tier').where('business_id', '=', p('businessId')));
const wabaRow = prepared((db: Kysely<DB>, p) => db.selectFrom('wabas').select('id').where('account_id', '=', p('businessId')));

/**
 * The business's messaging-limit tier as the send path uses it: read at most every TIER_CACHE_MS
 * per node (a change made on this node is seen at once). null when the business has no API number.
 */
export async function messagingTierOf(ctx: Ctx, db: Kysely<DB>, businessId: string, now: number): Promise<Tier | null> {
  const c = cachesOf(ctx).tiers;
  const hit = c.get(businessId);
  if (hit && now - hit.readAt < TIER_CACHE_MS && now >= hit.readAt) return hit.tier;
  const [row] = await tierRow(db, { businessId });
  // A number never evaluated yet starts at the lowest tier.
  const tier = row ? (row.tier as Tier) : (await wabaRow(db, { businessId })).length > 0 ? 'TIER_250' : null;
  if (c.size > 50_000) c.clear();
  c.set(businessId, { tier, readAt: now });
  return tier;
}

// ---- evaluation -------------------------------------------------------------------------------

interface Change {
  event: QualityEvent;
  detail: string;
  oldTier: Tier;
  tier: Tier;
}

async function loadState(tx: Transaction<DB>, businessId: string, now: number): Promise<QualityState | null> {
  const row = await tx.selectFrom('api_quality').selectAll().where('business_id', '=', businessId).executeTakeFirst();
  if (row) return toState(row);
  const waba = await tx.selectFrom('wabas').select('id').where('account_id', '=', businessId).executeTakeFirst();
  if (!waba) return null;
  const state: QualityState = { wabaId: waba.id, businessId, rating: 'GREEN', ratingSince: now, tier: 'TIER_250', tierSince: now };
  await tx.insertInto('api_quality').values({ waba_id: state.wabaId, business_id: businessId, rating: state.rating, rating_since: now, tier: state.tier, tier_since: now, evaluated_at: now }).execute();
  return state;
}

async function isVerified(tx: Transaction<DB>, businessId: string): Promise<boolean> {
  const row = await tx.selectFrom('business_profiles').select('verified_at').where('account_id', '=', businessId).executeTakeFirst();
  return row?.verified_at != null;
}

/**
 * Recompute the rating and tier of a business's number at `now` inside a write op; record each
 * change (history row, `phone_number_quality_update` webhook when the number is registered).
 * Returns the state, or null when the business has no API number.
 */
export async function evaluateQuality(ctx: Ctx, tx: Transaction<DB>, emit: Emit<Envelope>, businessId: string, now: number): Promise<QualityState | null> {
  const state = await loadState(tx, businessId, now);
  if (!state) return null;
  const evaluated = cachesOf(ctx).evaluatedAt;
  if (evaluated.size > 50_000) evaluated.clear();
  evaluated.set(businessId, now);
  const since = now - QUALITY_WINDOW_MS;
  const feedback = await feedbackSince(tx, businessId, since);
  const reached = await customersReachedSince(tx, businessId, since);
  const rating = ratingFor(ctx.config, feedback.customers, reached);
  const next = { ...state };
  const changes: Change[] = [];

  if (rating !== state.rating) {
    const worse = RANK[rating] > RANK[state.rating];
    const why = `${feedback.customers} customer${feedback.customers === 1 ? '' : 's'} blocked or reported the business in 7 days; ${reached} reached by business-initiated messages`;
    changes.push({ event: worse ? 'FLAGGED' : 'UNFLAGGED', detail: `Quality rating ${state.rating} → ${rating} (${why}).`, oldTier: next.tier, tier: next.tier });
    next.rating = rating;
    next.ratingSince = now;
    if (rating === 'RED' && next.tier !== TIERS[0]) {
      const lower = lowerTier(next.tier);
      changes.push({ event: 'DOWNGRADE', detail: `Messaging limit ${next.tier} → ${lower} (${limitText(lower)}): the quality rating is RED.`, oldTier: next.tier, tier: lower });
      next.tier = lower;
      next.tierSince = now;
    }
  }

  const up = nextTier(next.tier);
  if (next.rating !== 'RED' && up) {
    const limit = TIER_LIMITS[next.tier]!;
    let reason: string | null = null;
    if (next.tier === 'TIER_250' && (await isVerified(tx, businessId))) reason = 'the business is verified';
    else if (now - next.tierSince >= TIER_UPGRADE_MIN_MS && reached * 2 >= limit) reason = `${reached} unique customers reached by business-initiated messages in 7 days, at least half the limit of ${limit}`;
    if (reason) {
      changes.push({ event: 'UPGRADE', detail: `Messaging limit ${next.tier} → ${up} (${limitText(up)}): ${reason}.`, oldTier: next.tier, tier: up });
      next.tier = up;
      next.tierSince = now;
    }
  }

  await tx
    .updateTable('api_quality')
    .set({ rating: next.rating, rating_since: next.ratingSince, tier: next.tier, tier_since: next.tierSince, evaluated_at: now })
    .where('waba_id', '=', state.wabaId)
    .execute();
  if (changes.length === 0) return next;

  cachesOf(ctx).tiers.delete(businessId);
  for (const [seq, c] of changes.entries()) await tx.insertInto('api_quality_history').values({ id: newId('aqh'), waba_id: state.wabaId, at: now, seq, event: c.event, detail: c.detail }).execute();
  const num = await apiNumberOf(tx, businessId);
  if (num) {
    let n = 0;
    for (const c of changes) {
      const limit = TIER_LIMITS[c.tier];
      const payload = phoneQualityPayload(
        num.wabaId,
        { displayPhoneNumber: num.displayPhoneNumber, event: c.event, currentLimit: c.tier, oldLimit: c.oldTier, maxDailyConversations: limit ?? 'UNLIMITED' },
        now,
      );
      n += await enqueueWebhook(tx, num.wabaId, 'phone_number_quality_update', payload, now);
    }
    if (n > 0) emit({ topic: WEBHOOKS_TOPIC, event: { kind: 'webhooks.enqueued' } });
  }
  ctx.log.info({ msg: 'api.quality_changed', businessId, events: changes.map((c) => c.event), rating: next.rating, tier: next.tier });
  return next;
}

/** Evaluate from the send path (inside its write), at most once per EVALUATE_EVERY_MS per business and node. */
export async function evaluateQualitySometimes(ctx: Ctx, tx: Transaction<DB>, emit: Emit<Envelope>, businessId: string, now: number): Promise<void> {
  const last = cachesOf(ctx).evaluatedAt.get(businessId);
  if (last !== undefined && now - last < EVALUATE_EVERY_MS && now >= last) return;
  await evaluateQuality(ctx, tx, emit, businessId, now);
}

/** Evaluate in a write op of its own (reads: the health view, the number's Graph node; the periodic tick). */
export async function refreshQuality(ctx: Ctx, businessId: string): Promise<QualityState | null> {
  return ctx.writes.run((tx, emit) => evaluateQuality(ctx, tx, emit, businessId, ctx.clock.now()));
}

/** Evaluate every business that has a quality state (the periodic tick). Returns how many were evaluated. */
export async function refreshAllQuality(ctx: Ctx): Promise<number> {
  const rows = await ctx.db.selectFrom('api_quality').select('business_id').execute();
  for (const r of rows) await refreshQuality(ctx, r.business_id);
  return rows.length;
}

/**
 * Record each block and report of a business (inside that write) and re-evaluate its number at
 * once, so a rating drop is announced with the feedback that caused it.
 */
export function installQualityHooks(ctx: Ctx): void {
  ctx.hooks.onFeedbackInTx(async (tx, emit, e: FeedbackEvent) => {
    if ((await accountKindOf(ctx, tx, e.aboutId)) !== 'business') return;
    await tx.insertInto('api_feedback').values({ id: newId('afb'), business_id: e.aboutId, customer_id: e.fromId, kind: e.kind, at: e.at }).execute();
    await evaluateQuality(ctx, tx, emit, e.aboutId, e.at);
  });
}

// ---- views ------------------------------------------------------------------------------------

export interface NumberQuality {
  state: QualityState;
  /** Unique customers reached by business-initiated messages in the last 24 hours. */
  used24h: number;
  limit: number | null;
  /** FLAGGED (rating RED), else RESTRICTED (the messaging limit is used up), else CONNECTED. */
  status: 'CONNECTED' | 'FLAGGED' | 'RESTRICTED';
}

/** The number's quality, evaluated now (a write op). null when the business has no API number. */
export async function numberQuality(ctx: Ctx, businessId: string): Promise<NumberQuality | null> {
  const state = await refreshQuality(ctx, businessId);
  if (!state) return null;
  const used24h = await customersReachedSince(ctx.db, businessId, ctx.clock.now() - LIMIT_WINDOW_MS);
  const limit = TIER_LIMITS[state.tier];
  // A RED rating is the graver problem: it shows first.
  const status = state.rating === 'RED' ? 'FLAGGED' : limit !== null && used24h >= limit ? 'RESTRICTED' : 'CONNECTED';
  return { state, used24h, limit, status };
}

export interface NumberHealth {
  phoneNumberId: string;
  displayPhoneNumber: string;
  status: 'CONNECTED' | 'FLAGGED' | 'RESTRICTED';
  quality: { rating: QualityRating | 'UNKNOWN'; since: number | null; blocks7d: number; reports7d: number; businessInitiated7d: number };
  messagingLimit: { tier: Tier; limit: number | null; used24h: number; nextTier: Tier | null };
  throughputPerSecond: number;
  history: { at: number; event: QualityEvent; detail: string }[];
}

/** `GET /v1/business/api/health`: the owner's view of the number's quality, limit and their changes. */
export async function getNumberHealth(ctx: Ctx, actor: Actor): Promise<NumberHealth> {
  await accessOwnBusiness(ctx.db, actor);
  const num = await ctx.db.selectFrom('api_numbers').select(['id', 'display_phone_number']).where('account_id', '=', actor.accountId).orderBy('created_at').executeTakeFirst();
  const q = num ? await numberQuality(ctx, actor.accountId) : null;
  if (!num || !q) throw new AppError('API_NOT_ENABLED');
  const now = ctx.clock.now();
  const since = now - QUALITY_WINDOW_MS;
  const [feedback, reached, history] = await Promise.all([
    feedbackSince(ctx.db, actor.accountId, since),
    customersReachedSince(ctx.db, actor.accountId, since),
    ctx.db.selectFrom('api_quality_history').select(['at', 'event', 'detail']).where('waba_id', '=', q.state.wabaId).orderBy('at', 'desc').orderBy('seq', 'desc').limit(HISTORY_SHOWN).execute(),
  ]);
  return {
    phoneNumberId: num.id,
    displayPhoneNumber: displayNumber(num.display_phone_number),
    status: q.status,
    quality: { rating: q.state.rating, since: q.state.ratingSince, blocks7d: feedback.blocks, reports7d: feedback.reports, businessInitiated7d: reached },
    messagingLimit: { tier: q.state.tier, limit: q.limit, used24h: q.used24h, nextTier: nextTier(q.state.tier) },
    throughputPerSecond: ctx.config.PARLEY_API_THROUGHPUT_PER_SECOND,
    history: history.map((h) => ({ at: Number(h.at), event: h.event as QualityEvent, detail: h.detail })),
  };
}
