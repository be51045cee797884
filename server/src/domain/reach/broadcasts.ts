/**
 * @module domain/reach/broadcasts
 * Broadcast lists of a business (named, up to 256 recipients given as phone numbers) and
 * broadcasts: one message sent as separate 1:1 messages through the ordinary sendMessage, only to
 * recipients who saved the business's number in their contacts. The others are listed as not
 * reached with a reason (not_in_contacts, blocked, not_on_parley). Each broadcast and its
 * per-recipient result is stored.
 *
 * Idempotency: the sender gives the broadcast a clientId; the message to each recipient carries
 * the client id `b:{broadcastId}:{accountId}`, so sending the same broadcast again (a retry after
 * a lost answer or a crash half-way) never sends anyone the message twice.
 */
import type { Kysely, Transaction } from 'kysely';
import {
  BROADCAST_LIST_MAX_RECIPIENTS,
  BROADCAST_LIST_NAME_MAX,
  BROADCAST_LISTS_MAX,
  type Broadcast,
  type BroadcastList,
  type BroadcastRecipient,
  type BroadcastRecipientResult,
  type NotReachedReason,
} from '#contracts/reach.js';
import { MEDIA_KIND_OF_MESSAGE, type MessageKind } from '#contracts/models.js';
import { AppError } from '../../errors.js';
import { newId } from '../../platform/ids.js';
import type { Actor, Ctx } from '../../context.js';
import type { BroadcastListsTable, BroadcastsTable, DB } from '../../tables.js';
import { normalizePhone } from '../accounts/index.js';
import { cleanLine } from '../accounts/profile.js';
import { checkContent, notifyBusinessChanged, sendMessage } from '../messaging/index.js';
import { accessBusinessAccount } from '../business/index.js';

export const BROADCASTS_AREA = 'broadcasts';
/** Messages in flight at once while a broadcast goes out (they share group commits). */
const SEND_CONCURRENCY = 16;

type Db = Kysely<DB> | Transaction<DB>;

/** Normalise, de-duplicate and check a list's recipients. */
export function checkRecipients(phones: string[], ownPhone: string): string[] {
  const out: string[] = [];
  for (const raw of phones) {
    const phone = normalizePhone(raw);
    if (phone === ownPhone) throw new AppError('VALIDATION_FAILED', 'Your own number cannot be a recipient of your broadcast list.', { field: 'phones' });
    if (!out.includes(phone)) out.push(phone);
  }
  if (out.length > BROADCAST_LIST_MAX_RECIPIENTS) {
    throw new AppError('BROADCAST_LIST_FULL', `A broadcast list may have at most ${BROADCAST_LIST_MAX_RECIPIENTS} recipients; this one would have ${out.length}.`, {
      max: BROADCAST_LIST_MAX_RECIPIENTS,
      count: out.length,
    });
  }
  return out;
}

function checkListName(name: string): string {
  return cleanLine(name, 'name', { min: 1, max: BROADCAST_LIST_NAME_MAX });
}

/** The list if it belongs to the business, else LIST_NOT_FOUND (another business's list included). */
async function accessList(db: Db, businessId: string, listId: string): Promise<BroadcastListsTable> {
  const row = await db.selectFrom('broadcast_lists').selectAll().where('id', '=', listId).where('business_id', '=', businessId).executeTakeFirst();
  if (!row) throw new AppError('LIST_NOT_FOUND');
  return row;
}

/** Recipients of lists, with account and name (the business's contact name, else the profile name). */
async function recipientsOf(db: Db, businessId: string, listIds: string[]): Promise<Map<string, BroadcastRecipient[]>> {
  const out = new Map<string, BroadcastRecipient[]>(listIds.map((id) => [id, []]));
  if (listIds.length === 0) return out;
  const rows = await db
    .selectFrom('broadcast_list_members as lm')
    .leftJoin('accounts as a', 'a.phone', 'lm.phone')
    .leftJoin('contacts as c', (j) => j.onRef('c.phone', '=', 'lm.phone').on('c.owner_id', '=', businessId))
    .select(['lm.list_id', 'lm.phone', 'a.id as account_id', 'a.display_name', 'c.name as contact_name'])
    .where('lm.list_id', 'in', listIds)
    .orderBy('lm.added_at', 'asc')
    .orderBy('lm.phone', 'asc')
    .execute();
  for (const r of rows) {
    const name = r.contact_name || r.display_name || null;
    out.get(r.list_id)!.push({ phone: r.phone, accountId: r.account_id ?? null, name });
  }
  return out;
}

