/**
 * @module domain/api/setup
 * The owner's set-up of the Business API (Parley auth, business accounts only): turning API access
 * on (creates the WABA and the phone_number_id nodes), apps with their app secret (shown once),
 * access tokens with scopes (shown once, stored hashed, revocable), the webhook subscription of an
 * app (saved only after the `hub.challenge` handshake succeeded) and the recent deliveries.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { AppError } from '../../errors.js';
import type { Actor, Ctx } from '../../context.js';
import type { DB, WabasTable, WebhookAttemptsTable, WebhookEventsTable } from '../../tables.js';
import { newId, sha256Hex } from '../../platform/ids.js';
import { prepared } from '../../platform/db/prepared.js';
import { accessOwnBusiness } from '../business/index.js';
import { notifyBusinessChanged } from '../messaging/index.js';
import { newGraphNode, waDigits } from './ids.js';
import { seedSampleTemplates } from './templates/manage.js';
import { apiCaches, forgetToken } from './caches.js';

export const API_SCOPES = ['messaging', 'management'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export interface ApiState {
  enabled: boolean;
  wabaId: string | null;
  numbers: { phoneNumberId: string; displayPhoneNumber: string; registered: boolean }[];
  apps: { id: string; name: string; createdAt: number; webhook: { callbackUrl: string; batchSize: number; updatedAt: number } | null }[];
  tokens: { id: string; name: string; scopes: ApiScope[]; createdAt: number; lastUsedAt: number | null; revokedAt: number | null }[];
}

async function wabaOf(db: Kysely<DB>, accountId: string): Promise<WabasTable | undefined> {
  return db.selectFrom('wabas').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

/** The actor's own WABA (NOT_A_BUSINESS, API_NOT_ENABLED). */
export async function accessOwnWaba(db: Kysely<DB>, actor: Actor): Promise<WabasTable> {
  await accessOwnBusiness(db, actor);
  const waba = await wabaOf(db, actor.accountId);
  if (!waba) throw new AppError('API_NOT_ENABLED');
  return waba;
}

export async function getApiState(ctx: Ctx, actor: Actor): Promise<ApiState> {
  await accessOwnBusiness(ctx.db, actor);
  const waba = await wabaOf(ctx.db, actor.accountId);
  if (!waba) return { enabled: false, wabaId: null, numbers: [], apps: [], tokens: [] };
  const [numbers, apps, tokens] = await Promise.all([
    ctx.db.selectFrom('api_numbers').selectAll().where('waba_id', '=', waba.id).orderBy('created_at').execute(),
    ctx.db
      .selectFrom('api_apps as a')
      .leftJoin('webhook_subscriptions as s', 's.app_id', 'a.id')
      .select(['a.id', 'a.name', 'a.created_at', 's.callback_url', 's.max_batch', 's.updated_at'])
      .where('a.waba_id', '=', waba.id)
      .orderBy('a.created_at')
      .execute(),
    ctx.db.selectFrom('api_tokens').selectAll().where('waba_id', '=', waba.id).orderBy('created_at', 'desc').execute(),
  ]);
  return {
    enabled: true,
    wabaId: waba.id,
    numbers: numbers.map((n) => ({ phoneNumberId: n.id, displayPhoneNumber: n.display_phone_number, registered: n.registered === 1 })),
    apps: apps.map((a) => ({ id: a.id, name: a.name, createdAt: Number(a.created_at), webhook: a.callback_url ? { callbackUrl: a.callback_url, batchSize: Number(a.max_batch ?? 1), updatedAt: Number(a.updated_at) } : null })),
    tokens: tokens.map((t) => ({
      id: t.id,
      name: t.name,
      scopes: t.scopes.split(',') as ApiScope[],
      createdAt: Number(t.created_at),
      lastUsedAt: t.last_used_at === null ? null : Number(t.last_used_at),
      revokedAt: t.revoked_at === null ? null : Number(t.revoked_at),
    })),
  };
}

