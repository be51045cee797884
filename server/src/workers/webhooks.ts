/**
 * @module workers/webhooks
 * The webhook dispatcher (ADR 0006 point 5): delivers due webhook_events to their app's callback
 * URL with bounded concurrency and a per-request timeout, signing exactly the stored bytes
 * (X-Hub-Signature-256 and X-Hub-Signature) with Content-Length set. HTTP 200 is success; any
 * other answer, a network error or a timeout is retried with exponential backoff (base
 * PARLEY_WEBHOOK_RETRY_BASE_MS, doubling, at most an hour apart) until the event is 7 days old,
 * then it is marked dropped. Every failed attempt is recorded (a webhook_attempts row per event),
 * the successful one on the event row itself (when, status code, duration). Events are claimed
 * with a lease (a conditional update of next_attempt_at), so several nodes can run dispatchers on
 * one database.
 * An app whose subscription asks for batches (max_batch > 1) gets up to that many of its due
 * events in one POST (their `entry[]` items under one envelope, signed over the whole body); the
 * outcome of every POST, batched or not, is recorded in one write for all its events. Events this
 * process's sends commit are handed over in memory, stored already leased to it, and go out
 * without being read or claimed (see FreshEvents in domain/api/webhooks.ts).
 * Sending never waits for this: events are only rows until the dispatcher picks them up. The
 * signing and the HTTP exchanges run on a worker thread (see PostThread); the planning, the
 * claims and the outcomes stay here, with the database.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import type { Ctx } from '../context.js';
import type { Kysely } from 'kysely';
import type { DB } from '../tables.js';
import { prepared } from '../platform/db/prepared.js';
import { nativeTx } from '../platform/db/native.js';
import { batchBody, MAX_WEBHOOK_BATCH, onWebhookEnqueued, outboxId, type FreshEvent } from '../domain/api/index.js';

export const WEBHOOK_MAX_AGE_MS = 7 * 24 * 3600_000;
const MAX_DELAY_MS = 3600_000;

/** A due event as the dispatcher selects it (its payload comes with the claim). */
interface DueRow {
  id: string;
  app_id: string;
  app_secret: string | null;
  callback_url: string | null;
  max_batch: number | null;
}
interface DueEvent {
  id: string;
  app_id: string;
  payload: string;
  attempts: number;
  created_at: number;
}
/** Events of one app delivered in one POST (one event unless the app asked for batches). */
interface Batch {
  appId: string;
  target: { callback_url: string; app_secret: string } | null;
  max: number;
  ids: string[];
}

/** What the webhook thread answers for one POST (see ./webhook-poster.mjs). */
interface PostOutcome {
  id: number;
  statusCode?: number;
  error?: { timeout: boolean; message: string };
}

/**
 * The HTTP side of delivery on a worker thread of its own (./webhook-poster.mjs): it signs each
 * body (X-Hub-Signature-256 and X-Hub-Signature) and POSTs it through undici's connection pools,
 * one per origin. The thread that accepts sends only hands it the body and hears back the status
 * code: the signing, the request and the reading of the answer (about 6 % of the main thread's
 * time per send under load) run beside it, on another core when there is one. The thread starts with the first
 * POST; if it ever stops, the POSTs under way fail (and are retried) and the next one starts it again.
 */
export class PostThread {
  private worker: Worker | null = null;
  private closed = false;
  private nextId = 1;
  /** POSTs waiting for their answer, with the thread that has them. */
  private readonly pending = new Map<number, { thread: Worker; resolve(statusCode: number): void; reject(err: Error): void }>();

  private thread(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('./webhook-poster.mjs', import.meta.url));
    w.unref();
    w.on('message', (m: PostOutcome) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.statusCode !== undefined) p.resolve(m.statusCode);
      else p.reject(Object.assign(new Error(m.error?.message ?? 'no answer'), { name: m.error?.timeout ? 'TimeoutError' : 'Error' }));
    });
    // Its POSTs fail (and are retried); a later POST starts a new thread.
    const fail = (err: Error) => {
      if (this.worker === w) this.worker = null;
      for (const [id, p] of this.pending) {
        if (p.thread !== w) continue;
        this.pending.delete(id);
        p.reject(err);
      }
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`the webhook thread stopped (exit code ${code})`)));
    this.worker = w;
    return w;
  }

  /** POST `body` to `url`, signed with `secret`; resolves with the status code. The whole exchange must end within `timeoutMs`. */
  post(url: string, body: string, headers: Record<string, string>, secret: string, timeoutMs: number): Promise<number> {
    if (this.closed) return Promise.reject(new Error('the webhook thread is closed'));
    const id = this.nextId++;
    return new Promise<number>((resolve, reject) => {
      const thread = this.thread();
      this.pending.set(id, { thread, resolve, reject });
      thread.postMessage({ type: 'post', id, url, body, headers, secret, timeoutMs });
    });
  }

  /** Abort every POST under way (shutting down). */
  abortAll(): void {
    this.worker?.postMessage({ type: 'abortAll' });
  }

  /** Stop the thread for good (its connections close with it). */
  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}

