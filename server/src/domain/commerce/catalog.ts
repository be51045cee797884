/**
 * @module domain/commerce/catalog
 * A business's catalog: products (name, description, price in minor units of an ISO 4217
 * currency, up to 10 images the business uploaded, link, retailer id unique per catalog, hidden or
 * shown) and collections (named, ordered, with ordered products). At most 500 products and 50
 * collections. The business manages its own catalog only; customers see visible products only.
 * Every change tells the business's other devices (`business.changed`, area `catalog`).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { CATALOG_LIMITS, isKnownCurrency, parsePrice, type CatalogPage, type Collection, type Product } from '#contracts/commerce.js';
import { AppError } from '../../errors.js';
import { newId } from '../../platform/ids.js';
import type { Actor, Ctx } from '../../context.js';
import type { DB, ProductsTable } from '../../tables.js';
import { notifyBusinessChanged } from '../messaging/index.js';
import { collectionsOf, withImages } from './views.js';

export const CATALOG_AREA = 'catalog';

// ---- who is a business --------------------------------------------------------------------------

/** The business's name, or NOT_A_BUSINESS (ACCOUNT_NOT_FOUND when there is no such account). */
export async function accessBusiness(db: Kysely<DB>, accountId: string): Promise<{ id: string; name: string }> {
  const row = await db
    .selectFrom('accounts as a')
    .leftJoin('business_profiles as b', 'b.account_id', 'a.id')
    .select(['a.id', 'a.kind', 'a.display_name', 'b.name as business_name', 'b.account_id as profile_id'])
    .where('a.id', '=', accountId)
    .executeTakeFirst();
  if (!row) throw new AppError('ACCOUNT_NOT_FOUND');
  if (row.kind !== 'business' || !row.profile_id) throw new AppError('NOT_A_BUSINESS');
  return { id: row.id, name: row.business_name || row.display_name };
}

/** The actor's own business; NOT_A_BUSINESS for a person. */
export async function checkBusinessActor(db: Kysely<DB>, actor: Actor): Promise<{ id: string; name: string }> {
  return accessBusiness(db, actor.accountId);
}

/** A product of this business (any visibility); PRODUCT_NOT_FOUND for another business's. */
export async function accessOwnProduct(db: Kysely<DB>, businessId: string, productId: string): Promise<ProductsTable> {
  const row = await db.selectFrom('products').selectAll().where('id', '=', productId).where('business_id', '=', businessId).executeTakeFirst();
  if (!row) throw new AppError('PRODUCT_NOT_FOUND');
  return row;
}

// ---- input checks -------------------------------------------------------------------------------

export interface ProductInput {
  name?: string | undefined;
  description?: string | undefined;
  /** Decimal string in major units ("12.50"); with `currency`. */
  price?: string | undefined;
  currency?: string | undefined;
  imageMediaIds?: string[] | undefined;
  link?: string | null | undefined;
  retailerId?: string | null | undefined;
  hidden?: boolean | undefined;
}

interface CheckedProduct {
  name?: string;
  description?: string;
  price?: number;
  currency?: string;
  imageMediaIds?: string[];
  link?: string | null;
  retailerId?: string | null;
  hidden?: boolean;
}

