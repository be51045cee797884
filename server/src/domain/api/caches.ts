/**
 * @module domain/api/caches
 * Read-mostly state of the Business API's send path, kept in memory per process so a send costs
 * no query for it: access tokens (by hash) → their WABA, business and scopes; phone_number_id →
 * its number; a customer's phone → account; (business, customer) → their direct chat and the
 * chat's current conversation window.
 *
 * Correctness rules:
 * - Every entry is what the database said; a change made by this process (a token revoked, a
 *   number deregistered) drops the entry before the change is acknowledged, so it takes effect at
 *   once here. Other nodes (PostgreSQL) see it within {@link CACHE_TTL_MS}: every entry of a
 *   mutable row expires then and is read again.
 * - A read that started before an invalidation never fills the cache after it (a generation
 *   count), so a revoked token cannot come back from a read in flight.
 * - Entries are keyed by what the caller proves (a token's full hash, a node id); the caller still
 *   checks that the node belongs to the token's WABA, exactly as without the cache.
 * Immutable mappings (a phone's account, a direct chat's id) keep their entries until evicted.
 */
import { performance } from 'node:perf_hooks';
import type { Ctx } from '../../context.js';
import type { Conversation } from './webhooks.js';

/** How long an entry of a row that can change (a token, a number) is trusted. */
export const CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 100_000;

/** A bounded map whose entries expire `ttlMs` after they were read from the database. */
export class ReadCache<K, V> {
  private readonly entries = new Map<K, { value: V; at: number }>();
  private generation = 0;
  /** Reads in progress, by key, with the generation they started in. */
  private readonly loading = new Map<K, { generation: number; value: Promise<V | undefined> }>();

  constructor(private readonly ttlMs: number) {}

  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (performance.now() - e.at >= this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /**
   * The cached value, or `load()`'s (cached unless undefined, or unless an invalidation happened
   * while it was loading).
   */
  async through(key: K, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    // Concurrent misses of one key share one read (a campaign's first sends to a customer arrive together).
    const pending = this.loading.get(key);
    if (pending && pending.generation === this.generation) return pending.value;
    const generation = this.generation;
    const value = load();
    this.loading.set(key, { generation, value });
    try {
      const v = await value;
      if (v !== undefined && generation === this.generation) this.set(key, v);
      return v;
    } finally {
      if (this.loading.get(key)?.value === value) this.loading.delete(key);
    }
  }

  set(key: K, value: V): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { value, at: performance.now() });
  }

  /** Drop the entries `matches` selects (all when omitted); reads in flight will not store theirs. */
  invalidate(matches?: (key: K, value: V) => boolean): void {
    this.generation++;
    if (!matches) {
      this.entries.clear();
      return;
    }
    for (const [k, e] of this.entries) if (matches(k, e.value)) this.entries.delete(k);
  }
}

/** What a token resolves to (see setup.ts authenticateApiToken). */
export interface CachedToken {
  tokenId: string;
  wabaId: string;
  accountId: string;
  scopes: string;
  /** When this process last recorded the token as used (ctx clock). */
  lastUsedAt: number | null;
}

export interface CachedNumber {
  id: string;
  waba_id: string;
  display_phone_number: string;
  account_id: string;
  registered: number;
}

export interface ApiCaches {
  /** sha256 hex of a token → the token (not revoked). */
  tokens: ReadCache<string, CachedToken>;
  /** phone_number_id → the number. */
  numbers: ReadCache<string, CachedNumber>;
  /** '+' + digits → account id (phones never change owner; only found accounts are kept). */
  accountsByPhone: ReadCache<string, string>;
  /** business id + customer id → their direct chat (its id never changes). */
  directChats: ReadCache<string, string>;
  /**
   * chat id → the last conversation window its statuses used, stored only once the write that
   * found or opened it committed (a window never changes; the send path checks it covers the time).
   */
  conversations: ReadCache<string, Conversation>;
}

const caches = new WeakMap<Ctx, ApiCaches>();

export function apiCaches(ctx: Ctx): ApiCaches {
  let c = caches.get(ctx);
  if (!c) {
    c = {
      tokens: new ReadCache(CACHE_TTL_MS),
      numbers: new ReadCache(CACHE_TTL_MS),
      accountsByPhone: new ReadCache(Number.POSITIVE_INFINITY),
      directChats: new ReadCache(Number.POSITIVE_INFINITY),
      conversations: new ReadCache(Number.POSITIVE_INFINITY),
    };
    caches.set(ctx, c);
  }
  return c;
}

/** Forget a token at once (call after its revocation committed). */
export function forgetToken(ctx: Ctx, tokenId: string): void {
  apiCaches(ctx).tokens.invalidate((_k, t) => t.tokenId === tokenId);
}

/** Forget a number at once (call after its registration changed). */
export function forgetNumber(ctx: Ctx, phoneNumberId: string): void {
  apiCaches(ctx).numbers.invalidate((k) => k === phoneNumberId);
}