export interface WebhookDispatcher {
  /** Look for due events now (called when events are enqueued). */
  kick(): void;
  /** Resolves when nothing is in flight, held back or being planned (tests). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Delay before attempt n+1 after n failed attempts. */
export function retryDelay(baseMs: number, failedAttempts: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, failedAttempts - 1), MAX_DELAY_MS);
}

const markFailed = prepared((db: Kysely<DB>, p) =>
  db
    .updateTable('webhook_events')
    .set({ status: p('status'), attempts: p('attempts'), last_status_code: p('statusCode'), last_error: p('error'), next_attempt_at: p('next'), last_duration_ms: p('durationMs') })
    .where('id', '=', p('id')),
);
/**
 * Every event of one POST delivered (each one's attempt count goes up by one), in one statement:
 * their ids as a JSON array. The successful attempt is kept on the event row itself (no
 * webhook_attempts row, see migration 0022).
 */
const markDelivered = prepared((db: Kysely<DB>, p) =>
  db
    .updateTable('webhook_events')
    .set((eb) => ({ status: 'delivered', attempts: eb('attempts', '+', 1), last_status_code: p('statusCode'), last_error: null, delivered_at: p('at'), last_duration_ms: p('durationMs') }))
    .where('id', 'in', sql<string>`(select value from json_each(${p('ids')}))`),
);
/** Due events, oldest first, with where their app wants them (the payloads come with the claim). */
const dueRows = prepared((db: Kysely<DB>, p) =>
  db
    .selectFrom('webhook_events as e')
    .innerJoin('api_apps as a', 'a.id', 'e.app_id')
    .leftJoin('webhook_subscriptions as s', 's.app_id', 'e.app_id')
    .select(['e.id', 'e.app_id', 'a.app_secret', 's.callback_url', 's.max_batch'])
    .where('e.status', '=', 'pending')
    .where('e.next_attempt_at', '<=', p('now'))
    .orderBy('e.next_attempt_at')
    .limit(p('limit')),
);

/** Where an app's events go (for events handed over in memory, which come without it). */
const appTarget = prepared((db: Kysely<DB>, p) =>
  db
    .selectFrom('api_apps as a')
    .leftJoin('webhook_subscriptions as s', 's.app_id', 'a.id')
    .select(['a.id', 'a.id as app_id', 'a.app_secret', 's.callback_url', 's.max_batch'])
    .where('a.id', '=', p('appId')),
);

/** Events handed over in memory wait at most this share of their lease; then the database's copy is left to the lease. */
const FRESH_WAIT_SHARE = 0.5;
/** How long a batching app's events may wait to fill a POST while another POST to it is under way (see sendFresh). */
export const BATCH_LINGER_MS = 20;
/** At most this many events wait in memory; more are left to their lease. */
const FRESH_MAX = 50_000;

/** An empty POST for an app: where it goes, and how many events it may carry (the app's batch size). */
function newBatch(row: DueRow): Batch {
  const target = row.callback_url && row.app_secret ? { callback_url: row.callback_url, app_secret: row.app_secret } : null;
  return { appId: row.app_id, target, max: target ? Math.max(1, Math.min(MAX_WEBHOOK_BATCH, Number(row.max_batch ?? 1))) : 1, ids: [] };
}

/** A planned POST and the items (rows or in-memory events) it carries, in order. */
interface Planned<T> {
  batch: Batch;
  items: T[];
}

/**
 * Group items into POSTs: per app, in order, up to the app's batch size; at most `slots` POSTs.
 * `targetOf` gives an item's app row (undefined: skip it, e.g. already being delivered). The scan
 * stops once every slot holds a full batch, so a long queue costs no more than what is sent.
 */