function checkProductInput(input: ProductInput, creating: boolean): CheckedProduct {
  const out: CheckedProduct = {};
  if (input.name !== undefined || creating) {
    const name = (input.name ?? '').trim();
    if (!name || [...name].length > CATALOG_LIMITS.name) throw new AppError('VALIDATION_FAILED', `A product name has 1 to ${CATALOG_LIMITS.name} characters.`, { path: 'name' });
    out.name = name;
  }
  if (input.description !== undefined) {
    const d = input.description.trim();
    if ([...d].length > CATALOG_LIMITS.description) throw new AppError('VALIDATION_FAILED', `A description has at most ${CATALOG_LIMITS.description} characters.`, { path: 'description' });
    out.description = d;
  }
  if (creating || input.price !== undefined || input.currency !== undefined) {
    if (input.price === undefined || input.currency === undefined) throw new AppError('VALIDATION_FAILED', 'Give price and currency together.', { path: input.price === undefined ? 'price' : 'currency' });
    const currency = input.currency.trim().toUpperCase();
    if (!isKnownCurrency(currency)) throw new AppError('CURRENCY_UNKNOWN', `"${input.currency}" is not a known ISO 4217 currency code.`, { currency: input.currency });
    const price = parsePrice(input.price, currency);
    if (price === null) throw new AppError('PRICE_INVALID', `"${input.price}" is not a valid amount in ${currency}.`, { price: input.price, currency });
    out.price = price;
    out.currency = currency;
  }
  if (input.imageMediaIds !== undefined) {
    if (input.imageMediaIds.length > CATALOG_LIMITS.images) throw new AppError('TOO_MANY_IMAGES', undefined, { limit: CATALOG_LIMITS.images });
    if (new Set(input.imageMediaIds).size !== input.imageMediaIds.length) throw new AppError('VALIDATION_FAILED', 'An image is listed twice.', { path: 'imageMediaIds' });
    out.imageMediaIds = input.imageMediaIds;
  }
  if (input.link !== undefined) {
    const link = input.link?.trim() || null;
    if (link !== null) {
      const url = URL.canParse(link) ? new URL(link) : null;
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new AppError('VALIDATION_FAILED', 'The link must be an http or https address.', { path: 'link' });
    }
    out.link = link;
  }
  if (input.retailerId !== undefined) {
    const r = input.retailerId?.trim() || null;
    if (r !== null && r.length > CATALOG_LIMITS.retailerId) throw new AppError('VALIDATION_FAILED', `A retailer id has at most ${CATALOG_LIMITS.retailerId} characters.`, { path: 'retailerId' });
    out.retailerId = r;
  }
  if (input.hidden !== undefined) out.hidden = input.hidden;
  return out;
}

/** Each image must be media the business uploaded, and an image. */
async function checkImages(tx: Transaction<DB>, businessId: string, mediaIds: string[]): Promise<void> {
  if (mediaIds.length === 0) return;
  const rows = await tx.selectFrom('media').select(['id', 'kind', 'uploader_id']).where('id', 'in', mediaIds).execute();
  for (const id of mediaIds) {
    const m = rows.find((r) => r.id === id);
    if (!m || m.uploader_id !== businessId) throw new AppError('MEDIA_NOT_FOUND', `No media ${id} uploaded by this business.`, { mediaId: id });
    if (m.kind !== 'image') throw new AppError('MEDIA_NOT_IMAGE', `Media ${id} is ${m.kind}, not an image.`, { mediaId: id });
  }
}

async function checkRetailerIdFree(tx: Transaction<DB>, businessId: string, retailerId: string | null | undefined, productId: string | null): Promise<void> {
  if (!retailerId) return;
  let q = tx.selectFrom('products').select('id').where('business_id', '=', businessId).where('retailer_id', '=', retailerId);
  if (productId) q = q.where('id', '!=', productId);
  if (await q.executeTakeFirst()) throw new AppError('RETAILER_ID_TAKEN', `Another product already has the retailer id "${retailerId}".`, { retailerId });
}

async function replaceImages(tx: Transaction<DB>, productId: string, mediaIds: string[]): Promise<void> {
  await tx.deleteFrom('product_images').where('product_id', '=', productId).execute();
  if (mediaIds.length) await tx.insertInto('product_images').values(mediaIds.map((media_id, position) => ({ product_id: productId, position, media_id }))).execute();
}

// ---- products -----------------------------------------------------------------------------------