function toList(row: BroadcastListsTable, recipients: BroadcastRecipient[]): BroadcastList {
  return { id: row.id, name: row.name, recipients, createdAt: row.created_at, updatedAt: row.updated_at };
}

export async function listBroadcastLists(ctx: Ctx, actor: Actor): Promise<BroadcastList[]> {
  const biz = await accessBusinessAccount(ctx.db, actor);
  const rows = await ctx.db.selectFrom('broadcast_lists').selectAll().where('business_id', '=', biz.accountId).orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
  const recipients = await recipientsOf(ctx.db, biz.accountId, rows.map((r) => r.id));
  return rows.map((r) => toList(r, recipients.get(r.id) ?? []));
}

export async function getBroadcastList(ctx: Ctx, actor: Actor, listId: string): Promise<BroadcastList> {
  const biz = await accessBusinessAccount(ctx.db, actor);
  const row = await accessList(ctx.db, biz.accountId, listId);
  return toList(row, (await recipientsOf(ctx.db, biz.accountId, [row.id])).get(row.id) ?? []);
}

export interface ListInput {
  name: string;
  phones: string[];
}

export async function createBroadcastList(ctx: Ctx, actor: Actor, input: ListInput): Promise<BroadcastList> {
  const name = checkListName(input.name);
  const biz = await accessBusinessAccount(ctx.db, actor);
  const phones = checkRecipients(input.phones, biz.phone);
  const id = await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const { n } = await tx.selectFrom('broadcast_lists').select((eb) => eb.fn.countAll<number>().as('n')).where('business_id', '=', biz.accountId).executeTakeFirstOrThrow();
    if (Number(n) >= BROADCAST_LISTS_MAX) throw new AppError('BROADCAST_LISTS_LIMIT_REACHED', undefined, { max: BROADCAST_LISTS_MAX });
    const listId = newId('bl');
    await tx.insertInto('broadcast_lists').values({ id: listId, business_id: biz.accountId, name, created_at: now, updated_at: now }).execute();
    if (phones.length) await tx.insertInto('broadcast_list_members').values(phones.map((phone, i) => ({ list_id: listId, phone, added_at: now + i }))).execute();
    await notifyBusinessChanged(tx, emit, biz.accountId, BROADCASTS_AREA, now);
    return listId;
  });
  return getBroadcastList(ctx, actor, id);
}

export interface ListPatch {
  name?: string | undefined;
  /** The new set of recipients (replaces the current one). */
  phones?: string[] | undefined;
}

export async function updateBroadcastList(ctx: Ctx, actor: Actor, listId: string, patch: ListPatch): Promise<BroadcastList> {
  const name = patch.name !== undefined ? checkListName(patch.name) : undefined;
  const biz = await accessBusinessAccount(ctx.db, actor);
  const phones = patch.phones !== undefined ? checkRecipients(patch.phones, biz.phone) : undefined;
  await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    await accessList(tx, biz.accountId, listId);
    await tx.updateTable('broadcast_lists').set({ ...(name !== undefined ? { name } : {}), updated_at: now }).where('id', '=', listId).execute();
    if (phones) {
      const current = await tx.selectFrom('broadcast_list_members').select('phone').where('list_id', '=', listId).execute();
      const keep = new Set(phones);
      const gone = current.map((c) => c.phone).filter((p) => !keep.has(p));
      const have = new Set(current.map((c) => c.phone));
      const added = phones.filter((p) => !have.has(p));
      if (gone.length) await tx.deleteFrom('broadcast_list_members').where('list_id', '=', listId).where('phone', 'in', gone).execute();
      if (added.length) await tx.insertInto('broadcast_list_members').values(added.map((phone, i) => ({ list_id: listId, phone, added_at: now + i }))).execute();
    }
    await notifyBusinessChanged(tx, emit, biz.accountId, BROADCASTS_AREA, now);
  });
  return getBroadcastList(ctx, actor, listId);
}

