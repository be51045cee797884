/**
 * @module domain/messaging/presence
 * Online / last seen and typing indicators: ephemeral, never stored except an account's last
 * seen time. Who may see them follows the owner's privacy settings and blocks, decided here.
 * Connection counting is per node (a Redis-backed registry takes over when there are several).
 */
import { AppError } from '../../errors.js';
import { accountTopic, presenceTopic, type Actor, type Ctx } from '../../context.js';
import { blockedEitherWay, hasSavedNumber, levelAllows } from '../accounts/index.js';
import { accessChat } from './chats.js';

const online = new Map<string, number>();

export function isOnline(accountId: string): boolean {
  return (online.get(accountId) ?? 0) > 0;
}

/** A device of the account connected. */
export function deviceConnected(ctx: Ctx, accountId: string): void {
  const n = (online.get(accountId) ?? 0) + 1;
  online.set(accountId, n);
  if (n === 1) ctx.bus.publish(presenceTopic(accountId), { kind: 'presence', accountId, online: true, lastSeenAt: null });
}

/** A device of the account disconnected; the last one out records "last seen". */
export async function deviceDisconnected(ctx: Ctx, accountId: string): Promise<void> {
  const n = (online.get(accountId) ?? 1) - 1;
  if (n > 0) {
    online.set(accountId, n);
    return;
  }
  online.delete(accountId);
  const now = ctx.clock.now();
  ctx.bus.publish(presenceTopic(accountId), { kind: 'presence', accountId, online: false, lastSeenAt: now });
  await ctx.db.updateTable('accounts').set({ last_seen_at: now }).where('id', '=', accountId).execute();
}

export interface PresenceView {
  /** What the viewer may know: online state and last seen, or null for each when hidden. */
  canSeeOnline: boolean;
  canSeeLastSeen: boolean;
  online: boolean;
  lastSeenAt: number | null;
}

/**
 * What `viewer` may see of `targetId`'s presence. Last seen follows the target's setting
 * (contacts = numbers the target saved) and is reciprocal: who hides their own last seen sees
 * nobody's. Online follows last seen unless set to everyone. Nothing shows across a block.
 */
export async function presenceFor(ctx: Ctx, viewer: Actor, targetId: string): Promise<PresenceView> {
  const hidden: PresenceView = { canSeeOnline: false, canSeeLastSeen: false, online: false, lastSeenAt: null };
  if (targetId === viewer.accountId) return hidden;
  const [target, me] = await Promise.all([
    ctx.db.selectFrom('accounts').select(['id', 'privacy_last_seen', 'privacy_online', 'last_seen_at']).where('id', '=', targetId).executeTakeFirst(),
    ctx.db.selectFrom('accounts').select(['phone', 'privacy_last_seen']).where('id', '=', viewer.accountId).executeTakeFirstOrThrow(),
  ]);
  if (!target) throw new AppError('ACCOUNT_NOT_FOUND');
  if (await blockedEitherWay(ctx.db, viewer.accountId, targetId)) return hidden;
  const savedMe = await hasSavedNumber(ctx.db, targetId, me.phone);
  const canSeeLastSeen = me.privacy_last_seen !== 'nobody' && levelAllows(target.privacy_last_seen, savedMe);
  const canSeeOnline = target.privacy_online === 'everyone' || canSeeLastSeen;
  const on = isOnline(targetId);
  return {
    canSeeOnline,
    canSeeLastSeen,
    online: canSeeOnline && on,
    lastSeenAt: canSeeLastSeen && !on ? target.last_seen_at : null,
  };
}

/** Tell the other members of a chat that the actor is typing (or recording, or stopped). */
export async function sendTyping(ctx: Ctx, actor: Actor, chatId: string, state: 'composing' | 'recording' | 'paused'): Promise<void> {
  const members = await accessChat(ctx.db, actor, chatId);
  for (const m of members) {
    if (m === actor.accountId) continue;
    if (await blockedEitherWay(ctx.db, actor.accountId, m)) continue;
    ctx.bus.publish(accountTopic(m), { kind: 'typing', chatId, accountId: actor.accountId, state });
  }
}
