/**
 * @module domain/accounts/devices
 * Device tokens: authentication of every request and socket, listing and revocation.
 */
import { AppError } from '../../errors.js';
import { sha256Hex } from '../../platform/ids.js';
import { accountTopic, type Actor, type Ctx } from '../../context.js';
import type { Device } from '#contracts/models.js';
import { announceDevice } from '../e2e/directory.js';

const ACTIVITY_WRITE_INTERVAL_MS = 60_000;

/** The device a bearer token belongs to, or null when the token is unknown or revoked. */
export async function authenticate(ctx: Ctx, token: string): Promise<Actor | null> {
  if (!token || token.length > 200) return null;
  const row = await ctx.db
    .selectFrom('devices')
    .select(['id', 'account_id', 'last_active_at'])
    .where('token_hash', '=', sha256Hex(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  const now = ctx.clock.now();
  if (now - row.last_active_at > ACTIVITY_WRITE_INTERVAL_MS) {
    void ctx.db.updateTable('devices').set({ last_active_at: now }).where('id', '=', row.id).execute().catch(() => undefined);
  }
  return { accountId: row.account_id, deviceId: row.id };
}

export async function listDevices(ctx: Ctx, actor: Actor): Promise<Device[]> {
  const rows = await ctx.db
    .selectFrom('devices')
    .selectAll()
    .where('account_id', '=', actor.accountId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at', 'asc')
    .orderBy('id')
    .execute();
  return rows.map((d) => ({
    id: d.id,
    name: d.name,
    platform: d.platform,
    createdAt: d.created_at,
    lastActiveAt: d.last_active_at,
    current: d.id === actor.deviceId,
  }));
}

/** Revoke a device of the actor's account: its token stops working at once, its socket closes. */
export async function revokeDevice(ctx: Ctx, actor: Actor, deviceId: string): Promise<void> {
  await ctx.writes.run(async (tx, emit) => {
    const res = await tx
      .updateTable('devices')
      .set({ revoked_at: ctx.clock.now() })
      .where('id', '=', deviceId)
      .where('account_id', '=', actor.accountId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw new AppError('DEVICE_NOT_FOUND');
    // End-to-end chats: the remaining devices must remove its leaf.
    await announceDevice(tx, emit, actor.accountId, deviceId, 'revoked', ctx.clock.now());
    emit({ topic: accountTopic(actor.accountId), event: { kind: 'device.revoked', deviceId } });
  });
}
