/**
 * @module http/graph/catalog
 * The business's catalog on the Graph (domain/api/catalog.ts): `GET /{waba_id}/product_catalogs`
 * lists it (`{"data":[{"id","name","product_count"}]}`) and `GET /{catalog_id}` shows it. Its id is
 * the `catalog_id` of product and product-list messages.
 */
import type { Ctx } from '../../context.js';
import { getApiCatalog } from '../../domain/api/catalog.js';
import { unknownNode } from '../../domain/api/index.js';
import type { Mount, NodeHandler } from './routes.js';

export function registerCatalogRoutes(ctx: Ctx, mount: Mount): void {
  mount('GET', '/:wabaId/product_catalogs', async (req) => {
    const { wabaId } = req.params as { wabaId: string };
    // Another WABA's id answers like a missing node.
    if (wabaId !== req.apiPrincipal.wabaId) throw unknownNode('GET', wabaId);
    return { data: [await getApiCatalog(ctx, wabaId)] };
  });
}

export const getCatalogNode: NodeHandler = async (ctx, _principal, node) => getApiCatalog(ctx, node.wabaId);
