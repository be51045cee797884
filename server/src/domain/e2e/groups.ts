/**
 * @module domain/e2e/groups
 * The delivery service of each chat's MLS group: the server orders commits by epoch (a commit is
 * accepted only for the chat's current epoch, so replays and reordering are refused), stores them,
 * and delivers them and their welcomes through the per-account update log in the same transaction.
 * Also: what a member device needs to reconcile the group (the chat's active devices), and resend
 * requests for messages a device could not decrypt.
 */
import { decodeMlsMessage } from 'ts-mls';
import type { Actor, Ctx } from '../../context.js';
import { AppError } from '../../errors.js';
import type { DB } from '../../tables.js';
import type { Kysely, Transaction } from 'kysely';
import { accessChat } from '../messaging/chats.js';
import { appendUpdate } from '../messaging/updates.js';
import { activeDevices, decodeBase64, type E2eDeviceView } from './directory.js';
import { isEncryptable } from './policy.js';
import { keepWelcome } from './welcomes.js';

export interface E2eChatView {
  chatId: string;
  /** false for a chat with a business: it terminates at the platform and is never encrypted. */
  encrypted: boolean;
  /** The group's current epoch (0: no commit yet). */
  epoch: number;
  /** The devices that should be in the group: members' active devices holding a credential. */
  devices: E2eDeviceView[];
}

async function epochOf(db: Kysely<DB>, chatId: string): Promise<number> {
  const row = await db.selectFrom('e2e_groups').select('epoch').where('chat_id', '=', chatId).executeTakeFirst();
  return row ? Number(row.epoch) : 0;
}

export async function getE2eChat(ctx: Ctx, actor: Actor, chatId: string): Promise<E2eChatView> {
  const members = await accessChat(ctx.db, actor, chatId);
  const encrypted = await isEncryptable(ctx.db, members);
  return { chatId, encrypted, epoch: await epochOf(ctx.db, chatId), devices: encrypted ? await activeDevices(ctx.db, members) : [] };
}

export interface CommitInput {
  /** The MLS commit (a private message), base64. */
  commit: string;
  /** The welcome the commit produced, for the devices it adds. */
  welcome?: { deviceIds: string[]; data: string } | undefined;
}

/**
 * Accept a commit for the chat's group if it is for the current epoch; deliver it (`e2e.commit`
 * to every member) and its welcome (`e2e.welcome` to each added device's account). Returns the new
 * epoch. E2E_EPOCH_CONFLICT (details.epoch = current) when another commit got there first, or
 * when the commit is a replay or out of order.
 */
export async function submitCommit(ctx: Ctx, actor: Actor, chatId: string, input: CommitInput): Promise<{ epoch: number }> {
  const members = await accessChat(ctx.db, actor, chatId);
  if (!(await isEncryptable(ctx.db, members))) throw new AppError('E2E_NOT_FOR_BUSINESS');
  const bytes = decodeBase64(input.commit, 'commit');
  let epoch: number;
  try {
    const decoded = decodeMlsMessage(bytes, 0);
    const msg = decoded?.[0];
    if (!msg || decoded[1] !== bytes.length || msg.wireformat !== 'mls_private_message' || msg.privateMessage.contentType !== 'commit') throw new Error('not a commit');
    if (Buffer.from(msg.privateMessage.groupId).toString('utf8') !== chatId) throw new Error('another group');
    epoch = Number(msg.privateMessage.epoch);
  } catch {
    throw new AppError('E2E_COMMIT_INVALID', undefined, { path: 'commit' });
  }
  let welcomeTargets: E2eDeviceView[] = [];
  if (input.welcome) {
    const w = decodeBase64(input.welcome.data, 'welcome/data');
    let ok: boolean;
    try {
      const decoded = decodeMlsMessage(w, 0);
      ok = !!decoded && decoded[1] === w.length && decoded[0].wireformat === 'mls_welcome';
    } catch {
      ok = false;
    }
    if (!ok) throw new AppError('E2E_COMMIT_INVALID', 'The welcome is not an MLS welcome.', { path: 'welcome/data' });
    const devices = await activeDevices(ctx.db, members);
    const wanted = new Set(input.welcome.deviceIds);
    welcomeTargets = devices.filter((d) => wanted.has(d.deviceId));
    if (welcomeTargets.length !== wanted.size) throw new AppError('E2E_COMMIT_INVALID', 'A welcome is addressed to a device that is not in this chat.', { path: 'welcome/deviceIds' });
  }
  return ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const current = await epochOf(tx, chatId);
    await checkCommitter(tx, actor, chatId, members, current);
    if (epoch !== current) throw new AppError('E2E_EPOCH_CONFLICT', undefined, { epoch: current });
    const next = current + 1;
    if (current === 0) await tx.insertInto('e2e_groups').values({ chat_id: chatId, epoch: next, updated_at: now }).execute();
    else {
      const res = await tx.updateTable('e2e_groups').set({ epoch: next, updated_at: now }).where('chat_id', '=', chatId).where('epoch', '=', current).executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new AppError('E2E_EPOCH_CONFLICT', undefined, { epoch: await epochOf(tx, chatId) });
    }
    await tx.insertInto('e2e_commits').values({ chat_id: chatId, epoch: next, sender_device_id: actor.deviceId, data: input.commit, created_at: now }).execute();
    if (current === 0) await joinedGroup(tx, chatId, actor.deviceId, next);
    for (const d of welcomeTargets) await joinedGroup(tx, chatId, d.deviceId, next);
    for (const m of members) await appendUpdate(tx, emit, m, { type: 'e2e.commit', chatId, epoch: next, senderDeviceId: actor.deviceId, commit: input.commit }, now);
    for (const d of welcomeTargets) {
      const welcomeId = await keepWelcome(tx, { chatId, deviceId: d.deviceId, accountId: d.accountId, epoch: next, data: input.welcome!.data, now });
      await appendUpdate(tx, emit, d.accountId, { type: 'e2e.welcome', chatId, epoch: next, deviceId: d.deviceId, welcome: input.welcome!.data, welcomeId }, now);
    }
    return { epoch: next };
  });
}