/** Delete a list; the history of its broadcasts is kept. */
export async function deleteBroadcastList(ctx: Ctx, actor: Actor, listId: string): Promise<void> {
  const biz = await accessBusinessAccount(ctx.db, actor);
  await ctx.writes.run(async (tx, emit) => {
    await accessList(tx, biz.accountId, listId);
    await tx.deleteFrom('broadcast_list_members').where('list_id', '=', listId).execute();
    await tx.deleteFrom('broadcast_lists').where('id', '=', listId).execute();
    await notifyBusinessChanged(tx, emit, biz.accountId, BROADCASTS_AREA, ctx.clock.now());
  });
}

// ---- broadcasts ------------------------------------------------------------------------------

function toBroadcast(row: BroadcastsTable): Broadcast {
  return {
    id: row.id,
    listId: row.list_id,
    listName: row.list_name,
    clientId: row.client_id,
    kind: row.kind,
    content: JSON.parse(row.content) as Record<string, unknown>,
    mediaId: row.media_id,
    reachedCount: row.reached_count,
    notReachedCount: row.not_reached_count,
    results: JSON.parse(row.results) as BroadcastRecipientResult[],
    createdAt: row.created_at,
    completedAt: row.completed_at,
  };
}

export interface BroadcastInput {
  /** Idempotency key of the broadcast; a new one is made when absent (then a retry sends again). */
  clientId?: string | undefined;
  kind: MessageKind;
  content: Record<string, unknown>;
  mediaId?: string | undefined;
}

/** The media of a broadcast must be the business's own upload of the right kind. */
async function checkBroadcastMedia(db: Db, businessId: string, kind: MessageKind, mediaId: string | undefined): Promise<void> {
  const mediaKind = MEDIA_KIND_OF_MESSAGE[kind];
  if (mediaKind && !mediaId) throw new AppError('VALIDATION_FAILED', `A ${kind} message needs a mediaId.`, { path: 'mediaId' });
  if (!mediaKind && mediaId) throw new AppError('VALIDATION_FAILED', `A ${kind} message carries no media.`, { path: 'mediaId' });
  if (!mediaId) return;
  const media = await db.selectFrom('media').select(['kind', 'uploader_id']).where('id', '=', mediaId).executeTakeFirst();
  if (!media || media.uploader_id !== businessId) throw new AppError('MEDIA_NOT_FOUND');
  if (media.kind !== mediaKind) throw new AppError('MEDIA_KIND_MISMATCH', `A ${kind} message needs ${mediaKind} media; this media is ${media.kind}.`);
}

/** Why a recipient cannot be reached, or null when the message may go to them. */
function notReachedReason(
  account: { id: string } | undefined,
  blocked: Set<string>,
  savedBusiness: Set<string>,
): NotReachedReason | null {
  if (!account) return 'not_on_parley';
  if (blocked.has(account.id)) return 'blocked';
  if (!savedBusiness.has(account.id)) return 'not_in_contacts';
  return null;
}