export async function createProduct(ctx: Ctx, actor: Actor, input: ProductInput): Promise<Product> {
  const p = checkProductInput(input, true);
  return ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const business = await checkBusinessActor(tx, actor);
    const count = await tx.selectFrom('products').select((eb) => eb.fn.countAll<number>().as('n')).where('business_id', '=', business.id).executeTakeFirstOrThrow();
    if (Number(count.n) >= CATALOG_LIMITS.products) throw new AppError('CATALOG_FULL', undefined, { limit: CATALOG_LIMITS.products });
    await checkImages(tx, business.id, p.imageMediaIds ?? []);
    await checkRetailerIdFree(tx, business.id, p.retailerId, null);
    const row: ProductsTable = {
      id: newId('prod'),
      business_id: business.id,
      name: p.name!,
      description: p.description ?? '',
      price: p.price!,
      currency: p.currency!,
      link: p.link ?? null,
      retailer_id: p.retailerId ?? null,
      hidden: p.hidden ? 1 : 0,
      created_at: now,
      updated_at: now,
    };
    await tx.insertInto('products').values(row).execute();
    await replaceImages(tx, row.id, p.imageMediaIds ?? []);
    await notifyBusinessChanged(tx, emit, business.id, CATALOG_AREA, now);
    return (await withImages(tx, [row]))[0]!;
  });
}

export async function updateProduct(ctx: Ctx, actor: Actor, productId: string, input: ProductInput): Promise<Product> {
  const p = checkProductInput(input, false);
  return ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const business = await checkBusinessActor(tx, actor);
    const row = await accessOwnProduct(tx, business.id, productId);
    if (p.imageMediaIds) await checkImages(tx, business.id, p.imageMediaIds);
    await checkRetailerIdFree(tx, business.id, p.retailerId, row.id);
    const next: ProductsTable = {
      ...row,
      ...(p.name !== undefined && { name: p.name }),
      ...(p.description !== undefined && { description: p.description }),
      ...(p.price !== undefined && { price: p.price, currency: p.currency! }),
      ...(p.link !== undefined && { link: p.link }),
      ...(p.retailerId !== undefined && { retailer_id: p.retailerId }),
      ...(p.hidden !== undefined && { hidden: p.hidden ? 1 : 0 }),
      updated_at: now,
    };
    await tx
      .updateTable('products')
      .set({ name: next.name, description: next.description, price: next.price, currency: next.currency, link: next.link, retailer_id: next.retailer_id, hidden: next.hidden, updated_at: now })
      .where('id', '=', row.id)
      .execute();
    if (p.imageMediaIds) await replaceImages(tx, row.id, p.imageMediaIds);
    await notifyBusinessChanged(tx, emit, business.id, CATALOG_AREA, now);
    return (await withImages(tx, [next]))[0]!;
  });
}

export async function deleteProduct(ctx: Ctx, actor: Actor, productId: string): Promise<void> {
  await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const business = await checkBusinessActor(tx, actor);
    const row = await accessOwnProduct(tx, business.id, productId);
    await tx.deleteFrom('collection_products').where('product_id', '=', row.id).execute();
    await tx.deleteFrom('product_images').where('product_id', '=', row.id).execute();
    await tx.deleteFrom('products').where('id', '=', row.id).execute();
    await notifyBusinessChanged(tx, emit, business.id, CATALOG_AREA, now);
  });
}

// ---- reading ------------------------------------------------------------------------------------

export interface CatalogQuery {
  /** Matches name, description or retailer id (case-insensitive substring). */
  q?: string | undefined;
  collectionId?: string | undefined;
  offset?: number | undefined;
  limit?: number | undefined;
}

