/**
 * @module domain/commerce/orders
 * Sharing a product or the catalog in a chat, and orders. Each goes out as an ordinary message
 * through messaging's sendMessage (stored, synced, receipted like any other) whose content the
 * server builds from the catalog, never from the client. An order and its message are written in
 * one transaction; a status change rewrites the order message's status and announces it to both
 * members as `message.updated`, in the same transaction.
 */
import type { Kysely } from 'kysely';
import type { Message } from '#contracts/models.js';
import type { CatalogContent, OrderContent, ProductContent } from '#contracts/content.js';
import { CATALOG_LIMITS, ORDER_TRANSITIONS, type Order, type OrderItem, type OrderStatus } from '#contracts/commerce.js';
import { AppError } from '../../errors.js';
import { newId } from '../../platform/ids.js';
import type { Actor, Ctx } from '../../context.js';
import type { DB, ProductsTable } from '../../tables.js';
import { accessChat, sendMessage } from '../messaging/index.js';
import { appendUpdate } from '../messaging/updates.js';
import { withReactions } from '../messaging/views.js';
import { accessBusiness, accessOwnProduct, checkBusinessActor } from './catalog.js';
import { imagesOf, toOrder } from './views.js';

// ---- sharing ------------------------------------------------------------------------------------

export interface ShareInput {
  clientId: string;
  /** A product to share; without it, the whole catalog. */
  productId?: string | undefined;
}

/** The business shares one of its visible products, or its catalog, in one of its chats. */
export async function shareCatalog(ctx: Ctx, actor: Actor, chatId: string, input: ShareInput): Promise<Message> {
  const business = await checkBusinessActor(ctx.db, actor);
  await accessChat(ctx.db, actor, chatId);
  let kind: 'product' | 'catalog';
  let content: ProductContent | CatalogContent;
  if (input.productId) {
    const row = await accessOwnProduct(ctx.db, business.id, input.productId);
    if (row.hidden === 1) throw new AppError('PRODUCT_NOT_FOUND', 'Hidden products cannot be shared; show the product first.');
    const images = await imagesOf(ctx.db, [row.id]);
    kind = 'product';
    content = {
      businessId: business.id,
      productId: row.id,
      name: row.name,
      price: row.price,
      currency: row.currency,
      imageMediaId: images.get(row.id)?.[0] ?? null,
      ...(row.retailer_id ? { retailerId: row.retailer_id } : {}),
    };
  } else {
    const visible = await ctx.db.selectFrom('products').select('id').where('business_id', '=', business.id).where('hidden', '=', 0).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    const images = await imagesOf(
      ctx.db,
      visible.slice(0, 20).map((p) => p.id),
    );
    const cover = visible.map((p) => images.get(p.id)?.[0]).find(Boolean) ?? null;
    kind = 'catalog';
    content = { businessId: business.id, businessName: business.name, productCount: visible.length, imageMediaId: cover };
  }
  const { message } = await sendMessage(ctx, actor, { chatId, clientId: input.clientId, kind, content }, {});
  return message;
}

// ---- orders -------------------------------------------------------------------------------------

export interface OrderInput {
  clientId: string;
  items: { productId: string; quantity: number }[];
  note?: string | undefined;
}

/** Products of an order, checked: the business's, visible, one currency. */
function checkOrderProducts(rows: ProductsTable[], businessId: string, items: OrderInput['items']): ProductsTable[] {
  const picked = items.map((i) => {
    const row = rows.find((r) => r.id === i.productId);
    if (!row || row.business_id !== businessId) throw new AppError('PRODUCT_NOT_FOUND', undefined, { productId: i.productId });
    if (row.hidden === 1) throw new AppError('ORDER_PRODUCT_HIDDEN', `"${row.name}" is not available.`, { productId: row.id });
    return row;
  });
  const currencies = new Set(picked.map((r) => r.currency));
  if (currencies.size > 1) throw new AppError('ORDER_CURRENCY_MIXED', undefined, { currencies: [...currencies] });
  return picked;
}

