/**
 * @module domain/api/policy
 * The business messaging policy, decided in this one module (ADR 0006 point 7) for every business
 * sending path: the API's `POST /{pnid}/messages` today, a team inbox, bots and campaigns later.
 * Each path calls `checkSendPolicy` once per message, before anything is stored, and acts on the
 * decision (reference §8):
 * - customer-service window: free-form messages (every kind but a template) only within 24 hours
 *   of the customer's latest message to the business (refused at exactly 24 h), else 131047,
 *   synchronously; templates always pass;
 * - throughput: at most PARLEY_API_THROUGHPUT_PER_SECOND messages in any second per sending
 *   number, else 130429 (synchronously);
 * - pair rate: per (number, customer) a bucket of PARLEY_API_PAIR_BURST messages refilled with one
 *   every PARLEY_API_PAIR_INTERVAL_SECONDS, else 131056 (synchronously);
 * - marketing opt-out: a MARKETING template to a customer who stopped marketing messages fails
 *   with 131050 asynchronously (a `failed` status webhook; the reference reports it only so);
 * - messaging limit: a business-initiated message (a template while the customer's window is
 *   closed) to a customer not yet reached in the last 24 hours, when the business already reached
 *   its tier's limit of unique customers in 24 hours, fails with 131048 asynchronously; the tier
 *   comes from quality.ts. A customer already reached in the 24 hours costs nothing, and a customer
 *   whose window is open never counts. The business-initiated messages are recorded inside the
 *   write of each stored message (installPolicyHooks), whatever path sent it.
 * The window and the opt-in/opt-out live in `customer_policy` (one row per business and customer),
 * updated in the transaction of the customer's message (installPolicyHooks) or by the customer's
 * own control (setMarketingPreference). The rate limits are in memory per node: a deployment with
 * several nodes serving one number allows up to that many times the configured rates. The
 * messaging limit's count is in the database; each node adds the customers it lets through to its
 * copy at once and reads the count again at most every minute, so only sends to new customers made
 * at the same time on several nodes may pass the limit by those in flight.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { WEBHOOKS_TOPIC, type Actor, type Ctx, type Envelope } from '../../context.js';
import type { Emit } from '../../platform/db/write-queue.js';
import type { DB } from '../../tables.js';
import type { MessageSentEvent } from '../../platform/hooks/hooks.js';
import { AppError } from '../../errors.js';
import { accountKindOf } from '../accounts/index.js';
import { waDigits } from './ids.js';
import { apiNumberOf, enqueueWebhook, userPreferencesPayload } from './webhooks.js';
import { prepared } from '../../platform/db/prepared.js';
import { customersReachedSince, evaluateQualitySometimes, LIMIT_WINDOW_MS, messagingTierOf, TIER_LIMITS } from './quality.js';

export const SERVICE_WINDOW_MS = 24 * 3600_000;

export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';

/** One message a business is about to send, as every sending path describes it. */
export interface SendPolicyInput {
  /** The sending business account. */
  businessId: string;
  /** The sending number, for the throughput and pair limits (the API's phone_number_id). */
  numberKey: string;
  /** The recipient's account, or null when the recipient is not on Parley (no window nor opt-out to check). */
  customerId: string | null;
  /** A stable key of the recipient for the pair limit (wa_id digits). */
  recipientKey: string;
  /**
   * null: a free-form message (text, media, interactive, reaction…); else a template with its
   * category (null when the template is unknown: the sending path's own check refuses it).
   */
  template: { category: TemplateCategory | null } | null;
}

export type PolicyCode = 131047 | 130429 | 131056 | 131050 | 131048;

export interface PolicyRefusal {
  allowed: false;
  code: PolicyCode;
  details: string;
  /** 'sync': answer the request with the error; 'async': accept it, then report a `failed` status. */
  delivery: 'sync' | 'async';
  subcode?: number;
}

/**
 * `release`: the sending path calls it when the message is refused after all by its own checks
 * (a bad parameter), so that nothing sent counts against the rate limits. `settle`: it calls it once
 * the message is stored (or refused), so the messaging limit stops counting it as in flight (a path
 * that never does keeps the slot counted for INFLIGHT_MS, erring on the side of the limit).
 */
