/**
 * @module domain/commerce
 * Public surface of commerce: a business's catalog (products, collections), sharing it in chats,
 * and orders with their status.
 */
export {
  accessBusiness,
  accessCatalogImage,
  createCollection,
  createProduct,
  deleteCollection,
  deleteProduct,
  getCatalog,
  getOwnCatalog,
  getOwnProduct,
  getProduct,
  reorderCollections,
  updateCollection,
  updateProduct,
  CATALOG_AREA,
  type CatalogQuery,
  type CollectionInput,
  type ProductInput,
} from './catalog.js';
export { getOrder, placeOrder, setOrderStatus, shareCatalog, type OrderInput, type ShareInput } from './orders.js';
