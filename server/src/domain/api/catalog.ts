/**
 * @module domain/api/catalog
 * The business's catalog on the API (reference §9.3). A Parley business has exactly one catalog
 * (domain/commerce); on the API it is a graph node of kind `catalog` (ref: the business account),
 * minted the first time it is asked for (`GET /{waba_id}/product_catalogs`, `GET /{catalog_id}`).
 * Product and product-list messages name it by that `catalog_id` and their items by
 * `product_retailer_id`: the product's retailer id (SKU), or for a product without one its Parley
 * product id. Only visible products can be sent.
 */
import type { Kysely } from 'kysely';
import type { ProductItem } from '#contracts/content.js';
import type { Ctx } from '../../context.js';
import type { DB, ProductsTable } from '../../tables.js';
import { imagesOf } from '../commerce/views.js';
import { GraphError } from './graph-error.js';
import { apiCatalogId } from './ids.js';

export { apiCatalogId };

export interface ApiCatalog {
  id: string;
  name: string;
  product_count: number;
}

/** The catalog of the WABA's business (id created on first use), as the Graph shows it. */
export async function getApiCatalog(ctx: Ctx, wabaId: string): Promise<ApiCatalog> {
  const waba = await ctx.db.selectFrom('wabas').select(['account_id', 'name']).where('id', '=', wabaId).executeTakeFirstOrThrow();
  const existing = await ctx.db.selectFrom('graph_nodes').select('id').where('kind', '=', 'catalog').where('ref', '=', waba.account_id).where('waba_id', '=', wabaId).executeTakeFirst();
  const id = existing?.id ?? (await ctx.writes.run((tx) => apiCatalogId(tx, wabaId, waba.account_id, ctx.clock.now())));
  const count = await ctx.db.selectFrom('products').select((eb) => eb.fn.countAll<number>().as('n')).where('business_id', '=', waba.account_id).where('hidden', '=', 0).executeTakeFirstOrThrow();
  return { id, name: `${waba.name} catalog`, product_count: Number(count.n) };
}

/** A `catalog_id` of a request: this business's catalog node, else 131009. */
export async function checkApiCatalog(db: Kysely<DB>, wabaId: string, businessId: string, catalogId: string, param: string): Promise<void> {
  const row = /^\d{6,20}$/.test(catalogId)
    ? await db.selectFrom('graph_nodes').select('ref').where('id', '=', catalogId).where('kind', '=', 'catalog').where('waba_id', '=', wabaId).executeTakeFirst()
    : undefined;
  if (!row || row.ref !== businessId) throw new GraphError(131009, `Param ${param} (${catalogId.slice(0, 40)}) is not the catalog of this business; GET /{waba_id}/product_catalogs gives its id.`);
}

/**
 * The business's visible products named by retailer id (or Parley product id), as snapshots in the
 * order asked; 131009 naming the first unknown or hidden one.
 */
export async function productItems(db: Kysely<DB>, businessId: string, wanted: { retailerId: string; param: string }[]): Promise<ProductItem[]> {
  const keys = [...new Set(wanted.map((w) => w.retailerId))];
  const rows: ProductsTable[] = keys.length
    ? await db
        .selectFrom('products')
        .selectAll()
        .where('business_id', '=', businessId)
        .where((eb) => eb.or([eb('retailer_id', 'in', keys), eb.and([eb('id', 'in', keys), eb('retailer_id', 'is', null)])]))
        .execute()
    : [];
  const byKey = new Map<string, ProductsTable>();
  for (const r of rows) byKey.set(r.retailer_id ?? r.id, r);
  const images = await imagesOf(
    db,
    rows.map((r) => r.id),
  );
  return wanted.map((w) => {
    const row = byKey.get(w.retailerId);
    if (!row) throw new GraphError(131009, `Param ${w.param} (${w.retailerId.slice(0, 100)}) is not a product of this business's catalog.`);
    if (row.hidden === 1) throw new GraphError(131009, `Param ${w.param} (${w.retailerId.slice(0, 100)}) is a hidden product; show it in the catalog before sending it.`);
    const item: ProductItem = { productId: row.id, name: row.name, price: row.price, currency: row.currency, imageMediaId: images.get(row.id)?.[0] ?? null };
    if (row.retailer_id) item.retailerId = row.retailer_id;
    return item;
  });
}