/** Turn API access on for the business's number (idempotent): creates the WABA and the phone_number_id. */
export async function enableApi(ctx: Ctx, actor: Actor): Promise<ApiState> {
  await ctx.writes.run(async (tx, emit) => {
    const business = await accessOwnBusiness(tx, actor);
    if (await wabaOf(tx, actor.accountId)) return;
    const account = await tx.selectFrom('accounts').select('phone').where('id', '=', actor.accountId).executeTakeFirstOrThrow();
    const now = ctx.clock.now();
    const wabaId = await newGraphNode(tx, 'waba', actor.accountId, null, now);
    await tx.insertInto('wabas').values({ id: wabaId, account_id: actor.accountId, name: business.name, created_at: now }).execute();
    const pnid = await newGraphNode(tx, 'phone_number', actor.accountId, wabaId, now);
    await tx.insertInto('api_numbers').values({ id: pnid, waba_id: wabaId, account_id: actor.accountId, display_phone_number: waDigits(account.phone), registered: 1, created_at: now }).execute();
    // Every new WABA starts with the sample template hello_world (reference §7.1).
    await seedSampleTemplates(tx, wabaId, now);
    await notifyBusinessChanged(tx, emit, actor.accountId, 'api', now);
  });
  return getApiState(ctx, actor);
}

function checkName(name: string, field: string): string {
  const v = name.trim();
  if (v === '' || [...v].length > 100) throw new AppError('VALIDATION_FAILED', `${field} must be 1 to 100 characters.`, { field });
  return v;
}

/** A new app; its secret is returned this once. */
export async function createApp(ctx: Ctx, actor: Actor, input: { name: string }): Promise<{ id: string; name: string; appSecret: string; createdAt: number }> {
  const name = checkName(input.name, 'name');
  return ctx.writes.run(async (tx, emit) => {
    const waba = await accessOwnWaba(tx, actor);
    const now = ctx.clock.now();
    const appSecret = randomBytes(16).toString('hex');
    const id = await newGraphNode(tx, 'app', actor.accountId, waba.id, now);
    await tx.insertInto('api_apps').values({ id, waba_id: waba.id, name, app_secret: appSecret, created_at: now }).execute();
    await notifyBusinessChanged(tx, emit, actor.accountId, 'api', now);
    return { id, name, appSecret, createdAt: now };
  });
}

export function checkScopes(scopes: string[]): ApiScope[] {
  const uniq = [...new Set(scopes)];
  if (uniq.length === 0 || uniq.some((s) => !(API_SCOPES as readonly string[]).includes(s))) throw new AppError('API_SCOPES_INVALID', undefined, { allowed: API_SCOPES });
  return API_SCOPES.filter((s) => uniq.includes(s));
}

/** A new access token; the token is returned this once and only its hash is kept. */
export async function issueToken(ctx: Ctx, actor: Actor, input: { name?: string | undefined; scopes: string[] }): Promise<{ id: string; token: string; name: string; scopes: ApiScope[]; createdAt: number }> {
  const scopes = checkScopes(input.scopes);
  const name = checkName(input.name ?? 'Access token', 'name');
  return ctx.writes.run(async (tx, emit) => {
    const waba = await accessOwnWaba(tx, actor);
    const now = ctx.clock.now();
    // Shaped like Meta's tokens (EAA…) so clients that sniff the prefix are content.
    const token = 'EAAP' + randomBytes(48).toString('base64url');
    const id = newId('apitok');
    await tx.insertInto('api_tokens').values({ id, waba_id: waba.id, name, token_hash: sha256Hex(token), scopes: scopes.join(','), created_at: now, last_used_at: null, revoked_at: null }).execute();
    await notifyBusinessChanged(tx, emit, actor.accountId, 'api', now);
    return { id, token, name, scopes, createdAt: now };
  });
}

export async function revokeToken(ctx: Ctx, actor: Actor, tokenId: string): Promise<{ id: string; revokedAt: number }> {
  const revoked = await ctx.writes.run(async (tx, emit) => {
    const waba = await accessOwnWaba(tx, actor);
    const row = await tx.selectFrom('api_tokens').select(['id', 'revoked_at']).where('id', '=', tokenId).where('waba_id', '=', waba.id).executeTakeFirst();
    if (!row) throw new AppError('API_TOKEN_NOT_FOUND');
    if (row.revoked_at !== null) return { id: row.id, revokedAt: Number(row.revoked_at) };
    const now = ctx.clock.now();
    await tx.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', tokenId).execute();
    await notifyBusinessChanged(tx, emit, actor.accountId, 'api', now);
    return { id: row.id, revokedAt: now };
  });
  // Refused from now on by this process (other nodes: within CACHE_TTL_MS).
  forgetToken(ctx, revoked.id);
  return revoked;
}

function checkCallbackUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('WEBHOOK_URL_INVALID');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || raw.length > 2000) throw new AppError('WEBHOOK_URL_INVALID');
  return url;
}