/** The customer sends their cart to the business of a direct chat as an order. */
export async function placeOrder(ctx: Ctx, actor: Actor, chatId: string, input: OrderInput): Promise<{ order: Order; message: Message }> {
  const note = (input.note ?? '').trim();
  if ([...note].length > CATALOG_LIMITS.note) throw new AppError('VALIDATION_FAILED', `A note has at most ${CATALOG_LIMITS.note} characters.`, { path: 'note' });
  if (input.items.length === 0 || input.items.length > CATALOG_LIMITS.orderItems) throw new AppError('VALIDATION_FAILED', `An order has 1 to ${CATALOG_LIMITS.orderItems} products.`, { path: 'items' });
  if (new Set(input.items.map((i) => i.productId)).size !== input.items.length) throw new AppError('VALIDATION_FAILED', 'A product is listed twice; give its total quantity once.', { path: 'items' });
  for (const i of input.items) {
    if (!Number.isInteger(i.quantity) || i.quantity < 1 || i.quantity > CATALOG_LIMITS.quantity) throw new AppError('VALIDATION_FAILED', `A quantity is 1 to ${CATALOG_LIMITS.quantity}.`, { path: 'items/quantity' });
  }

  const members = await accessChat(ctx.db, actor, chatId);
  const businessId = members.find((m) => m !== actor.accountId);
  if (!businessId) throw new AppError('ORDER_CHAT_INVALID');
  await accessBusiness(ctx.db, businessId).catch((err: unknown) => {
    throw err instanceof AppError && err.code === 'NOT_A_BUSINESS' ? new AppError('ORDER_CHAT_INVALID', 'The other member of this chat is not a business.') : err;
  });

  const ids = input.items.map((i) => i.productId);
  const picked = checkOrderProducts(await ctx.db.selectFrom('products').selectAll().where('id', 'in', ids).execute(), businessId, input.items);
  const items: OrderItem[] = picked.map((row, k) => ({
    productId: row.id,
    name: row.name,
    quantity: input.items[k]!.quantity,
    unitPrice: row.price,
    ...(row.retailer_id ? { retailerId: row.retailer_id } : {}),
  }));
  const total = items.reduce((sum, i) => sum + i.unitPrice * i.quantity, 0);
  if (!Number.isSafeInteger(total)) throw new AppError('PRICE_INVALID', 'The order total is too large.');
  const currency = picked[0]!.currency;
  const orderId = newId('ord');
  const content: OrderContent = { orderId, businessId, items, currency, total, note, status: 'pending' };

  const { message, duplicate } = await sendMessage(
    ctx,
    actor,
    { chatId, clientId: input.clientId, kind: 'order', content },
    {
      inWrite: async (tx, _emit, stored) => {
        // Checked again inside the transaction: a product hidden or deleted meanwhile refuses the order.
        checkOrderProducts(await tx.selectFrom('products').selectAll().where('id', 'in', ids).execute(), businessId, input.items);
        await tx
          .insertInto('orders')
          .values({
            id: orderId,
            business_id: businessId,
            customer_id: actor.accountId,
            chat_id: chatId,
            message_id: stored.id,
            items: JSON.stringify(items),
            currency,
            total,
            note,
            status: 'pending',
            created_at: stored.createdAt,
            updated_at: stored.createdAt,
          })
          .execute();
      },
    },
  );
  const row = await ctx.db.selectFrom('orders').selectAll().where('message_id', '=', message.id).executeTakeFirst();
  if (!row) throw duplicate ? new AppError('VALIDATION_FAILED', 'This clientId was already used for another message.', { path: 'clientId' }) : new AppError('INTERNAL');
  return { order: toOrder(row), message };
}

async function accessOrder(db: Kysely<DB>, actor: Actor, orderId: string) {
  const row = await db.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
  if (!row || (row.business_id !== actor.accountId && row.customer_id !== actor.accountId)) throw new AppError('ORDER_NOT_FOUND');
  return row;
}

/** An order, for its business or its customer. */
export async function getOrder(ctx: Ctx, actor: Actor, orderId: string): Promise<Order> {
  return toOrder(await accessOrder(ctx.db, actor, orderId));
}

/** The business moves its order on (pending → confirmed → shipped → completed, or cancelled). */
export async function setOrderStatus(ctx: Ctx, actor: Actor, orderId: string, status: OrderStatus): Promise<Order> {
  return ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const row = await accessOrder(tx, actor, orderId);
    if (row.business_id !== actor.accountId) throw new AppError('NOT_ORDER_BUSINESS');
    const from = row.status as OrderStatus;
    if (!ORDER_TRANSITIONS[from].includes(status)) {
      throw new AppError('ORDER_STATUS_INVALID', `An order that is ${from} cannot become ${status}.`, { from, to: status, allowed: ORDER_TRANSITIONS[from] });
    }
    await tx.updateTable('orders').set({ status, updated_at: now }).where('id', '=', row.id).execute();

    // The order message carries the status: rewrite it and tell both members.
    const msg = await tx.selectFrom('messages').selectAll().where('id', '=', row.message_id).executeTakeFirst();
    if (msg && !msg.deleted_at) {
      const content = { ...(JSON.parse(msg.content) as OrderContent), status };
      const updated = { ...msg, content: JSON.stringify(content) };
      await tx.updateTable('messages').set({ content: updated.content }).where('id', '=', msg.id).execute();
      const [message] = await withReactions(tx, [updated]);
      const members = await tx.selectFrom('chat_members').select('account_id').where('chat_id', '=', msg.chat_id).execute();
      for (const m of members) {
        if (msg.withheld === 1 && m.account_id !== msg.sender_id) continue;
        await appendUpdate(tx, emit, m.account_id, { type: 'message.updated', chatId: msg.chat_id, message: message! }, now);
      }
    }
    return toOrder({ ...row, status, updated_at: now });
  });
}
