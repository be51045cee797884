import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, openChat, signIn, WsClient, type Person } from '../helpers/clients.js';
import { newBusiness } from '../helpers/business.js';
import { makePdf, makePng, upload } from '../helpers/media-fixtures.js';
import { sendMessage } from '../../src/domain/messaging/index.js';

type Product = { id: string; name: string; price: string; priceMinor: number; currency: string; imageMediaIds: string[]; hidden: boolean; retailerId: string | null; link: string | null };
type CatalogPage = { businessName: string; products: Product[]; total: number; collections: { id: string; name: string; productIds: string[] }[] };
type Order = { id: string; status: string; total: number; currency: string; items: { name: string; quantity: number; unitPrice: number }[]; messageId: string; note: string };
type ErrorBody = { error: { code: string; details?: Record<string, unknown> } };

describe('catalog, cart and orders', () => {
  let server: TestServer;
  let shop: Person;
  let other: Person;
  let alice: Person;
  const sockets: WsClient[] = [];

  const addProduct = async (who: Person, body: Record<string, unknown>) => api<Product & ErrorBody>(server, 'POST', '/v1/business/catalog/products', { token: who.token, body });

  beforeEach(async () => {
    server = await startServer();
    shop = await newBusiness(server, { name: 'Café Lumière' });
    other = await newBusiness(server, { name: 'Other Shop' });
    alice = await signIn(server);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) await s.close();
    await server.close();
  });

  describe('products', () => {
    it('stores a product with its price in minor units of its currency', async () => {
      const res = await addProduct(shop, { name: '  Croissant ', description: 'Butter', price: '12.50', currency: 'EUR', retailerId: 'CR-1', link: 'https://example.org/croissant' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'Croissant', description: 'Butter', price: '12.50', priceMinor: 1250, currency: 'EUR', retailerId: 'CR-1', hidden: false, imageMediaIds: [] });
      const yen = await addProduct(shop, { name: 'Mochi', price: '500', currency: 'JPY' });
      expect(yen.body).toMatchObject({ priceMinor: 500, price: '500' });
      const kwd = await addProduct(shop, { name: 'Dates', price: '1.125', currency: 'kwd' });
      expect(kwd.body).toMatchObject({ priceMinor: 1125, price: '1.125', currency: 'KWD' });
      const fetched = await api<Product>(server, 'GET', `/v1/business/catalog/products/${res.body.id}`, { token: shop.token });
      expect(fetched.body.priceMinor).toBe(1250);
    });

    it('refuses prices that are not valid amounts for the currency, and unknown currencies', async () => {
      for (const [price, currency] of [
        ['12.505', 'EUR'],
        ['12.5', 'JPY'],
        ['1.1234', 'KWD'],
        ['-1', 'EUR'],
        ['abc', 'EUR'],
        ['1e3', 'EUR'],
        ['99999999999', 'EUR'],
        ['1000000000.01', 'EUR'],
      ]) {
        const res = await addProduct(shop, { name: 'X', price, currency });
        expect(res.body.error?.code, `${price} ${currency}`).toBe('PRICE_INVALID');
      }
      for (const currency of ['XYZ', 'EURO', '12']) {
        expect((await addProduct(shop, { name: 'X', price: '1', currency })).body.error.code).toBe('CURRENCY_UNKNOWN');
      }
      const list = await api<CatalogPage>(server, 'GET', '/v1/business/catalog', { token: shop.token });
      expect(list.body.total).toBe(0);
    });

    it('checks name, description and link', async () => {
      expect((await addProduct(shop, { name: '   ', price: '1', currency: 'EUR' })).body.error.code).toBe('VALIDATION_FAILED');
      expect((await addProduct(shop, { name: 'x'.repeat(201), price: '1', currency: 'EUR' })).body.error.code).toBe('VALIDATION_FAILED');
      expect((await addProduct(shop, { name: 'x'.repeat(200), price: '1', currency: 'EUR' })).status).toBe(201);
      expect((await addProduct(shop, { name: 'D', description: 'd'.repeat(1001), price: '1', currency: 'EUR' })).body.error.code).toBe('VALIDATION_FAILED');
      expect((await addProduct(shop, { name: 'L', link: 'javascript:alert(1)', price: '1', currency: 'EUR' })).body.error.code).toBe('VALIDATION_FAILED');
      expect((await addProduct(shop, { name: 'L', link: 'ftp://example.org', price: '1', currency: 'EUR' })).body.error.code).toBe('VALIDATION_FAILED');
      expect((await addProduct(shop, { name: 'L', link: 'http://example.org', price: '1', currency: 'EUR' })).status).toBe(201);
    });

    it('takes up to 10 images the business uploaded, and only images', async () => {
      const images: string[] = [];
      for (let i = 0; i < 11; i++) images.push(((await upload<{ id: string }>(server, shop.token, makePng(4, 4, i + 1), { kind: 'image', contentType: 'image/png' })).body).id);
      const ten = await addProduct(shop, { name: 'Ten', price: '1', currency: 'EUR', imageMediaIds: images.slice(0, 10) });
      expect(ten.status).toBe(201);
      expect(ten.body.imageMediaIds).toEqual(images.slice(0, 10));
      const eleven = await addProduct(shop, { name: 'Eleven', price: '1', currency: 'EUR', imageMediaIds: images });
      expect(eleven.body.error.code).toBe('TOO_MANY_IMAGES');
      expect((await api<ErrorBody>(server, 'PATCH', `/v1/business/catalog/products/${ten.body.id}`, { token: shop.token, body: { imageMediaIds: images } })).body.error.code).toBe('TOO_MANY_IMAGES');

      const pdf = (await upload<{ id: string }>(server, shop.token, makePdf(), { kind: 'document', contentType: 'application/pdf', fileName: 'a.pdf' })).body.id;
      expect((await addProduct(shop, { name: 'Doc', price: '1', currency: 'EUR', imageMediaIds: [pdf] })).body.error.code).toBe('MEDIA_NOT_IMAGE');
      // Someone else's image is not the business's to use.
      const alicesImage = (await upload<{ id: string }>(server, alice.token, makePng(4, 4, 99), { kind: 'image', contentType: 'image/png' })).body.id;
      expect((await addProduct(shop, { name: 'Stolen', price: '1', currency: 'EUR', imageMediaIds: [alicesImage] })).body.error.code).toBe('MEDIA_NOT_FOUND');
      const list = await api<CatalogPage>(server, 'GET', '/v1/business/catalog', { token: shop.token });
      expect(list.body.products.map((p) => p.name)).toEqual(['Ten']);
    });

    it('keeps retailer ids unique per catalog, not across catalogs', async () => {
      const a = await addProduct(shop, { name: 'A', price: '1', currency: 'EUR', retailerId: 'SKU-1' });
      expect((await addProduct(shop, { name: 'B', price: '1', currency: 'EUR', retailerId: 'SKU-1' })).body.error.code).toBe('RETAILER_ID_TAKEN');
      expect((await addProduct(other, { name: 'B', price: '1', currency: 'EUR', retailerId: 'SKU-1' })).status).toBe(201);
      const b = await addProduct(shop, { name: 'B', price: '1', currency: 'EUR', retailerId: 'SKU-2' });
      expect((await api<ErrorBody>(server, 'PATCH', `/v1/business/catalog/products/${b.body.id}`, { token: shop.token, body: { retailerId: 'SKU-1' } })).body.error.code).toBe('RETAILER_ID_TAKEN');
      // Keeping one's own retailer id on an edit is fine.
      expect((await api(server, 'PATCH', `/v1/business/catalog/products/${a.body.id}`, { token: shop.token, body: { retailerId: 'SKU-1', name: 'A2' } })).status).toBe(200);
      // Products without a retailer id do not clash.
      expect((await addProduct(shop, { name: 'C', price: '1', currency: 'EUR' })).status).toBe(201);
      expect((await addProduct(shop, { name: 'D', price: '1', currency: 'EUR' })).status).toBe(201);
    });

    it('edits and deletes; price and currency go together', async () => {
      const p = await addProduct(shop, { name: 'Tea', price: '3.00', currency: 'EUR' });
      const edited = await api<Product>(server, 'PATCH', `/v1/business/catalog/products/${p.body.id}`, { token: shop.token, body: { price: '450', currency: 'JPY', hidden: true } });
      expect(edited.body).toMatchObject({ priceMinor: 450, currency: 'JPY', hidden: true, name: 'Tea' });
      expect((await api<ErrorBody>(server, 'PATCH', `/v1/business/catalog/products/${p.body.id}`, { token: shop.token, body: { price: '4' } })).body.error.code).toBe('VALIDATION_FAILED');
      expect((await api(server, 'DELETE', `/v1/business/catalog/products/${p.body.id}`, { token: shop.token })).status).toBe(204);
      expect((await api<ErrorBody>(server, 'GET', `/v1/business/catalog/products/${p.body.id}`, { token: shop.token })).body.error.code).toBe('PRODUCT_NOT_FOUND');
    });

    it('holds at most 500 products', async () => {
      const db = server.parley.ctx.db;
      const now = Date.now();
      const rows = Array.from({ length: 500 }, (_, i) => ({ id: `prod_bulk${String(i).padStart(4, '0')}`, business_id: shop.accountId, name: `Bulk ${i}`, description: '', price: 100, currency: 'EUR', link: null, retailer_id: null, hidden: 0, created_at: now, updated_at: now }));
      for (let i = 0; i < rows.length; i += 100) await db.insertInto('products').values(rows.slice(i, i + 100)).execute();
      const res = await addProduct(shop, { name: 'One too many', price: '1', currency: 'EUR' });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'CATALOG_FULL', details: { limit: 500 } });
      // Another catalog is not affected.
      expect((await addProduct(other, { name: 'Fine', price: '1', currency: 'EUR' })).status).toBe(201);
      // Room again after a delete.
      expect((await api(server, 'DELETE', `/v1/business/catalog/products/prod_bulk0000`, { token: shop.token })).status).toBe(204);
      expect((await addProduct(shop, { name: 'Now fits', price: '1', currency: 'EUR' })).status).toBe(201);
    });

    it('lists with paging and searches name, description and retailer id', async () => {
      for (let i = 0; i < 7; i++) await addProduct(shop, { name: `Item ${i}`, price: '1', currency: 'EUR', description: i === 3 ? 'Made with 100% cocoa' : '', retailerId: i === 5 ? 'SKU-Blue' : null });
      const page1 = await api<CatalogPage>(server, 'GET', '/v1/business/catalog?limit=3', { token: shop.token });
      const page2 = await api<CatalogPage>(server, 'GET', '/v1/business/catalog?limit=3&offset=3', { token: shop.token });
      const page3 = await api<CatalogPage>(server, 'GET', '/v1/business/catalog?limit=3&offset=6', { token: shop.token });
      expect(page1.body.total).toBe(7);
      const names = [...page1.body.products, ...page2.body.products, ...page3.body.products].map((p) => p.name);
      expect(new Set(names).size).toBe(7);
      expect(page3.body.products).toHaveLength(1);
      expect((await api<CatalogPage>(server, 'GET', `/v1/business/catalog?q=${encodeURIComponent('100%')}`, { token: shop.token })).body.products.map((p) => p.name)).toEqual(['Item 3']);
      expect((await api<CatalogPage>(server, 'GET', '/v1/business/catalog?q=sku-blue', { token: shop.token })).body.products.map((p) => p.name)).toEqual(['Item 5']);
      expect((await api<CatalogPage>(server, 'GET', '/v1/business/catalog?q=ITEM%206', { token: shop.token })).body.products.map((p) => p.name)).toEqual(['Item 6']);
      expect((await api<CatalogPage>(server, 'GET', '/v1/business/catalog?q=_', { token: shop.token })).body.total).toBe(0);
    });

    it('is for business accounts only', async () => {
      const res = await addProduct(alice, { name: 'X', price: '1', currency: 'EUR' });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('NOT_A_BUSINESS');
      expect((await api<ErrorBody>(server, 'GET', '/v1/business/catalog', { token: alice.token })).body.error.code).toBe('NOT_A_BUSINESS');
      expect((await api<ErrorBody>(server, 'GET', `/v1/accounts/${alice.accountId}/catalog`, { token: shop.token })).body.error.code).toBe('NOT_A_BUSINESS');
    });

    it("never reaches another business's products", async () => {
      const mine = await addProduct(other, { name: 'Theirs', price: '1', currency: 'EUR' });
      for (const [method, body] of [
        ['GET', undefined],
        ['PATCH', { name: 'Hacked' }],
        ['DELETE', undefined],
      ] as const) {
        const res = await api<ErrorBody>(server, method, `/v1/business/catalog/products/${mine.body.id}`, { token: shop.token, body });
        expect(res.body.error.code, method).toBe('PRODUCT_NOT_FOUND');
      }
      // Through the wrong business's public catalog, too.
      expect((await api<ErrorBody>(server, 'GET', `/v1/accounts/${shop.accountId}/catalog/products/${mine.body.id}`, { token: alice.token })).body.error.code).toBe('PRODUCT_NOT_FOUND');
      expect((await api<ErrorBody>(server, 'POST', '/v1/business/catalog/collections', { token: shop.token, body: { name: 'Mix', productIds: [mine.body.id] } })).body.error.code).toBe('PRODUCT_NOT_FOUND');
      expect((await api<Product>(server, 'GET', `/v1/business/catalog/products/${mine.body.id}`, { token: other.token })).body.name).toBe('Theirs');
    });

    it("tells the business's other devices that the catalog changed", async () => {
      const second = await signIn(server, shop.phone, 'Second device');
      const ws = await WsClient.connect(server, second.token);
      sockets.push(ws);
      await addProduct(shop, { name: 'New', price: '1', currency: 'EUR' });
      const got = await ws.nextUpdate('business.changed');
      expect(got.update).toMatchObject({ area: 'catalog' });
    });
  });

  describe('collections and the customer view', () => {
    it('shows customers visible products only, collections in order, and hides empty ones', async () => {
      const png = (await upload<{ id: string }>(server, shop.token, makePng(4, 4, 7), { kind: 'image', contentType: 'image/png' })).body.id;
      const bread = await addProduct(shop, { name: 'Bread', price: '2.10', currency: 'EUR', imageMediaIds: [png] });
      const cake = await addProduct(shop, { name: 'Cake', price: '5', currency: 'EUR' });
      const secret = await addProduct(shop, { name: 'Secret menu', price: '9', currency: 'EUR', hidden: true });
      const bakery = await api<{ id: string; productIds: string[] }>(server, 'POST', '/v1/business/catalog/collections', { token: shop.token, body: { name: 'Bakery', productIds: [cake.body.id, bread.body.id, secret.body.id] } });
      expect(bakery.status).toBe(201);
      const hidden = await api<{ id: string }>(server, 'POST', '/v1/business/catalog/collections', { token: shop.token, body: { name: 'Only hidden', productIds: [secret.body.id] } });
      const reordered = await api<{ collections: { id: string }[] }>(server, 'PUT', '/v1/business/catalog/collections/order', { token: shop.token, body: { collectionIds: [hidden.body.id, bakery.body.id] } });
      expect(reordered.body.collections.map((c) => c.id)).toEqual([hidden.body.id, bakery.body.id]);
      expect((await api<ErrorBody>(server, 'PUT', '/v1/business/catalog/collections/order', { token: shop.token, body: { collectionIds: [bakery.body.id] } })).body.error.code).toBe('VALIDATION_FAILED');

      const seen = await api<CatalogPage>(server, 'GET', `/v1/accounts/${shop.accountId}/catalog`, { token: alice.token });
      expect(seen.body.businessName).toBe('Café Lumière');
      expect(seen.body.total).toBe(2);
      expect(seen.body.products.map((p) => p.name).sort()).toEqual(['Bread', 'Cake']);
      expect(seen.body.collections).toEqual([{ id: bakery.body.id, name: 'Bakery', position: 1, productIds: [cake.body.id, bread.body.id] }]);
      const inBakery = await api<CatalogPage>(server, 'GET', `/v1/accounts/${shop.accountId}/catalog?collectionId=${bakery.body.id}`, { token: alice.token });
      expect(inBakery.body.products.map((p) => p.name)).toEqual(['Cake', 'Bread']);
      expect((await api<CatalogPage>(server, 'GET', `/v1/accounts/${shop.accountId}/catalog?q=secret`, { token: alice.token })).body.total).toBe(0);
      expect((await api<ErrorBody>(server, 'GET', `/v1/accounts/${shop.accountId}/catalog/products/${secret.body.id}`, { token: alice.token })).body.error.code).toBe('PRODUCT_NOT_FOUND');
      expect((await api<Product>(server, 'GET', `/v1/accounts/${shop.accountId}/catalog/products/${bread.body.id}`, { token: alice.token })).body).toMatchObject({ name: 'Bread', priceMinor: 210 });
      // The business sees its hidden product in its own view.
      expect((await api<CatalogPage>(server, 'GET', '/v1/business/catalog', { token: shop.token })).body.total).toBe(3);

      // Product images load for customers (header or ?token=), only for visible products.
      const img = await fetch(`${server.url}/v1/accounts/${shop.accountId}/catalog/images/${png}?token=${alice.token}`);
      expect(img.status).toBe(200);
      expect(img.headers.get('content-type')).toBe('image/png');
      await api(server, 'PATCH', `/v1/business/catalog/products/${bread.body.id}`, { token: shop.token, body: { hidden: true } });
      expect((await fetch(`${server.url}/v1/accounts/${shop.accountId}/catalog/images/${png}?token=${alice.token}`)).status).toBe(404);
      expect((await fetch(`${server.url}/v1/accounts/${shop.accountId}/catalog/images/${png}?token=${shop.token}`)).status).toBe(200);
      expect((await fetch(`${server.url}/v1/accounts/${shop.accountId}/catalog/images/${png}`)).status).toBe(401);
    });

    it('renames, refills and deletes collections; at most 50', async () => {
      const a = await addProduct(shop, { name: 'A', price: '1', currency: 'EUR' });
      const c = await api<{ id: string }>(server, 'POST', '/v1/business/catalog/collections', { token: shop.token, body: { name: 'New' } });
      const renamed = await api<{ name: string; productIds: string[] }>(server, 'PATCH', `/v1/business/catalog/collections/${c.body.id}`, { token: shop.token, body: { name: 'Renamed', productIds: [a.body.id] } });
      expect(renamed.body).toMatchObject({ name: 'Renamed', productIds: [a.body.id] });
      expect((await api<ErrorBody>(server, 'PATCH', `/v1/business/catalog/collections/${c.body.id}`, { token: other.token, body: { name: 'X' } })).body.error.code).toBe('COLLECTION_NOT_FOUND');
      // Deleting a product takes it out of its collections.
      await api(server, 'DELETE', `/v1/business/catalog/products/${a.body.id}`, { token: shop.token });
      expect((await api<CatalogPage>(server, 'GET', '/v1/business/catalog', { token: shop.token })).body.collections[0]!.productIds).toEqual([]);
      expect((await api(server, 'DELETE', `/v1/business/catalog/collections/${c.body.id}`, { token: shop.token })).status).toBe(204);
      for (let i = 0; i < 50; i++) expect((await api(server, 'POST', '/v1/business/catalog/collections', { token: shop.token, body: { name: `C${i}` } })).status).toBe(201);
      expect((await api<ErrorBody>(server, 'POST', '/v1/business/catalog/collections', { token: shop.token, body: { name: 'C51' } })).body.error.code).toBe('COLLECTIONS_FULL');
    });
  });

  describe('sharing in a chat', () => {
    it('sends a product snapshot and a catalog card built by the server', async () => {
      const png = (await upload<{ id: string }>(server, shop.token, makePng(4, 4, 3), { kind: 'image', contentType: 'image/png' })).body.id;
      const p = await addProduct(shop, { name: 'Lamp', price: '49.90', currency: 'EUR', imageMediaIds: [png], retailerId: 'L-1' });
      const chatId = await openChat(server, shop, alice);
      const a = await WsClient.connect(server, alice.token);
      sockets.push(a);
      const shared = await api<{ kind: string; content: Record<string, unknown> }>(server, 'POST', `/v1/chats/${chatId}/catalog/share`, { token: shop.token, body: { clientId: 's1', productId: p.body.id } });
      expect(shared.status).toBe(200);
      const expected = { businessId: shop.accountId, productId: p.body.id, name: 'Lamp', price: 4990, currency: 'EUR', imageMediaId: png, retailerId: 'L-1' };
      expect(shared.body).toMatchObject({ kind: 'product', content: expected });
      expect((await a.nextUpdate('message.created')).update.message).toMatchObject({ kind: 'product', content: expected });

      const catalog = await api<{ kind: string; content: Record<string, unknown> }>(server, 'POST', `/v1/chats/${chatId}/catalog/share`, { token: shop.token, body: { clientId: 's2' } });
      expect(catalog.body).toMatchObject({ kind: 'catalog', content: { businessId: shop.accountId, businessName: 'Café Lumière', productCount: 1, imageMediaId: png } });
    });

    it('refuses sharing by a person, of a hidden or foreign product, and client-composed commerce messages', async () => {
      const chatId = await openChat(server, shop, alice);
      const hidden = await addProduct(shop, { name: 'H', price: '1', currency: 'EUR', hidden: true });
      const foreign = await addProduct(other, { name: 'F', price: '1', currency: 'EUR' });
      expect((await api<ErrorBody>(server, 'POST', `/v1/chats/${chatId}/catalog/share`, { token: alice.token, body: { clientId: 'x' } })).body.error.code).toBe('NOT_A_BUSINESS');
      expect((await api<ErrorBody>(server, 'POST', `/v1/chats/${chatId}/catalog/share`, { token: shop.token, body: { clientId: 'x', productId: hidden.body.id } })).body.error.code).toBe('PRODUCT_NOT_FOUND');
      expect((await api<ErrorBody>(server, 'POST', `/v1/chats/${chatId}/catalog/share`, { token: shop.token, body: { clientId: 'x', productId: foreign.body.id } })).body.error.code).toBe('PRODUCT_NOT_FOUND');
      // A chat the business is not in.
      const elsewhere = await openChat(server, other, alice);
      expect((await api<ErrorBody>(server, 'POST', `/v1/chats/${elsewhere}/catalog/share`, { token: shop.token, body: { clientId: 'x' } })).body.error.code).toBe('CHAT_NOT_FOUND');

      // Clients cannot send product, catalog or order messages with content of their own.
      const fake = { orderId: 'ord_fake000', businessId: shop.accountId, items: [{ productId: 'p', name: 'Free TV', quantity: 1, unitPrice: 0 }], currency: 'EUR', total: 0, note: '', status: 'completed' };
      const http = await api<ErrorBody>(server, 'POST', `/v1/chats/${chatId}/messages`, { token: alice.token, body: { clientId: 'f1', kind: 'order', content: fake } });
      expect(http.body.error.code).toBe('MESSAGE_KIND_RESERVED');
      const ws = await WsClient.connect(server, shop.token);
      sockets.push(ws);
      const frame = await ws.request({ type: 'send', chatId, clientId: 'f2', kind: 'product', content: { businessId: shop.accountId, productId: 'x', name: 'X', price: 1, currency: 'EUR', imageMediaId: null } });
      expect(frame).toMatchObject({ type: 'error', code: 'MESSAGE_KIND_RESERVED' });
      const history = await api<{ messages: unknown[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: alice.token });
      expect(history.body.messages).toHaveLength(0);
    });
  });

  describe('orders', () => {
    let chatId: string;
    let tea: Product;
    let cake: Product;

    beforeEach(async () => {
      tea = (await addProduct(shop, { name: 'Tea', price: '3.50', currency: 'EUR', retailerId: 'T1' })).body;
      cake = (await addProduct(shop, { name: 'Cake', price: '12.25', currency: 'EUR' })).body;
      chatId = await openChat(server, alice, shop);
    });

    const order = (who: Person, body: Record<string, unknown>, chat = chatId) => api<{ order: Order; message: { id: string; kind: string; content: Record<string, unknown> } } & ErrorBody>(server, 'POST', `/v1/chats/${chat}/orders`, { token: who.token, body });

    it('computes prices and the total, stores the order and sends the order message', async () => {
      const s = await WsClient.connect(server, shop.token);
      sockets.push(s);
      const res = await order(alice, { clientId: 'o1', items: [{ productId: tea.id, quantity: 2 }, { productId: cake.id, quantity: 1 }], note: 'No sugar please' });
      expect(res.status).toBe(201);
      expect(res.body.order).toMatchObject({ status: 'pending', currency: 'EUR', total: 2 * 350 + 1225, note: 'No sugar please', customerId: alice.accountId, businessId: shop.accountId });
      expect(res.body.order.items).toEqual([
        { productId: tea.id, name: 'Tea', quantity: 2, unitPrice: 350, retailerId: 'T1' },
        { productId: cake.id, name: 'Cake', quantity: 1, unitPrice: 1225 },
      ]);
      expect(res.body.message).toMatchObject({ kind: 'order', content: { orderId: res.body.order.id, total: 1925, status: 'pending', currency: 'EUR' } });
      const got = await s.nextUpdate('message.created');
      expect(got.update.message).toMatchObject({ id: res.body.message.id, kind: 'order', content: { orderId: res.body.order.id, status: 'pending' } });
      // Both parties can read it; nobody else.
      for (const who of [alice, shop]) expect((await api<Order>(server, 'GET', `/v1/orders/${res.body.order.id}`, { token: who.token })).body.total).toBe(1925);
      expect((await api<ErrorBody>(server, 'GET', `/v1/orders/${res.body.order.id}`, { token: other.token })).body.error.code).toBe('ORDER_NOT_FOUND');
      // A resend with the same clientId does not make a second order.
      const again = await order(alice, { clientId: 'o1', items: [{ productId: tea.id, quantity: 2 }, { productId: cake.id, quantity: 1 }], note: 'No sugar please' });
      expect(again.body.order.id).toBe(res.body.order.id);
      expect(await server.parley.ctx.db.selectFrom('orders').select('id').execute()).toHaveLength(1);
    });

    it('refuses hidden, deleted and foreign products, bad quantities and mixed currencies, writing nothing', async () => {
      const hidden = (await addProduct(shop, { name: 'Hidden', price: '1', currency: 'EUR', hidden: true })).body;
      const yen = (await addProduct(shop, { name: 'Yen', price: '100', currency: 'JPY' })).body;
      const foreign = (await addProduct(other, { name: 'Foreign', price: '1', currency: 'EUR' })).body;
      const cases: [Record<string, unknown>, string][] = [
        [{ items: [{ productId: tea.id, quantity: 1 }, { productId: hidden.id, quantity: 1 }] }, 'ORDER_PRODUCT_HIDDEN'],
        [{ items: [{ productId: foreign.id, quantity: 1 }] }, 'PRODUCT_NOT_FOUND'],
        [{ items: [{ productId: 'prod_nothere000', quantity: 1 }] }, 'PRODUCT_NOT_FOUND'],
        [{ items: [{ productId: tea.id, quantity: 1 }, { productId: yen.id, quantity: 1 }] }, 'ORDER_CURRENCY_MIXED'],
        [{ items: [{ productId: tea.id, quantity: 0 }] }, 'VALIDATION_FAILED'],
        [{ items: [{ productId: tea.id, quantity: 1000 }] }, 'VALIDATION_FAILED'],
        [{ items: [{ productId: tea.id, quantity: 1.5 }] }, 'VALIDATION_FAILED'],
        [{ items: [] }, 'VALIDATION_FAILED'],
        [{ items: [{ productId: tea.id, quantity: 1 }, { productId: tea.id, quantity: 2 }] }, 'VALIDATION_FAILED'],
        [{ items: [{ productId: tea.id, quantity: 1 }], note: 'n'.repeat(501) }, 'VALIDATION_FAILED'],
      ];
      for (const [i, [body, code]] of cases.entries()) expect((await order(alice, { clientId: `bad${i}`, ...body })).body.error?.code, JSON.stringify(body)).toBe(code);
      expect((await order(alice, { clientId: 'ok999', items: [{ productId: tea.id, quantity: 999 }] })).status).toBe(201);
      // Nothing half-written: one order, one message.
      expect(await server.parley.ctx.db.selectFrom('orders').select('id').execute()).toHaveLength(1);
      expect((await api<{ messages: unknown[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: alice.token })).body.messages).toHaveLength(1);
    });

    it('writes nothing when the order cannot be stored with its message (one transaction)', async () => {
      const ctx = server.parley.ctx;
      const before = await ctx.db.selectFrom('chats').select('last_seq').where('id', '=', chatId).executeTakeFirstOrThrow();
      const content = { orderId: 'ord_rollback00', businessId: shop.accountId, items: [{ productId: tea.id, name: 'Tea', quantity: 1, unitPrice: 350 }], currency: 'EUR', total: 350, note: '', status: 'pending' };
      const failing = sendMessage(ctx, { accountId: alice.accountId, deviceId: alice.deviceId }, { chatId, clientId: 'rb1', kind: 'order', content }, {
        inWrite: async (tx) => {
          await tx.updateTable('products').set({ name: 'changed' }).where('id', '=', tea.id).execute();
          throw new Error('order row could not be written');
        },
      });
      await expect(failing).rejects.toThrow('order row could not be written');
      expect((await api<{ messages: unknown[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: alice.token })).body.messages).toHaveLength(0);
      expect((await ctx.db.selectFrom('chats').select('last_seq').where('id', '=', chatId).executeTakeFirstOrThrow()).last_seq).toBe(before.last_seq);
      expect((await ctx.db.selectFrom('products').select('name').where('id', '=', tea.id).executeTakeFirstOrThrow()).name).toBe('Tea');
    });

    it('only goes from a customer to the business of the chat', async () => {
      const bob = await signIn(server);
      const withPerson = await openChat(server, alice, bob);
      expect((await order(alice, { clientId: 'x1', items: [{ productId: tea.id, quantity: 1 }] }, withPerson)).body.error.code).toBe('ORDER_CHAT_INVALID');
      // A product of the shop ordered in a chat with another business.
      const withOther = await openChat(server, alice, other);
      expect((await order(alice, { clientId: 'x2', items: [{ productId: tea.id, quantity: 1 }] }, withOther)).body.error.code).toBe('PRODUCT_NOT_FOUND');
      // The business cannot order from a customer; a stranger cannot use the chat.
      expect((await order(shop, { clientId: 'x3', items: [{ productId: tea.id, quantity: 1 }] })).body.error.code).toBe('ORDER_CHAT_INVALID');
      expect((await order(bob, { clientId: 'x4', items: [{ productId: tea.id, quantity: 1 }] })).body.error.code).toBe('CHAT_NOT_FOUND');
    });

    it('the business moves the status on and the customer sees each change live', async () => {
      const placed = (await order(alice, { clientId: 'o1', items: [{ productId: cake.id, quantity: 3 }] })).body;
      const customer = await WsClient.connect(server, alice.token);
      sockets.push(customer);
      const path = `/v1/orders/${placed.order.id}`;
      for (const status of ['confirmed', 'shipped', 'completed']) {
        const res = await api<Order>(server, 'PATCH', path, { token: shop.token, body: { status } });
        expect(res.status).toBe(200);
        expect(res.body.status).toBe(status);
        const live = await customer.nextUpdate('message.updated');
        expect(live.update.message).toMatchObject({ id: placed.message.id, kind: 'order', content: { orderId: placed.order.id, status, total: 3675 } });
      }
      expect((await api<Order>(server, 'GET', path, { token: alice.token })).body.status).toBe('completed');
      const history = await api<{ messages: { content: { status: string } }[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: alice.token });
      expect(history.body.messages[0]!.content.status).toBe('completed');
      // A completed order is final.
      const late = await api<ErrorBody>(server, 'PATCH', path, { token: shop.token, body: { status: 'cancelled' } });
      expect(late.status).toBe(409);
      expect(late.body.error).toMatchObject({ code: 'ORDER_STATUS_INVALID', details: { from: 'completed', to: 'cancelled' } });
    });

    it('refuses invalid transitions, and changes by anyone but the business', async () => {
      const placed = (await order(alice, { clientId: 'o1', items: [{ productId: tea.id, quantity: 1 }] })).body;
      const path = `/v1/orders/${placed.order.id}`;
      for (const status of ['shipped', 'completed', 'pending']) expect((await api<ErrorBody>(server, 'PATCH', path, { token: shop.token, body: { status } })).body.error.code, status).toBe('ORDER_STATUS_INVALID');
      const byCustomer = await api<ErrorBody>(server, 'PATCH', path, { token: alice.token, body: { status: 'confirmed' } });
      expect(byCustomer.status).toBe(403);
      expect(byCustomer.body.error.code).toBe('NOT_ORDER_BUSINESS');
      expect((await api<ErrorBody>(server, 'PATCH', path, { token: other.token, body: { status: 'confirmed' } })).body.error.code).toBe('ORDER_NOT_FOUND');
      expect((await api<ErrorBody>(server, 'PATCH', path, { token: shop.token, body: { status: 'lost' } })).body.error.code).toBe('VALIDATION_FAILED');
      expect((await api<Order>(server, 'GET', path, { token: shop.token })).body.status).toBe('pending');
      // Cancelled from pending, then final.
      expect((await api<Order>(server, 'PATCH', path, { token: shop.token, body: { status: 'cancelled' } })).body.status).toBe('cancelled');
      expect((await api<ErrorBody>(server, 'PATCH', path, { token: shop.token, body: { status: 'confirmed' } })).body.error.code).toBe('ORDER_STATUS_INVALID');
    });

    it('a device that was offline gets the latest status when it syncs', async () => {
      const placed = (await order(alice, { clientId: 'o1', items: [{ productId: tea.id, quantity: 1 }] })).body;
      const first = await WsClient.connect(server, alice.token);
      const cursor = first.hello.updateSeq as number;
      await first.close();
      await api(server, 'PATCH', `/v1/orders/${placed.order.id}`, { token: shop.token, body: { status: 'confirmed' } });
      const back = await WsClient.connect(server, alice.token, { sync: cursor });
      sockets.push(back);
      const got = await back.nextUpdate('message.updated');
      expect(got.update.message).toMatchObject({ id: placed.message.id, content: { status: 'confirmed' } });
    });
  });
});
