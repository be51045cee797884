/**
 * The commerce endpoints (catalog, sharing, orders) over the app's typed fetch helper, and the URL
 * of a product image (the token rides in the query string so <img> can load it).
 */
import type { CatalogPage, Collection, Order, OrderStatus, Product } from '#contracts/commerce.js';
import type { Message } from '#contracts/models.js';
import { store } from '../../lib/store.js';

export interface ProductDraft {
  name: string;
  description: string;
  price: string;
  currency: string;
  imageMediaIds: string[];
  link: string | null;
  retailerId: string | null;
  hidden: boolean;
}

export interface CatalogQuery {
  q?: string | undefined;
  collectionId?: string | undefined;
  offset?: number | undefined;
  limit?: number | undefined;
}

const enc = encodeURIComponent;

function qs(query: CatalogQuery): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export const commerceApi = {
  ownCatalog: (query: CatalogQuery = {}) => store.api.request<CatalogPage>('GET', `/v1/business/catalog${qs(query)}`),
  createProduct: (draft: ProductDraft) => store.api.request<Product>('POST', '/v1/business/catalog/products', draft),
  updateProduct: (id: string, patch: Partial<ProductDraft>) => store.api.request<Product>('PATCH', `/v1/business/catalog/products/${enc(id)}`, patch),
  deleteProduct: (id: string) => store.api.request<void>('DELETE', `/v1/business/catalog/products/${enc(id)}`),
  createCollection: (name: string, productIds: string[]) => store.api.request<Collection>('POST', '/v1/business/catalog/collections', { name, productIds }),
  updateCollection: (id: string, patch: { name?: string; productIds?: string[] }) => store.api.request<Collection>('PATCH', `/v1/business/catalog/collections/${enc(id)}`, patch),
  deleteCollection: (id: string) => store.api.request<void>('DELETE', `/v1/business/catalog/collections/${enc(id)}`),
  reorderCollections: (collectionIds: string[]) => store.api.request<{ collections: Collection[] }>('PUT', '/v1/business/catalog/collections/order', { collectionIds }),

  catalog: (businessId: string, query: CatalogQuery = {}) => store.api.request<CatalogPage>('GET', `/v1/accounts/${enc(businessId)}/catalog${qs(query)}`),
  product: (businessId: string, productId: string) => store.api.request<Product>('GET', `/v1/accounts/${enc(businessId)}/catalog/products/${enc(productId)}`),

  share: (chatId: string, clientId: string, productId?: string) => store.api.request<Message>('POST', `/v1/chats/${enc(chatId)}/catalog/share`, productId ? { clientId, productId } : { clientId }),
  placeOrder: (chatId: string, clientId: string, items: { productId: string; quantity: number }[], note: string) =>
    store.api.request<{ order: Order; message: Message }>('POST', `/v1/chats/${enc(chatId)}/orders`, { clientId, items, note }),
  order: (orderId: string) => store.api.request<Order>('GET', `/v1/orders/${enc(orderId)}`),
  setOrderStatus: (orderId: string, status: OrderStatus) => store.api.request<Order>('PATCH', `/v1/orders/${enc(orderId)}`, { status }),
};

/** A product image any viewer of the catalog may load. */
export function catalogImageUrl(businessId: string, mediaId: string): string {
  const token = store.get().session?.token;
  return `/v1/accounts/${enc(businessId)}/catalog/images/${enc(mediaId)}${token ? `?token=${enc(token)}` : ''}`;
}