function plan<T>(items: Iterable<T>, slots: number, targetOf: (item: T) => DueRow | undefined, idOf: (item: T) => string): Planned<T>[] {
  const open = new Map<string, Planned<T>>();
  const planned: Planned<T>[] = [];
  let notFull = 0;
  for (const item of items) {
    if (planned.length >= slots && notFull === 0) break;
    const row = targetOf(item);
    if (!row) continue;
    let p = open.get(row.app_id);
    if (!p || p.items.length >= p.batch.max) {
      if (planned.length >= slots) continue;
      p = { batch: newBatch(row), items: [] };
      open.set(row.app_id, p);
      planned.push(p);
      notFull++;
    }
    p.batch.ids.push(idOf(item));
    p.items.push(item);
    if (p.items.length >= p.batch.max) notFull--;
  }
  return planned;
}

export function startWebhookDispatcher(ctx: Ctx): WebhookDispatcher {
  const { PARLEY_WEBHOOK_CONCURRENCY: concurrency, PARLEY_WEBHOOK_TIMEOUT_MS: timeoutMs, PARLEY_WEBHOOK_RETRY_BASE_MS: baseMs, PARLEY_WEBHOOK_POLL_MS: pollMs } = ctx.config;
  /** POSTs in flight, and the events they carry. */
  const inFlight = new Set<Promise<void>>();
  const busyEvents = new Set<string>();
  const stopping = new AbortController();
  let ticking: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const client = new PostThread();

  /** One POST of `events` (claimed, in order), then the outcome of every one of them in one write. */
  const deliver = async (b: Batch, events: DueEvent[]): Promise<void> => {
    const body = b.target ? batchBody(events.map((e) => e.payload)) : null;
    if (b.target && body === null) {
      // Not all stored envelopes: each goes alone.
      for (const e of events) await deliver({ ...b, max: 1, ids: [e.id] }, [e]);
      return;
    }
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    const target = b.target;
    if (!target) error = 'The app has no webhook subscription any more.';
    else {
      try {
        statusCode = await client.post(
          target.callback_url,
          body!,
          { 'content-type': 'application/json', 'user-agent': 'Parley-Webhooks/1.0', 'x-parley-event-id': events.map((e) => e.id).join(',') },
          target.app_secret,
          timeoutMs,
        );
      } catch (err) {
        if (stopping.signal.aborted) return; // shutting down: the lease expires and another run retries
        error = err instanceof Error && err.name === 'TimeoutError' ? err.message : `Could not reach the callback URL (${err instanceof Error ? err.message : 'error'}).`;
      }
    }
    const durationMs = Math.round(performance.now() - started);
    const ok = statusCode === 200;
    if (!ok && error === null) error = `The receiver answered ${statusCode}; only 200 counts as delivered.`;
    await ctx.writes.run(async (tx) => {
      const now = ctx.clock.now();
      if (ok) {
        if (nativeTx(tx)) {
          // SQLite: one prepared statement for the whole POST, without an await.
          markDelivered.now(tx, { ids: JSON.stringify(events.map((e) => e.id)), statusCode, at: now, durationMs });
          return;
        }
        // A POST carries at most MAX_WEBHOOK_BATCH (100) events: far below any variable limit.
        await tx
          .updateTable('webhook_events')
          .set((eb) => ({ status: 'delivered', attempts: eb('attempts', '+', 1), last_status_code: statusCode, last_error: null, delivered_at: now, last_duration_ms: durationMs }))
          .where(
            'id',
            'in',
            events.map((e) => e.id),
          )
          .execute();
        return;
      }
      // A failed attempt is recorded per event, as the deliveries view lists them.
      await tx
        .insertInto('webhook_attempts')
        .values(events.map((e) => ({ id: outboxId('wha', now), event_id: e.id, app_id: e.app_id, at: now, status_code: statusCode, error, duration_ms: durationMs })))
        .execute();
      for (const e of events) {
        const attempts = e.attempts + 1;
        const next = now + retryDelay(baseMs, attempts);
        const dropped = !target || now - e.created_at >= WEBHOOK_MAX_AGE_MS || next - e.created_at > WEBHOOK_MAX_AGE_MS + MAX_DELAY_MS;
        await markFailed(tx, { id: e.id, status: dropped ? 'dropped' : 'pending', attempts, statusCode, error, next, durationMs });
      }
    });
    if (!ok) ctx.log.info({ msg: 'webhook.attempt_failed', eventIds: events.map((e) => e.id), appId: b.appId, statusCode, error });
  };

  /** POSTs in flight per app. */
  const appInFlight = new Map<string, number>();
  const start = (b: Batch, events: DueEvent[]): void => {
    for (const e of events) busyEvents.add(e.id);
    appInFlight.set(b.appId, (appInFlight.get(b.appId) ?? 0) + 1);
    const p: Promise<void> = deliver(b, events)
      .catch((err: unknown) => ctx.log.error({ msg: 'webhook.delivery_failed', eventIds: b.ids, err }))
      .finally(() => {
        inFlight.delete(p);
        for (const e of events) busyEvents.delete(e.id);
        const n = (appInFlight.get(b.appId) ?? 1) - 1;
        if (n > 0) appInFlight.set(b.appId, n);
        else appInFlight.delete(b.appId);
        kick();
      });
    inFlight.add(p);
  };

  /**
   * Events committed by this process and handed over in memory (already leased to it): sent first,
   * without a read or a claim. One that waited past its share of the lease is forgotten here (the
   * database's copy is due again when the lease ends).
   */
  let fresh: { e: FreshEvent; at: number }[] = [];
  let lingerTimer: NodeJS.Timeout | null = null;
  const leaseMs = timeoutMs + 30_000;
  const sendFresh = async (free: number): Promise<number> => {
    // In arrival order, so the ones that waited too long are at the front.
    const now = performance.now();
    let expired = 0;
    while (expired < fresh.length && now - fresh[expired]!.at >= leaseMs * FRESH_WAIT_SHARE) expired++;
    if (expired > 0) fresh = fresh.slice(expired);
    if (fresh.length === 0) return 0;
    const targets = new Map<string, DueRow | undefined>();
    for (const f of fresh) if (!targets.has(f.e.app_id)) targets.set(f.e.app_id, undefined);
    for (const appId of targets.keys()) targets.set(appId, (await appTarget(ctx.db, { appId }))[0]);
    const planned = plan(
      fresh,
      free,
      (f) => (busyEvents.has(f.e.id) ? undefined : targets.get(f.e.app_id)),
      (f) => f.e.id,
    );
    const taken = new Set(planned.flatMap((p) => p.items));
    // A batching app that already has a POST under way gets a partial batch only once its oldest
    // event waited BATCH_LINGER_MS: under load its events gather into fuller POSTs (each signed,
    // sent and recorded once), while a quiet app's events still go at once.
    const going = new Set<string>();
    let lingerMs = Infinity;
    const sent = planned.filter(({ batch, items }) => {
      const busy = appInFlight.has(batch.appId) || going.has(batch.appId);
      const waited = now - items[0]!.at;
      if (batch.max > 1 && items.length < batch.max && busy && waited < BATCH_LINGER_MS) {
        for (const f of items) taken.delete(f);
        lingerMs = Math.min(lingerMs, BATCH_LINGER_MS - waited);
        return false;
      }
      going.add(batch.appId);
      return true;
    });
    if (lingerMs !== Infinity && !lingerTimer) {
      lingerTimer = setTimeout(() => {
        lingerTimer = null;
        kick();
      }, Math.ceil(lingerMs));
      lingerTimer.unref();
    }
    // Keep the rest (and what arrived during the reads), less the events of apps that no longer exist.
    fresh = fresh.filter((f) => !taken.has(f) && !(targets.has(f.e.app_id) && !targets.get(f.e.app_id)));
    for (const p of sent) start(p.batch, p.items.map((f) => f.e));
    return sent.length;
  };

  /**
   * Whether the database may hold due events this process has not seen: set by events enqueued
   * without a hand-over (inbound messages, receipts, other nodes), by the poll timer (retries), and
   * when the last look found more than it could send. Handed-over events alone need no look.
   */
  let lookInDb = true;
  const tick = async (): Promise<void> => {
    let free = concurrency - inFlight.size;
    if (free <= 0 || stopped) return;
    free -= await sendFresh(free);
    if (free <= 0 || stopped || !lookInDb) return;
    lookInDb = false;
    const now = ctx.clock.now();
    const limit = free * MAX_WEBHOOK_BATCH;
    const rows = await dueRows(ctx.db, { now, limit });
    const batches = plan(
      rows,
      free,
      (r) => (busyEvents.has(r.id) ? undefined : r),
      (r) => r.id,
    ).map((p) => p.batch);
    if (rows.length >= limit || batches.reduce((n, b) => n + b.ids.length, 0) < rows.length) lookInDb = true;
    if (batches.length === 0) return;
    // Claim them in one write: push next_attempt_at past the longest attempt; with several
    // dispatchers on one database, each event goes to the one whose update matched it.
    const lease = now + leaseMs;
    const claimed = await ctx.writes.run(async (tx) => {
      const rows = await tx
        .updateTable('webhook_events')
        .set({ next_attempt_at: lease })
        .where(
          'id',
          'in',
          batches.flatMap((b) => b.ids),
        )
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .returning(['id', 'app_id', 'payload', 'attempts', 'created_at'])
        .execute();
      return new Map(rows.map((r) => [r.id, { ...r, attempts: Number(r.attempts), created_at: Number(r.created_at) }]));
    });
    for (const b of batches) {
      if (stopped) break;
      const events = b.ids.map((id) => claimed.get(id)).filter((e): e is DueEvent => e !== undefined);
      if (events.length > 0) start(b, events);
    }
  };

  const kick = (): void => {
    if (stopped) return;
    if (ticking) {
      again = true;
      return;
    }
    ticking = (async () => {
      do {
        again = false;
        try {
          await tick();
        } catch (err) {
          if (!stopped) ctx.log.error({ msg: 'webhook.tick_failed', err });
        }
      } while (again && !stopped);
    })().finally(() => {
      ticking = null;
    });
  };

  onWebhookEnqueued(
    ctx,
    (events) => {
      if (events && events.length > 0 && !stopped && fresh.length + events.length <= FRESH_MAX) {
        const at = performance.now();
        for (const e of events) fresh.push({ e, at });
      } else lookInDb = true;
      kick();
    },
    leaseMs,
  );
  const timer = setInterval(() => {
    lookInDb = true;
    kick();
  }, pollMs);
  timer.unref();
  kick();

  return {
    kick,
    async idle() {
      for (;;) {
        if (ticking) await ticking;
        else if (inFlight.size > 0) await Promise.allSettled([...inFlight]);
        // Events held back to fill a batch go within BATCH_LINGER_MS.
        else if (lingerTimer && fresh.length > 0 && !stopped) await new Promise((r) => setTimeout(r, BATCH_LINGER_MS));
        else return;
      }
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (lingerTimer) clearTimeout(lingerTimer);
      stopping.abort();
      client.abortAll();
      if (ticking) await ticking.catch(() => undefined);
      await Promise.allSettled([...inFlight]);
      await client.close();
    },
  };
}