/** Send a broadcast to a list. Answers `{ broadcast, duplicate }` (duplicate: the clientId was already used and completed). */
export async function sendBroadcast(ctx: Ctx, actor: Actor, listId: string, input: BroadcastInput): Promise<{ broadcast: Broadcast; duplicate: boolean }> {
  const content = checkContent(input.kind, input.content);
  const biz = await accessBusinessAccount(ctx.db, actor);
  await checkBroadcastMedia(ctx.db, biz.accountId, input.kind, input.mediaId);
  const clientId = input.clientId ?? newId('bcc');

  // 1. Record the broadcast (or find the one this clientId started).
  const started = await ctx.writes.run(async (tx) => {
    const existing = await tx.selectFrom('broadcasts').selectAll().where('business_id', '=', biz.accountId).where('client_id', '=', clientId).executeTakeFirst();
    if (existing && existing.completed_at !== null) return { row: existing, phones: [] as string[] };
    const list = await accessList(tx, biz.accountId, existing?.list_id ?? listId);
    if (existing && existing.list_id !== listId) throw new AppError('LIST_NOT_FOUND');
    const members = await tx.selectFrom('broadcast_list_members').select('phone').where('list_id', '=', list.id).orderBy('added_at', 'asc').orderBy('phone', 'asc').execute();
    const row: BroadcastsTable = existing ?? {
      id: newId('bc'),
      business_id: biz.accountId,
      list_id: list.id,
      list_name: list.name,
      client_id: clientId,
      kind: input.kind,
      content,
      media_id: input.mediaId ?? null,
      results: '[]',
      reached_count: 0,
      not_reached_count: 0,
      completed_at: null,
      created_at: ctx.clock.now(),
    };
    if (!existing) await tx.insertInto('broadcasts').values(row).execute();
    return { row, phones: members.map((m) => m.phone) };
  });
  if (started.row.completed_at !== null) return { broadcast: toBroadcast(started.row), duplicate: true };
  const row = started.row;
  const phones = started.phones;

  // 2. Who can be reached: on Parley, no block either way, and has saved the business's number.
  const accounts = phones.length ? await ctx.db.selectFrom('accounts').select(['id', 'phone']).where('phone', 'in', phones).execute() : [];
  const byPhone = new Map(accounts.map((a) => [a.phone, a]));
  const ids = accounts.map((a) => a.id);
  const [blocks, saved] = ids.length
    ? await Promise.all([
        ctx.db
          .selectFrom('blocks')
          .select(['blocker_id', 'blocked_id'])
          .where((eb) =>
            eb.or([
              eb.and([eb('blocker_id', '=', biz.accountId), eb('blocked_id', 'in', ids)]),
              eb.and([eb('blocked_id', '=', biz.accountId), eb('blocker_id', 'in', ids)]),
            ]),
          )
          .execute(),
        ctx.db.selectFrom('contacts').select('owner_id').where('phone', '=', biz.phone).where('owner_id', 'in', ids).execute(),
      ])
    : [[], []];
  const blocked = new Set(blocks.map((b) => (b.blocker_id === biz.accountId ? b.blocked_id : b.blocker_id)));
  const savedBusiness = new Set(saved.map((s) => s.owner_id));

  // 3. Send, a few at a time; each message is an ordinary 1:1 message with a deterministic client id.
  const storedContent = JSON.parse(row.content) as Record<string, unknown>;
  const results: BroadcastRecipientResult[] = phones.map((phone) => {
    const account = byPhone.get(phone);
    const reason = notReachedReason(account, blocked, savedBusiness);
    return { phone, accountId: account?.id ?? null, reached: reason === null, reason, messageId: null, chatId: null };
  });
  const toSend = results.filter((r) => r.reached);
  for (let i = 0; i < toSend.length; i += SEND_CONCURRENCY) {
    await Promise.all(
      toSend.slice(i, i + SEND_CONCURRENCY).map(async (r) => {
        try {
          const sent = await sendMessage(ctx, actor, {
            to: r.accountId!,
            clientId: `b:${row.id}:${r.accountId!}`,
            kind: row.kind as MessageKind,
            content: storedContent,
            mediaId: row.media_id ?? undefined,
          });
          if (sent.message.undeliverable) {
            Object.assign(r, { reached: false, reason: 'blocked' });
            return;
          }
          r.messageId = sent.message.id;
          r.chatId = sent.message.chatId;
        } catch (err) {
          if (err instanceof AppError && err.code === 'CONTACT_BLOCKED') Object.assign(r, { reached: false, reason: 'blocked' });
          else throw err;
        }
      }),
    );
  }

  // 4. Store the outcome.
  const reached = results.filter((r) => r.reached).length;
  const done = await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const patch = { results: JSON.stringify(results), reached_count: reached, not_reached_count: results.length - reached, completed_at: now };
    await tx.updateTable('broadcasts').set(patch).where('id', '=', row.id).execute();
    await notifyBusinessChanged(tx, emit, biz.accountId, BROADCASTS_AREA, now);
    return { ...row, ...patch };
  });
  return { broadcast: toBroadcast(done), duplicate: false };
}

/** The broadcasts sent to a list, newest first. */
export async function listBroadcasts(ctx: Ctx, actor: Actor, listId: string, limit = 50): Promise<Broadcast[]> {
  const biz = await accessBusinessAccount(ctx.db, actor);
  await accessList(ctx.db, biz.accountId, listId);
  const rows = await ctx.db
    .selectFrom('broadcasts')
    .selectAll()
    .where('business_id', '=', biz.accountId)
    .where('list_id', '=', listId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toBroadcast);
}