export type SendDecision = { allowed: true; release: () => void; settle: () => void; /** The customer's service window is open now (a utility template is then free). */ inWindow: boolean } | PolicyRefusal;

// ---- rate limits (in memory, per node) ------------------------------------------------------

/** At most `limit` events in any `windowMs`: the times of each key's recent events, oldest first. */
class SlidingLog {
  private readonly logs = new Map<string, { times: number[]; head: number }>();
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}
  private log(key: string, now: number): { times: number[]; head: number } | undefined {
    const l = this.logs.get(key);
    if (!l) return undefined;
    while (l.head < l.times.length && l.times[l.head]! <= now - this.windowMs) l.head++;
    if (l.head === l.times.length) {
      this.logs.delete(key);
      return undefined;
    }
    if (l.head > 1024 && l.head * 2 > l.times.length) {
      l.times = l.times.slice(l.head);
      l.head = 0;
    }
    return l;
  }
  /** Whether one more event fits now. */
  fits(key: string, now: number): boolean {
    const l = this.log(key, now);
    return !l || l.times.length - l.head < this.limit;
  }
  take(key: string, now: number): void {
    const l = this.log(key, now);
    if (l) l.times.push(now);
    else this.logs.set(key, { times: [now], head: 0 });
  }
  /** Give back an event taken at `at` (a send refused after the policy let it through). */
  release(key: string, at: number): void {
    const l = this.logs.get(key);
    if (!l) return;
    const i = l.times.lastIndexOf(at);
    if (i >= l.head) l.times.splice(i, 1);
  }
}

/** A token bucket per key: `burst` tokens, one more every `intervalMs`. */
class Buckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    readonly burst: number,
    readonly intervalMs: number,
  ) {}
  private level(key: string, now: number): number {
    const b = this.buckets.get(key);
    if (!b) return this.burst;
    return Math.min(this.burst, b.tokens + Math.max(0, now - b.at) / this.intervalMs);
  }
  fits(key: string, now: number): boolean {
    return this.level(key, now) >= 1;
  }
  take(key: string, now: number): void {
    const tokens = this.level(key, now) - 1;
    this.buckets.set(key, { tokens, at: now });
    if (this.buckets.size > 100_000) this.sweep(now);
  }
  /** Give back a token. */
  release(key: string): void {
    const b = this.buckets.get(key);
    if (b) b.tokens = Math.min(this.burst, b.tokens + 1);
  }
  /** Forget the buckets that are full again (they behave as absent ones). */
  private sweep(now: number): void {
    for (const key of [...this.buckets.keys()]) if (this.level(key, now) >= this.burst) this.buckets.delete(key);
  }
}

/**
 * A business's unique customers reached in 24 hours as the send path sees it: exact at `exactAt`
 * (from the database), plus the new customers this node let through since. Customers only leave
 * the count as time passes, so `count` is an upper bound: below the limit, a new customer goes
 * without a query; at the limit, the database is asked again. `fullUntil`: the limit `limit` is used
 * up until then (when the oldest counted customer leaves the 24 hours), so refusals cost no query.
 */
interface Usage {
  count: number;
  exactAt: number;
  limit: number;
  fullUntil: number;
  /** New customers let through whose message may not be stored yet (the database does not count them). */
  inflight: Set<{ at: number }>;
}
/** How long a node trusts its usage count before reading it again (other nodes' sends show then). */
const USAGE_TTL_MS = 60_000;
/** A slot not settled after this long is taken as stored. */
const INFLIGHT_MS = 30_000;

interface Limiters {
  throughput: SlidingLog;
  pair: Buckets;
  usage: Usages;
}
/** Per business: the usage copy, and the read of it in progress (concurrent sends share one). */
interface Usages {
  copies: Map<string, Usage>;
  reading: Map<string, Promise<Usage>>;
}
const limiters = new WeakMap<Ctx, Limiters>();
function limitersOf(ctx: Ctx): Limiters {
  let l = limiters.get(ctx);
  if (!l) {
    l = {
      throughput: new SlidingLog(ctx.config.PARLEY_API_THROUGHPUT_PER_SECOND, 1000),
      pair: new Buckets(ctx.config.PARLEY_API_PAIR_BURST, ctx.config.PARLEY_API_PAIR_INTERVAL_SECONDS * 1000),
      usage: { copies: new Map(), reading: new Map() },
    };
    limiters.set(ctx, l);
  }
  return l;
}