/**
 * Only a device in the chat's group may commit: a credentialed, active device of a member that
 * created the group or was added by an accepted welcome (and has not changed its key or been
 * revoked since). The first commit (epoch 0) may come from any credentialed device of a member.
 * E2E_NOT_IN_GROUP otherwise. (The sender's leaf is inside the encrypted commit: the receiving
 * devices check it.)
 */
async function checkCommitter(tx: Transaction<DB>, actor: Actor, chatId: string, members: string[], epoch: number): Promise<void> {
  const credentialed = (await activeDevices(tx, members)).some((d) => d.deviceId === actor.deviceId);
  const inGroup = epoch === 0 || !!(await tx.selectFrom('e2e_group_devices').select('device_id').where('chat_id', '=', chatId).where('device_id', '=', actor.deviceId).executeTakeFirst());
  if (!credentialed || !inGroup) throw new AppError('E2E_NOT_IN_GROUP');
}

async function joinedGroup(tx: Transaction<DB>, chatId: string, deviceId: string, epoch: number): Promise<void> {
  await tx
    .insertInto('e2e_group_devices')
    .values({ chat_id: chatId, device_id: deviceId, joined_epoch: epoch })
    .onConflict((oc) => oc.columns(['chat_id', 'device_id']).doUpdateSet({ joined_epoch: epoch }))
    .execute();
}

/** Commits of the chat's group after `after` (the epoch a device is at), oldest first. */
export async function listCommits(ctx: Ctx, actor: Actor, chatId: string, after: number, limit = 100): Promise<{ commits: { epoch: number; senderDeviceId: string; commit: string }[] }> {
  await accessChat(ctx.db, actor, chatId);
  const rows = await ctx.db.selectFrom('e2e_commits').selectAll().where('chat_id', '=', chatId).where('epoch', '>', after).orderBy('epoch').limit(limit).execute();
  return { commits: rows.map((r) => ({ epoch: Number(r.epoch), senderDeviceId: r.sender_device_id, commit: r.data })) };
}

/**
 * The calling device could not decrypt `messageId`: ask the device that sent it to re-encrypt it
 * (`e2e.resend` in the sender's log). Once per message and requesting device; later calls return
 * `requested: false`.
 */
export async function requestResend(ctx: Ctx, actor: Actor, messageId: string): Promise<{ requested: boolean }> {
  const msg = await ctx.db.selectFrom('messages').select(['id', 'chat_id', 'sender_id', 'sender_device_id', 'withheld']).where('id', '=', messageId).executeTakeFirst();
  if (!msg) throw new AppError('MESSAGE_NOT_FOUND');
  await accessChat(ctx.db, actor, msg.chat_id).catch(() => {
    throw new AppError('MESSAGE_NOT_FOUND');
  });
  if (msg.withheld === 1 && msg.sender_id !== actor.accountId) throw new AppError('MESSAGE_NOT_FOUND');
  return ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const seen = await tx.selectFrom('e2e_resends').select('message_id').where('message_id', '=', messageId).where('requester_device_id', '=', actor.deviceId).executeTakeFirst();
    if (seen || !msg.sender_device_id) return { requested: false };
    await tx.insertInto('e2e_resends').values({ message_id: messageId, requester_device_id: actor.deviceId, created_at: now }).execute();
    await appendUpdate(tx, emit, msg.sender_id, { type: 'e2e.resend', chatId: msg.chat_id, messageId, deviceId: msg.sender_device_id, requestedBy: actor.deviceId }, now);
    return { requested: true };
  });
}
