/**
 * @module domain/commerce/views
 * Row → API object mappers for products, collections and orders, and the loads they need.
 */
import type { Kysely } from 'kysely';
import { minorToDecimal, type Collection, type Order, type OrderItem, type OrderStatus, type Product } from '#contracts/commerce.js';
import type { CollectionsTable, DB, OrdersTable, ProductsTable } from '../../tables.js';

export function toProduct(row: ProductsTable, imageMediaIds: string[]): Product {
  return {
    id: row.id,
    businessId: row.business_id,
    name: row.name,
    description: row.description,
    price: minorToDecimal(row.price, row.currency),
    priceMinor: row.price,
    currency: row.currency,
    imageMediaIds,
    link: row.link,
    retailerId: row.retailer_id,
    hidden: row.hidden === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Image media ids of the given products, each list in position order. */
export async function imagesOf(db: Kysely<DB>, productIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (productIds.length === 0) return out;
  const rows = await db.selectFrom('product_images').selectAll().where('product_id', 'in', productIds).orderBy('product_id').orderBy('position').execute();
  for (const r of rows) {
    let list = out.get(r.product_id);
    if (!list) out.set(r.product_id, (list = []));
    list.push(r.media_id);
  }
  return out;
}

export async function withImages(db: Kysely<DB>, rows: ProductsTable[]): Promise<Product[]> {
  const images = await imagesOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toProduct(r, images.get(r.id) ?? []));
}

/**
 * The collections of a business in order. With `visibleOnly`, each lists only visible products
 * and collections left empty are omitted (what a customer sees).
 */
export async function collectionsOf(db: Kysely<DB>, businessId: string, visibleOnly: boolean): Promise<Collection[]> {
  const collections: CollectionsTable[] = await db.selectFrom('collections').selectAll().where('business_id', '=', businessId).orderBy('position').orderBy('id').execute();
  if (collections.length === 0) return [];
  let q = db
    .selectFrom('collection_products as cp')
    .innerJoin('products as p', 'p.id', 'cp.product_id')
    .select(['cp.collection_id', 'cp.product_id'])
    .where(
      'cp.collection_id',
      'in',
      collections.map((c) => c.id),
    )
    .orderBy('cp.collection_id')
    .orderBy('cp.position');
  if (visibleOnly) q = q.where('p.hidden', '=', 0);
  const members = new Map<string, string[]>();
  for (const r of await q.execute()) {
    let list = members.get(r.collection_id);
    if (!list) members.set(r.collection_id, (list = []));
    list.push(r.product_id);
  }
  return collections
    .map((c) => ({ id: c.id, name: c.name, position: c.position, productIds: members.get(c.id) ?? [] }))
    .filter((c) => !visibleOnly || c.productIds.length > 0);
}

export function toOrder(row: OrdersTable): Order {
  return {
    id: row.id,
    businessId: row.business_id,
    customerId: row.customer_id,
    chatId: row.chat_id,
    messageId: row.message_id,
    items: JSON.parse(row.items) as OrderItem[],
    currency: row.currency,
    total: row.total,
    note: row.note,
    status: row.status as OrderStatus,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