// ---- the decision -----------------------------------------------------------------------------

const policyRow = prepared((db: Kysely<DB>, p) =>
  db
    .selectFrom('customer_policy')
    .select(['last_inbound_at', 'marketing_opt_out_at', 'last_biz_initiated_at'])
    .where('business_id', '=', p('businessId'))
    .where('customer_id', '=', p('customerId')),
);

/**
 * Per node, per business and customer: the end of a service window found open in the database
 * (last inbound message + 24 h). last_inbound_at only ever moves forward, so a window read open
 * stays open at least until then: free-form sends before that end need no read, and at that end
 * the row is read again (a newer customer message has moved it). Filled only from committed data
 * (reads outside a write op).
 */
const openWindows = new WeakMap<Ctx, Map<string, number>>();
function openWindowsOf(ctx: Ctx): Map<string, number> {
  let m = openWindows.get(ctx);
  if (!m) openWindows.set(ctx, (m = new Map()));
  return m;
}

/** Whether the customer's service window with the business is open at `now` (the customer wrote within 24 hours). */
export function windowOpen(lastInboundAt: number | string | null | undefined, now: number): boolean {
  return lastInboundAt != null && now < Number(lastInboundAt) + SERVICE_WINDOW_MS;
}

/** The service window of one customer with one business, read from customer_policy (pass `tx` inside a write op). */
export async function customerWindowOpen(db: Kysely<DB>, businessId: string, customerId: string, now: number): Promise<boolean> {
  const row = await db.selectFrom('customer_policy').select('last_inbound_at').where('business_id', '=', businessId).where('customer_id', '=', customerId).executeTakeFirst();
  return windowOpen(row?.last_inbound_at, now);
}

/**
 * Decide whether a business may send one message now. Call once per message before storing
 * anything (pass `tx` when inside a write op). An allowed message, and one refused asynchronously,
 * counts against the throughput and pair limits (unless released: see SendDecision); a synchronous
 * refusal counts against nothing.
 */
export async function checkSendPolicy(ctx: Ctx, db: Kysely<DB>, input: SendPolicyInput): Promise<SendDecision> {
  const now = ctx.clock.now();
  // A free-form message needs only the window: known open, it costs no read (see openWindows).
  const windows = openWindowsOf(ctx);
  const windowKey = input.customerId ? `${input.businessId}\u0000${input.customerId}` : '';
  const knownOpen = input.customerId !== null && input.template === null && now < (windows.get(windowKey) ?? 0);
  const [row] = input.customerId && !knownOpen ? await policyRow.ahead(db, { businessId: input.businessId, customerId: input.customerId }) : [];
  if (row && db === ctx.db && windowOpen(row.last_inbound_at, now)) {
    if (windows.size >= 100_000) windows.clear();
    windows.set(windowKey, Number(row.last_inbound_at) + SERVICE_WINDOW_MS);
  }

  if (input.customerId && input.template === null) {
    if (!knownOpen && !windowOpen(row?.last_inbound_at, now)) {
      return {
        allowed: false,
        code: 131047,
        delivery: 'sync',
        details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      };
    }
  }

  const l = limitersOf(ctx);
  const pairKey = `${input.numberKey}\u0000${input.recipientKey}`;
  if (!l.throughput.fits(input.numberKey, now)) {
    return {
      allowed: false,
      code: 130429,
      subcode: 2494055,
      delivery: 'sync',
      details: `Message failed to send because there were too many messages sent from this phone number in a short period of time (at most ${l.throughput.limit} per second).`,
    };
  }
  if (!l.pair.fits(pairKey, now)) {
    return {
      allowed: false,
      code: 131056,
      delivery: 'sync',
      details: 'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
    };
  }
  l.throughput.take(input.numberKey, now);
  l.pair.take(pairKey, now);
  let slot: { release: () => void; settle: () => void } | null = null;
  const release = () => {
    l.throughput.release(input.numberKey, now);
    l.pair.release(pairKey);
    slot?.release();
  };
  const settle = () => slot?.settle();

  if (input.template?.category === 'MARKETING' && row?.marketing_opt_out_at != null) {
    return { allowed: false, code: 131050, delivery: 'async', details: 'The recipient has chosen to stop receiving marketing messages from this business.' };
  }
  // Business-initiated: a known template while the window is closed (an unknown one is refused by the sending path).
  if (input.customerId && input.template?.category && !windowOpen(row?.last_inbound_at, now)) {
    const limit = await checkMessagingLimit(ctx, db, l.usage, input.businessId, row?.last_biz_initiated_at, now);
    if (limit && !limit.allowed) return limit;
    slot = limit;
  }
  return { allowed: true, release, settle, inWindow: knownOpen || windowOpen(row?.last_inbound_at, now) };
}