async function readCatalog(db: Kysely<DB>, business: { id: string; name: string }, query: CatalogQuery, visibleOnly: boolean): Promise<CatalogPage> {
  const offset = Math.max(0, query.offset ?? 0);
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 100);
  const collections = await collectionsOf(db, business.id, visibleOnly);
  let base = db.selectFrom('products as p').where('p.business_id', '=', business.id);
  if (visibleOnly) base = base.where('p.hidden', '=', 0);
  const q = query.q?.trim().toLowerCase();
  if (q) {
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    base = base.where(
      sql<boolean>`(lower(p.name) like ${pattern} escape '\\' or lower(p.description) like ${pattern} escape '\\' or lower(coalesce(p.retailer_id, '')) like ${pattern} escape '\\')`,
    );
  }
  let rows: ProductsTable[];
  let total: number;
  if (query.collectionId) {
    // Inside a collection: the collection's order, and only products it holds.
    const collection = await db.selectFrom('collections').select('id').where('id', '=', query.collectionId).where('business_id', '=', business.id).executeTakeFirst();
    if (!collection) throw new AppError('COLLECTION_NOT_FOUND');
    const inCollection = base.innerJoin('collection_products as cp', 'cp.product_id', 'p.id').where('cp.collection_id', '=', collection.id);
    total = Number((await inCollection.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    rows = await inCollection.selectAll('p').orderBy('cp.position').offset(offset).limit(limit).execute();
  } else {
    total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    rows = await base.selectAll('p').orderBy('p.created_at', 'desc').orderBy('p.id', 'desc').offset(offset).limit(limit).execute();
  }
  return { businessId: business.id, businessName: business.name, products: await withImages(db, rows), total, offset, limit, collections };
}

/** The business's own catalog, hidden products included. */
export async function getOwnCatalog(ctx: Ctx, actor: Actor, query: CatalogQuery): Promise<CatalogPage> {
  const business = await checkBusinessActor(ctx.db, actor);
  return readCatalog(ctx.db, business, query, false);
}

export async function getOwnProduct(ctx: Ctx, actor: Actor, productId: string): Promise<Product> {
  const business = await checkBusinessActor(ctx.db, actor);
  return (await withImages(ctx.db, [await accessOwnProduct(ctx.db, business.id, productId)]))[0]!;
}

/** A business's catalog as anyone sees it: visible products only (the business itself sees everything). */
export async function getCatalog(ctx: Ctx, actor: Actor, businessId: string, query: CatalogQuery): Promise<CatalogPage> {
  const business = await accessBusiness(ctx.db, businessId);
  return readCatalog(ctx.db, business, query, actor.accountId !== business.id);
}

/** One product of a business; hidden ones (and other businesses' ones) are PRODUCT_NOT_FOUND to customers. */
export async function getProduct(ctx: Ctx, actor: Actor, businessId: string, productId: string): Promise<Product> {
  const business = await accessBusiness(ctx.db, businessId);
  const row = await accessOwnProduct(ctx.db, business.id, productId);
  if (row.hidden === 1 && actor.accountId !== business.id) throw new AppError('PRODUCT_NOT_FOUND');
  return (await withImages(ctx.db, [row]))[0]!;
}

/**
 * Media of a product image a viewer may load: an image of a visible product of `businessId`
 * (any product when the viewer is the business). MEDIA_NOT_FOUND otherwise.
 */
export async function accessCatalogImage(ctx: Ctx, actor: Actor, businessId: string, mediaId: string): Promise<{ sha256: string; mimeType: string; size: number }> {
  let q = ctx.db
    .selectFrom('product_images as pi')
    .innerJoin('products as p', 'p.id', 'pi.product_id')
    .innerJoin('media as m', 'm.id', 'pi.media_id')
    .select(['m.sha256', 'm.mime_type', 'm.size'])
    .where('pi.media_id', '=', mediaId)
    .where('p.business_id', '=', businessId);
  if (actor.accountId !== businessId) q = q.where('p.hidden', '=', 0);
  const row = await q.limit(1).executeTakeFirst();
  if (!row) throw new AppError('MEDIA_NOT_FOUND');
  return { sha256: row.sha256, mimeType: row.mime_type, size: row.size };
}

// ---- collections --------------------------------------------------------------------------------

export interface CollectionInput {
  name?: string | undefined;
  productIds?: string[] | undefined;
}

function checkCollectionName(name: string | undefined): string {
  const n = (name ?? '').trim();
  if (!n || [...n].length > CATALOG_LIMITS.collectionName) throw new AppError('VALIDATION_FAILED', `A collection name has 1 to ${CATALOG_LIMITS.collectionName} characters.`, { path: 'name' });
  return n;
}

async function setCollectionProducts(tx: Transaction<DB>, businessId: string, collectionId: string, productIds: string[]): Promise<void> {
  if (new Set(productIds).size !== productIds.length) throw new AppError('VALIDATION_FAILED', 'A product is listed twice.', { path: 'productIds' });
  if (productIds.length) {
    const own = await tx.selectFrom('products').select('id').where('business_id', '=', businessId).where('id', 'in', productIds).execute();
    const missing = productIds.find((id) => !own.some((o) => o.id === id));
    if (missing) throw new AppError('PRODUCT_NOT_FOUND', undefined, { productId: missing });
  }
  await tx.deleteFrom('collection_products').where('collection_id', '=', collectionId).execute();
  if (productIds.length) await tx.insertInto('collection_products').values(productIds.map((product_id, position) => ({ collection_id: collectionId, product_id, position }))).execute();
}

async function accessOwnCollection(tx: Transaction<DB>, businessId: string, collectionId: string) {
  const row = await tx.selectFrom('collections').selectAll().where('id', '=', collectionId).where('business_id', '=', businessId).executeTakeFirst();
  if (!row) throw new AppError('COLLECTION_NOT_FOUND');
  return row;
}

async function ownCollection(tx: Transaction<DB>, businessId: string, collectionId: string): Promise<Collection> {
  const all = await collectionsOf(tx, businessId, false);
  return all.find((c) => c.id === collectionId)!;
}

export async function createCollection(ctx: Ctx, actor: Actor, input: CollectionInput): Promise<Collection> {
  const name = checkCollectionName(input.name);
  return ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const business = await checkBusinessActor(tx, actor);
    const existing = await tx.selectFrom('collections').select('position').where('business_id', '=', business.id).execute();
    if (existing.length >= CATALOG_LIMITS.collections) throw new AppError('COLLECTIONS_FULL', undefined, { limit: CATALOG_LIMITS.collections });
    const id = newId('coll');
    const position = existing.reduce((max, c) => Math.max(max, c.position + 1), 0);
    await tx.insertInto('collections').values({ id, business_id: business.id, name, position, created_at: now, updated_at: now }).execute();
    await setCollectionProducts(tx, business.id, id, input.productIds ?? []);
    await notifyBusinessChanged(tx, emit, business.id, CATALOG_AREA, now);
    return ownCollection(tx, business.id, id);
  });
}

