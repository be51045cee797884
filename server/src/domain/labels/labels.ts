/**
 * @module domain/labels/labels
 * Labels of a business and their assignments to chats and messages.
 * Rules: at most 20 labels per business; name 1..50 characters, unique per business regardless of
 * case; colour an index into the 20-colour palette (contracts/labels.ts); five default labels on
 * first use. Labels go on chats the business is a member of (CHAT_NOT_FOUND otherwise) and on
 * messages of such chats that the business can see (MESSAGE_NOT_FOUND otherwise). Every change
 * appends business.changed 'labels' for the business's other devices.
 */
import type { Transaction } from 'kysely';
import { LABEL_COLORS, LABEL_NAME_MAX, MAX_LABELS, type Label, type LabelAssignments } from '#contracts/labels.js';
import { AppError } from '../../errors.js';
import { newId } from '../../platform/ids.js';
import type { Actor, Ctx } from '../../context.js';
import type { DB, LabelsTable } from '../../tables.js';
import { accessChat, notifyBusinessChanged } from '../messaging/index.js';
import { accessBusiness, ensureSeeded, seedBusinessTools } from '../automation/business.js';

function toLabel(r: LabelsTable): Label {
  return { id: r.id, name: r.name, color: Number(r.color), defaultKey: r.default_key, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at) };
}

function checkName(raw: string): string {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (name.length < 1 || [...name].length > LABEL_NAME_MAX) throw new AppError('VALIDATION_FAILED', `A label name is 1 to ${LABEL_NAME_MAX} characters.`, { field: 'name' });
  return name;
}

function checkColor(color: number): number {
  if (!Number.isInteger(color) || color < 0 || color >= LABEL_COLORS.length) {
    throw new AppError('VALIDATION_FAILED', `A label colour is a palette index from 0 to ${LABEL_COLORS.length - 1}.`, { field: 'color' });
  }
  return color;
}

async function checkNameFree(tx: Transaction<DB>, businessId: string, name: string, exceptId?: string): Promise<void> {
  let q = tx.selectFrom('labels').select('id').where('business_id', '=', businessId).where('name_key', '=', name.toLowerCase());
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw new AppError('LABEL_NAME_TAKEN', `A label named "${name}" already exists.`, { name });
}

async function accessLabels(tx: Transaction<DB>, businessId: string, labelIds: string[]): Promise<void> {
  if (labelIds.length === 0) return;
  const rows = await tx.selectFrom('labels').select('id').where('business_id', '=', businessId).where('id', 'in', labelIds).execute();
  if (rows.length !== new Set(labelIds).size) throw new AppError('LABEL_NOT_FOUND');
}

export async function listLabels(ctx: Ctx, actor: Actor): Promise<{ labels: Label[] }> {
  const businessId = await accessBusiness(ctx.db, actor);
  await ensureSeeded(ctx, businessId);
  const rows = await ctx.db.selectFrom('labels').selectAll().where('business_id', '=', businessId).orderBy('created_at').orderBy('id').execute();
  return { labels: rows.map(toLabel) };
}

export async function createLabel(ctx: Ctx, actor: Actor, input: { name: string; color: number }): Promise<Label> {
  const businessId = await accessBusiness(ctx.db, actor);
  const name = checkName(input.name);
  const color = checkColor(input.color);
  return ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    await seedBusinessTools(tx, businessId, now);
    const { n } = await tx
      .selectFrom('labels')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('business_id', '=', businessId)
      .executeTakeFirstOrThrow();
    if (Number(n) >= MAX_LABELS) throw new AppError('LABELS_FULL', undefined, { limit: MAX_LABELS });
    await checkNameFree(tx, businessId, name);
    const row: LabelsTable = { id: newId('lbl'), business_id: businessId, name, name_key: name.toLowerCase(), color, default_key: null, created_at: now, updated_at: now };
    await tx.insertInto('labels').values(row).execute();
    await notifyBusinessChanged(tx, emit, businessId, 'labels', now);
    return toLabel(row);
  });
}

/** Rename or recolour a label; renaming a default label drops its default key (its name is now the business's). */
export async function updateLabel(ctx: Ctx, actor: Actor, labelId: string, input: { name?: string | undefined; color?: number | undefined }): Promise<Label> {
  const businessId = await accessBusiness(ctx.db, actor);
  const name = input.name !== undefined ? checkName(input.name) : undefined;
  const color = input.color !== undefined ? checkColor(input.color) : undefined;
  return ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const row = await tx.selectFrom('labels').selectAll().where('id', '=', labelId).where('business_id', '=', businessId).executeTakeFirst();
    if (!row) throw new AppError('LABEL_NOT_FOUND');
    const next: LabelsTable = { ...row, updated_at: now };
    if (name !== undefined && name !== row.name) {
      await checkNameFree(tx, businessId, name, labelId);
      Object.assign(next, { name, name_key: name.toLowerCase(), default_key: null });
    }
    if (color !== undefined) next.color = color;
    await tx.updateTable('labels').set({ name: next.name, name_key: next.name_key, color: next.color, default_key: next.default_key, updated_at: now }).where('id', '=', labelId).execute();
    await notifyBusinessChanged(tx, emit, businessId, 'labels', now);
    return toLabel(next);
  });
}