/**
 * The `hub.challenge` handshake (reference §6.1): GET callback?hub.mode=subscribe&hub.challenge=<int>
 * &hub.verify_token=<token>; the receiver must answer 200 with exactly the challenge.
 */
export async function verifyCallback(ctx: Ctx, callbackUrl: string, verifyToken: string): Promise<void> {
  const url = checkCallbackUrl(callbackUrl);
  const challenge = String(randomInt(1, 2 ** 31 - 1));
  url.searchParams.set('hub.mode', 'subscribe');
  url.searchParams.set('hub.challenge', challenge);
  url.searchParams.set('hub.verify_token', verifyToken);
  let status: number;
  let text: string;
  try {
    const res = await fetch(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(ctx.config.PARLEY_WEBHOOK_TIMEOUT_MS) });
    status = res.status;
    text = (await res.text()).slice(0, 1000);
  } catch (err) {
    const reason = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError') ? 'timeout' : 'unreachable';
    throw new AppError('WEBHOOK_VERIFICATION_FAILED', reason === 'timeout' ? 'The callback URL did not answer the verification request in time.' : 'The callback URL could not be reached.', { reason });
  }
  if (status !== 200) throw new AppError('WEBHOOK_VERIFICATION_FAILED', `The callback URL answered the verification request with status ${status} (the verify token may not match).`, { reason: 'status', status });
  if (text.trim() !== challenge) throw new AppError('WEBHOOK_VERIFICATION_FAILED', 'The callback URL answered 200 but not with the challenge alone.', { reason: 'body', status });
}

/** Most events one batched webhook POST may carry (the app chooses up to this; 1 = one change per POST). */
export const MAX_WEBHOOK_BATCH = 100;

/**
 * Set an app's webhook subscription; saved only after the handshake succeeded. `batchSize`: how
 * many events one POST may carry (default 1, what every Cloud API client reads; more only for
 * receivers that read every `entry[]`). Left out on an update, the current value stays.
 */
export async function setWebhook(
  ctx: Ctx,
  actor: Actor,
  appId: string,
  input: { callbackUrl: string; verifyToken: string; batchSize?: number | undefined },
): Promise<{ appId: string; callbackUrl: string; batchSize: number; updatedAt: number }> {
  const waba = await accessOwnWaba(ctx.db, actor);
  const app = await ctx.db.selectFrom('api_apps').select('id').where('id', '=', appId).where('waba_id', '=', waba.id).executeTakeFirst();
  if (!app) throw new AppError('API_APP_NOT_FOUND');
  if (input.verifyToken.length === 0 || input.verifyToken.length > 200) throw new AppError('VALIDATION_FAILED', 'verifyToken must be 1 to 200 characters.', { field: 'verifyToken' });
  if (input.batchSize !== undefined && (!Number.isInteger(input.batchSize) || input.batchSize < 1 || input.batchSize > MAX_WEBHOOK_BATCH)) {
    throw new AppError('VALIDATION_FAILED', `batchSize must be a whole number from 1 to ${MAX_WEBHOOK_BATCH}.`, { field: 'batchSize' });
  }
  await verifyCallback(ctx, input.callbackUrl, input.verifyToken);
  return ctx.writes.run(async (tx, emit) => {
    const still = await tx.selectFrom('api_apps').select('id').where('id', '=', appId).where('waba_id', '=', waba.id).executeTakeFirst();
    if (!still) throw new AppError('API_APP_NOT_FOUND');
    const now = ctx.clock.now();
    const existing = await tx.selectFrom('webhook_subscriptions').select(['app_id', 'max_batch']).where('app_id', '=', appId).executeTakeFirst();
    const batchSize = input.batchSize ?? existing?.max_batch ?? 1;
    if (existing) await tx.updateTable('webhook_subscriptions').set({ callback_url: input.callbackUrl, verify_token: input.verifyToken, max_batch: batchSize, updated_at: now }).where('app_id', '=', appId).execute();
    else await tx.insertInto('webhook_subscriptions').values({ app_id: appId, callback_url: input.callbackUrl, verify_token: input.verifyToken, max_batch: batchSize, created_at: now, updated_at: now }).execute();
    await notifyBusinessChanged(tx, emit, actor.accountId, 'api', now);
    return { appId, callbackUrl: input.callbackUrl, batchSize, updatedAt: now };
  });
}

export interface DeliveryView {
  eventId: string;
  field: string;
  status: string;
  attempts: number;
  nextAttemptAt: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
  recentAttempts: { at: number; statusCode: number | null; error: string | null; durationMs: number }[];
}