/** Whether the customer got a business-initiated message within the last 24 hours (already counted: free). */
function reachedRecently(lastBizInitiatedAt: number | string | null | undefined, now: number): boolean {
  return lastBizInitiatedAt != null && Number(lastBizInitiatedAt) > now - LIMIT_WINDOW_MS;
}

const oldestReached = prepared((db: Kysely<DB>, p) =>
  db
    .selectFrom('customer_policy')
    .select((eb) => eb.fn.min('last_biz_initiated_at').as('at'))
    .where('business_id', '=', p('businessId'))
    .where('last_biz_initiated_at', '>', p('since')),
);

/**
 * Read the business's usage again (one read at a time per business: concurrent sends wait for it).
 * Customers let through but maybe not stored yet are added, those of the whole read included.
 */
function refreshUsage(db: Kysely<DB>, usages: Usages, businessId: string, limit: number, now: number): Promise<Usage> {
  const inProgress = usages.reading.get(businessId);
  if (inProgress) return inProgress;
  const read = (async () => {
    const inflight = usages.copies.get(businessId)?.inflight ?? new Set<{ at: number }>();
    for (const s of inflight) if (now - s.at >= INFLIGHT_MS || s.at > now) inflight.delete(s);
    // Slots in flight at any time during the read: one stored meanwhile may be missing from it.
    const during = new Set(inflight);
    const since = now - LIMIT_WINDOW_MS;
    const stored = await customersReachedSince(db, businessId, since);
    for (const s of inflight) during.add(s);
    const count = stored + during.size;
    let fullUntil = 0;
    if (count >= limit) {
      const [oldest] = await oldestReached(db, { businessId, since });
      fullUntil = oldest?.at == null ? now : Number(oldest.at) + LIMIT_WINDOW_MS;
    }
    if (usages.copies.size > 50_000) usages.copies.clear();
    const u: Usage = { count, exactAt: now, limit, fullUntil, inflight };
    usages.copies.set(businessId, u);
    return u;
  })().finally(() => usages.reading.delete(businessId));
  usages.reading.set(businessId, read);
  return read;
}

/**
 * 131048 when a new customer would take the business past its tier's unique customers per 24
 * hours; null when the customer costs nothing (already reached, or no limit); else allowed, with
 * the release of the slot it took.
 */
async function checkMessagingLimit(
  ctx: Ctx,
  db: Kysely<DB>,
  usages: Usages,
  businessId: string,
  lastBizInitiatedAt: number | string | null | undefined,
  now: number,
): Promise<PolicyRefusal | { allowed: true; release: () => void; settle: () => void } | null> {
  if (reachedRecently(lastBizInitiatedAt, now)) return null;
  const tier = await messagingTierOf(ctx, db, businessId, now);
  const limit = tier ? TIER_LIMITS[tier] : null;
  if (limit === null) return null;
  let u = usages.copies.get(businessId);
  const fresh = u !== undefined && u.limit === limit && now >= u.exactAt && now - u.exactAt < USAGE_TTL_MS;
  if (!u || !fresh || (u.count >= limit && now >= u.fullUntil)) u = await refreshUsage(db, usages, businessId, limit, now);
  if (u.count < limit) {
    const taken = u;
    const s = { at: now };
    taken.count++;
    taken.inflight.add(s);
    return {
      allowed: true,
      release: () => {
        if (taken.inflight.delete(s)) taken.count = Math.max(0, taken.count - 1);
      },
      settle: () => void taken.inflight.delete(s),
    };
  }
  return {
    allowed: false,
    code: 131048,
    delivery: 'async',
    details: `Message failed to send because this business reached its messaging limit (${tier}): at most ${limit} unique customers in 24 hours may receive business-initiated messages.`,
  };
}