/** Delete a label and take it off every chat and message. */
export async function deleteLabel(ctx: Ctx, actor: Actor, labelId: string): Promise<void> {
  const businessId = await accessBusiness(ctx.db, actor);
  await ctx.writes.run(async (tx, emit) => {
    const row = await tx.selectFrom('labels').select('id').where('id', '=', labelId).where('business_id', '=', businessId).executeTakeFirst();
    if (!row) throw new AppError('LABEL_NOT_FOUND');
    await tx.deleteFrom('chat_labels').where('label_id', '=', labelId).execute();
    await tx.deleteFrom('message_labels').where('label_id', '=', labelId).execute();
    await tx.deleteFrom('labels').where('id', '=', labelId).execute();
    await notifyBusinessChanged(tx, emit, businessId, 'labels', ctx.clock.now());
  });
}

/** Set the labels of a chat (the complete list; [] removes them all). */
export async function setChatLabels(ctx: Ctx, actor: Actor, chatId: string, labelIds: string[]): Promise<{ chatId: string; labelIds: string[] }> {
  const businessId = await accessBusiness(ctx.db, actor);
  const ids = [...new Set(labelIds)];
  return ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    await accessChat(tx, actor, chatId);
    await accessLabels(tx, businessId, ids);
    await tx.deleteFrom('chat_labels').where('business_id', '=', businessId).where('chat_id', '=', chatId).execute();
    if (ids.length) await tx.insertInto('chat_labels').values(ids.map((label_id) => ({ label_id, chat_id: chatId, business_id: businessId, created_at: now }))).execute();
    await notifyBusinessChanged(tx, emit, businessId, 'labels', now);
    return { chatId, labelIds: ids };
  });
}

/** Set the labels of a message the business can see in one of its chats. */
export async function setMessageLabels(ctx: Ctx, actor: Actor, messageId: string, labelIds: string[]): Promise<{ messageId: string; chatId: string; labelIds: string[] }> {
  const businessId = await accessBusiness(ctx.db, actor);
  const ids = [...new Set(labelIds)];
  return ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const msg = await tx.selectFrom('messages').select(['id', 'chat_id', 'sender_id', 'withheld']).where('id', '=', messageId).executeTakeFirst();
    if (!msg || (msg.withheld === 1 && msg.sender_id !== businessId)) throw new AppError('MESSAGE_NOT_FOUND');
    await accessChat(tx, actor, msg.chat_id).catch(() => {
      throw new AppError('MESSAGE_NOT_FOUND');
    });
    await accessLabels(tx, businessId, ids);
    await tx.deleteFrom('message_labels').where('business_id', '=', businessId).where('message_id', '=', messageId).execute();
    if (ids.length) {
      await tx.insertInto('message_labels').values(ids.map((label_id) => ({ label_id, message_id: messageId, chat_id: msg.chat_id, business_id: businessId, created_at: now }))).execute();
    }
    await notifyBusinessChanged(tx, emit, businessId, 'labels', now);
    return { messageId, chatId: msg.chat_id, labelIds: ids };
  });
}

/** Every label of the business with the chats and messages that carry it. */
export async function listLabelAssignments(ctx: Ctx, actor: Actor): Promise<LabelAssignments> {
  const businessId = await accessBusiness(ctx.db, actor);
  await ensureSeeded(ctx, businessId);
  const [labels, chats, messages] = await Promise.all([
    ctx.db.selectFrom('labels').select('id').where('business_id', '=', businessId).orderBy('created_at').orderBy('id').execute(),
    ctx.db.selectFrom('chat_labels').select(['label_id', 'chat_id']).where('business_id', '=', businessId).orderBy('created_at').execute(),
    ctx.db.selectFrom('message_labels').select(['label_id', 'message_id', 'chat_id']).where('business_id', '=', businessId).orderBy('created_at').execute(),
  ]);
  return {
    labels: labels.map((l) => ({
      labelId: l.id,
      chatIds: chats.filter((c) => c.label_id === l.id).map((c) => c.chat_id),
      messages: messages.filter((m) => m.label_id === l.id).map((m) => ({ messageId: m.message_id, chatId: m.chat_id })),
    })),
  };
}