/** Finished events (and their attempts) deleted per write, so pruning never holds the write queue long. */
const PRUNE_BATCH = 2000;

/**
 * Delete delivered and dropped events older than PARLEY_WEBHOOK_RETENTION_DAYS, with their
 * attempts (the hourly maintenance task). A pending event is never deleted: its retries end after
 * 7 days, and the retention is longer. Returns the number of events deleted.
 */
export async function pruneWebhookOutbox(ctx: Ctx): Promise<number> {
  const cutoff = ctx.clock.now() - ctx.config.PARLEY_WEBHOOK_RETENTION_DAYS * 24 * 3600_000;
  let pruned = 0;
  // Bounded: at most this many batches per run; the next run goes on.
  for (let i = 0; i < 500; i++) {
    const n = await ctx.writes.run(async (tx) => {
      const ids = (
        await tx
          .selectFrom('webhook_events')
          .select('id')
          .where('status', 'in', ['delivered', 'dropped'])
          // The (status, next_attempt_at) index bounds the scan: the last attempt was due before the cutoff too.
          .where('next_attempt_at', '<', cutoff)
          .where('created_at', '<', cutoff)
          .limit(PRUNE_BATCH)
          .execute()
      ).map((r) => r.id);
      if (ids.length === 0) return 0;
      await tx.deleteFrom('webhook_attempts').where('event_id', 'in', ids).execute();
      await tx.deleteFrom('webhook_events').where('id', 'in', ids).execute();
      return ids.length;
    });
    pruned += n;
    if (n < PRUNE_BATCH) break;
  }
  return pruned;
}