export async function updateCollection(ctx: Ctx, actor: Actor, collectionId: string, input: CollectionInput): Promise<Collection> {
  const name = input.name !== undefined ? checkCollectionName(input.name) : undefined;
  return ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const business = await checkBusinessActor(tx, actor);
    const row = await accessOwnCollection(tx, business.id, collectionId);
    await tx
      .updateTable('collections')
      .set({ name: name ?? row.name, updated_at: now })
      .where('id', '=', row.id)
      .execute();
    if (input.productIds) await setCollectionProducts(tx, business.id, row.id, input.productIds);
    await notifyBusinessChanged(tx, emit, business.id, CATALOG_AREA, now);
    return ownCollection(tx, business.id, row.id);
  });
}

export async function deleteCollection(ctx: Ctx, actor: Actor, collectionId: string): Promise<void> {
  await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const business = await checkBusinessActor(tx, actor);
    const row = await accessOwnCollection(tx, business.id, collectionId);
    await tx.deleteFrom('collection_products').where('collection_id', '=', row.id).execute();
    await tx.deleteFrom('collections').where('id', '=', row.id).execute();
    await notifyBusinessChanged(tx, emit, business.id, CATALOG_AREA, now);
  });
}

/** Put the collections in this order; the list must name each collection exactly once. */
export async function reorderCollections(ctx: Ctx, actor: Actor, collectionIds: string[]): Promise<Collection[]> {
  return ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const business = await checkBusinessActor(tx, actor);
    const all = await tx.selectFrom('collections').select('id').where('business_id', '=', business.id).execute();
    const same = all.length === collectionIds.length && new Set(collectionIds).size === collectionIds.length && all.every((c) => collectionIds.includes(c.id));
    if (!same) throw new AppError('VALIDATION_FAILED', 'List every collection of the catalog exactly once.', { path: 'collectionIds' });
    for (const [position, id] of collectionIds.entries()) await tx.updateTable('collections').set({ position, updated_at: now }).where('id', '=', id).execute();
    await notifyBusinessChanged(tx, emit, business.id, CATALOG_AREA, now);
    return collectionsOf(tx, business.id, false);
  });
}
