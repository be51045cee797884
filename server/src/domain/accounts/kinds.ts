/**
 * @module domain/accounts/kinds
 * Whether an account is a person or a business, cached per server: hooks that run on every
 * message (business automation, API webhooks) ask it first, so a chat between two people costs no
 * extra query. An account only ever changes from person to business, so a business entry never
 * goes stale; a person entry is trusted for a minute (another node may have converted it) and is
 * dropped at once when this node converts it.
 */
import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.js';
import type { DB } from '../../tables.js';

export type AccountKindValue = 'person' | 'business';

const PERSON_TTL_MS = 60_000;
const MAX_ENTRIES = 100_000;
const caches = new WeakMap<Ctx, Map<string, { kind: AccountKindValue; at: number }>>();

function cacheOf(ctx: Ctx): Map<string, { kind: AccountKindValue; at: number }> {
  let c = caches.get(ctx);
  if (!c) caches.set(ctx, (c = new Map()));
  return c;
}

/** Whether a cached kind still holds: a business for good, a person for a minute. */
function trusted(hit: { kind: AccountKindValue; at: number }, now: number): boolean {
  return hit.kind === 'business' || now - hit.at < PERSON_TTL_MS;
}

/** The kind of `accountId` (null if there is no such account). Pass `tx` inside a write op. */
export async function accountKindOf(ctx: Ctx, db: Kysely<DB>, accountId: string): Promise<AccountKindValue | null> {
  const cache = cacheOf(ctx);
  const hit = cache.get(accountId);
  const now = performance.now();
  if (hit && trusted(hit, now)) return hit.kind;
  const row = await db.selectFrom('accounts').select('kind').where('id', '=', accountId).executeTakeFirst();
  if (!row) return null;
  if (cache.size >= MAX_ENTRIES) cache.clear();
  const kind = row.kind === 'business' ? 'business' : 'person';
  cache.set(accountId, { kind, at: now });
  return kind;
}

/**
 * Whether a chat with these members may be between a business and someone, without a query: false
 * for a chat that has not two members, and for two people both known here as people (the same
 * cache and the same minute of trust as {@link accountKindOf}); true otherwise, also when unsure.
 * Installed as the hooks' business-chat test.
 */
export function mayBeBusinessChat(ctx: Ctx, memberIds: readonly string[]): boolean {
  if (memberIds.length !== 2) return false;
  const cache = cacheOf(ctx);
  const now = performance.now();
  for (const id of memberIds) {
    const hit = cache.get(id);
    if (!hit || hit.kind === 'business' || !trusted(hit, now)) return true;
  }
  return false;
}

/** Forget what this node knows of `accountId`'s kind (call after converting it). */
export function forgetAccountKind(ctx: Ctx, accountId: string): void {
  cacheOf(ctx).delete(accountId);
}