/**
 * An event's last five attempts, newest first. A delivered event's successful attempt lives on the
 * event row (migration 0022); events delivered before it have a webhook_attempts row for it instead.
 */
function recentAttempts(e: Selectable<WebhookEventsTable>, rows: Selectable<WebhookAttemptsTable>[]): DeliveryView['recentAttempts'] {
  const list = rows.map((a) => ({ at: Number(a.at), statusCode: a.status_code, error: a.error, durationMs: a.duration_ms }));
  if (e.status === 'delivered' && e.delivered_at !== null && !rows.some((a) => a.status_code === 200)) {
    list.unshift({ at: Number(e.delivered_at), statusCode: e.last_status_code, error: null, durationMs: e.last_duration_ms ?? 0 });
  }
  return list.slice(0, 5);
}

/** The app's most recent webhook events with their last attempts. */
export async function listDeliveries(ctx: Ctx, actor: Actor, appId: string, opts: { limit?: number | undefined } = {}): Promise<{ deliveries: DeliveryView[] }> {
  const waba = await accessOwnWaba(ctx.db, actor);
  const app = await ctx.db.selectFrom('api_apps').select('id').where('id', '=', appId).where('waba_id', '=', waba.id).executeTakeFirst();
  if (!app) throw new AppError('API_APP_NOT_FOUND');
  const events = await ctx.db.selectFrom('webhook_events').selectAll().where('app_id', '=', appId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit ?? 50).execute();
  const attempts = events.length
    ? await ctx.db.selectFrom('webhook_attempts').selectAll().where('event_id', 'in', events.map((e) => e.id)).orderBy('at', 'desc').execute()
    : [];
  return {
    deliveries: events.map((e) => ({
      eventId: e.id,
      field: e.field,
      status: e.status,
      attempts: e.attempts,
      nextAttemptAt: e.status === 'pending' ? Number(e.next_attempt_at) : null,
      lastStatusCode: e.last_status_code,
      lastError: e.last_error,
      createdAt: Number(e.created_at),
      deliveredAt: e.delivered_at === null ? null : Number(e.delivered_at),
      recentAttempts: recentAttempts(
        e,
        attempts.filter((a) => a.event_id === e.id),
      ),
    })),
  };
}

/** What a Graph request's token reaches. */
export interface ApiPrincipal {
  tokenId: string;
  wabaId: string;
  accountId: string;
  scopes: ApiScope[];
}

/** Resolve an API access token (not revoked) to its WABA, or null. Marks it used (at most once a minute). */
const tokenByHash = prepared((db: Kysely<DB>, p) =>
  db
    .selectFrom('api_tokens as t')
    .innerJoin('wabas as w', 'w.id', 't.waba_id')
    .select(['t.id', 't.waba_id', 't.scopes', 't.last_used_at', 't.revoked_at', 'w.account_id'])
    .where('t.token_hash', '=', p('hash')),
);

/**
 * sha256 of the tokens seen lately: hashing costs more than the rest of a cached authentication.
 * A pure function's memo (a hash never goes stale; revocation is checked on the token cache).
 */
const tokenHashes = new Map<string, string>();
function tokenHash(token: string): string {
  let hash = tokenHashes.get(token);
  if (hash === undefined) {
    hash = sha256Hex(token);
    if (tokenHashes.size >= 10_000) tokenHashes.clear();
    tokenHashes.set(token, hash);
  }
  return hash;
}

export async function authenticateApiToken(ctx: Ctx, token: string): Promise<ApiPrincipal | null> {
  const hash = tokenHash(token);
  const t = await apiCaches(ctx).tokens.through(hash, async () => {
    const [row] = await tokenByHash.ahead(ctx.db, { hash });
    if (!row || row.revoked_at !== null) return undefined;
    return { tokenId: row.id, wabaId: row.waba_id, accountId: row.account_id, scopes: row.scopes, lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at) };
  });
  if (!t) return null;
  const now = ctx.clock.now();
  if (t.lastUsedAt === null || now - t.lastUsedAt > 60_000) {
    t.lastUsedAt = now;
    void ctx.writes.run(async (tx) => {
      await tx.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', t.tokenId).execute();
    }).catch((err: unknown) => ctx.log.warn({ msg: 'api.token_touch_failed', err }));
  }
  return { tokenId: t.tokenId, wabaId: t.wabaId, accountId: t.accountId, scopes: t.scopes.split(',') as ApiScope[] };
}