// ---- the customer's side: window, opt-in, opt-out ----------------------------------------------

/** "STOP", "Stop promotions", "Arrêter les promotions", "unsubscribe"… (accents, case and punctuation ignored). */
export function isStopReply(text: string): boolean {
  const t = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return /^(stop|arreter|unsubscribe|desabonner|se desabonner|opt ?out)( (all |les |the |des )?(promotions?|promos?|marketing|messages?|offers?|offres?|pubs?|publicites?))?$/.test(t);
}

type Preference = 'stop' | 'resume';

/**
 * Record a marketing opt-out or resume inside a write op; when it changes the state and the business
 * has an API number, enqueue a `user_preferences` webhook (reference §6.7). Returns whether it changed.
 */
async function recordPreference(ctx: Ctx, tx: Transaction<DB>, emit: Emit<Envelope>, businessId: string, customerId: string, value: Preference, source: 'quick_reply' | 'customer_control', at: number): Promise<boolean> {
  const row = await tx.selectFrom('customer_policy').select('marketing_opt_out_at').where('business_id', '=', businessId).where('customer_id', '=', customerId).executeTakeFirst();
  const stopped = row?.marketing_opt_out_at != null;
  if ((value === 'stop') === stopped) return false;
  const set =
    value === 'stop'
      ? { marketing_opt_out_at: at, marketing_opt_out_source: source }
      : { marketing_opt_out_at: null, marketing_opt_out_source: null, marketing_resumed_at: at, opt_in_at: at, opt_in_source: 'resume' };
  if (row) await tx.updateTable('customer_policy').set(set).where('business_id', '=', businessId).where('customer_id', '=', customerId).execute();
  else await tx.insertInto('customer_policy').values({ business_id: businessId, customer_id: customerId, last_inbound_at: null, opt_in_at: null, opt_in_source: null, marketing_resumed_at: null, ...set }).execute();

  const num = await apiNumberOf(tx, businessId);
  if (num) {
    const customer = await tx.selectFrom('accounts').select(['phone', 'display_name']).where('id', '=', customerId).executeTakeFirstOrThrow();
    const detail = value === 'stop' ? 'User requested to stop marketing messages' : 'User requested to resume marketing messages';
    const n = await enqueueWebhook(tx, num.wabaId, 'user_preferences', userPreferencesPayload(num, { name: customer.display_name, waId: waDigits(customer.phone) }, value, detail, at), at);
    if (n > 0) emit({ topic: WEBHOOKS_TOPIC, event: { kind: 'webhooks.enqueued' } });
  }
  return true;
}

/**
 * Inside the transaction of each message a customer sends to a business: the customer-service
 * window reopens (last_inbound_at), the opt-in is recorded on the first message, and a tap on a
 * template quick reply reading "stop" opts the customer out of marketing messages.
 */
export function installPolicyHooks(ctx: Ctx): void {
  ctx.hooks.onMessageStoredInTx(async (tx, emit, e: MessageSentEvent) => {
    if (e.withheld || e.memberIds.length !== 2) return;
    // Only templates can be business-initiated: other messages cost nothing here.
    if (e.message.kind === 'template') await recordBusinessInitiated(ctx, tx, emit, e);
    const businessId = e.memberIds.find((m) => m !== e.senderId);
    if (!businessId) return;
    // A chat between two people costs no query (the kind is cached).
    if ((await accountKindOf(ctx, tx, businessId)) !== 'business') return;
    if ((await accountKindOf(ctx, tx, e.senderId)) === 'business') return;
    const at = e.message.createdAt;
    await tx
      .insertInto('customer_policy')
      .values({ business_id: businessId, customer_id: e.senderId, last_inbound_at: at, opt_in_at: at, opt_in_source: 'customer_message', marketing_opt_out_at: null, marketing_opt_out_source: null, marketing_resumed_at: null })
      .onConflict((oc) =>
        oc.columns(['business_id', 'customer_id']).doUpdateSet({
          last_inbound_at: at,
          opt_in_at: sql<number>`coalesce(customer_policy.opt_in_at, ${at})`,
          opt_in_source: sql<string>`coalesce(customer_policy.opt_in_source, 'customer_message')`,
        }),
      )
      .execute();
    const c = (e.message.content ?? {}) as { type?: unknown; id?: unknown; title?: unknown };
    if (e.message.kind === 'interactive_reply' && c.type === 'button' && [c.id, c.title].some((v) => typeof v === 'string' && isStopReply(v))) {
      await recordPreference(ctx, tx, emit, businessId, e.senderId, 'stop', 'quick_reply', at);
    }
  }, { businessChatsOnly: true });
}

/**
 * A business's template stored while the customer's window is closed is business-initiated: the
 * customer counts towards the messaging limit for 24 hours (and the quality rating's base for 7 days).
 */
async function recordBusinessInitiated(ctx: Ctx, tx: Transaction<DB>, emit: Emit<Envelope>, e: MessageSentEvent): Promise<void> {
  const customerId = e.memberIds.find((m) => m !== e.senderId);
  if (!customerId) return;
  if ((await accountKindOf(ctx, tx, e.senderId)) !== 'business' || (await accountKindOf(ctx, tx, customerId)) === 'business') return;
  const at = e.message.createdAt;
  const row = await tx.selectFrom('customer_policy').select('last_inbound_at').where('business_id', '=', e.senderId).where('customer_id', '=', customerId).executeTakeFirst();
  if (windowOpen(row?.last_inbound_at, at)) return;
  if (row) await tx.updateTable('customer_policy').set({ last_biz_initiated_at: at }).where('business_id', '=', e.senderId).where('customer_id', '=', customerId).execute();
  else
    await tx
      .insertInto('customer_policy')
      .values({ business_id: e.senderId, customer_id: customerId, last_inbound_at: null, opt_in_at: null, opt_in_source: null, marketing_opt_out_at: null, marketing_opt_out_source: null, marketing_resumed_at: null, last_biz_initiated_at: at })
      .execute();
  // Volume can raise the tier: re-evaluated now and then from here (and on reads, and by the periodic tick).
  await evaluateQualitySometimes(ctx, tx, emit, e.senderId, at);
}

export interface BusinessPreferences {
  businessId: string;
  marketing: 'allowed' | 'stopped';
  marketingStoppedAt: number | null;
  optInAt: number | null;
  optInSource: string | null;
}

async function accessBusiness(ctx: Ctx, actor: Actor, businessId: string): Promise<void> {
  if (businessId === actor.accountId || (await accountKindOf(ctx, ctx.db, businessId)) !== 'business') {
    throw new AppError('ACCOUNT_NOT_FOUND', 'No business has this id.');
  }
}

/** The customer's own preferences towards a business. */
export async function getBusinessPreferences(ctx: Ctx, actor: Actor, businessId: string): Promise<BusinessPreferences> {
  await accessBusiness(ctx, actor, businessId);
  const row = await ctx.db
    .selectFrom('customer_policy')
    .select(['marketing_opt_out_at', 'opt_in_at', 'opt_in_source'])
    .where('business_id', '=', businessId)
    .where('customer_id', '=', actor.accountId)
    .executeTakeFirst();
  const stoppedAt = row?.marketing_opt_out_at == null ? null : Number(row.marketing_opt_out_at);
  return {
    businessId,
    marketing: stoppedAt === null ? 'allowed' : 'stopped',
    marketingStoppedAt: stoppedAt,
    optInAt: row?.opt_in_at == null ? null : Number(row.opt_in_at),
    optInSource: row?.opt_in_source ?? null,
  };
}

/** The customer stops ('stop') or resumes ('resume') marketing messages from a business. Idempotent. */
export async function setMarketingPreference(ctx: Ctx, actor: Actor, businessId: string, value: Preference): Promise<BusinessPreferences> {
  await accessBusiness(ctx, actor, businessId);
  await ctx.writes.run((tx, emit) => recordPreference(ctx, tx, emit, businessId, actor.accountId, value, 'customer_control', ctx.clock.now()));
  return getBusinessPreferences(ctx, actor, businessId);
}
