/**
 * @module http/routes/commerce
 * Catalog, cart and orders: the business's own catalog under /v1/business/catalog, a business's
 * public catalog under /v1/accounts/{businessId}/catalog, sharing in a chat, orders. Thin: each
 * route validates its input, resolves the device token and calls one domain function.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CATALOG_LIMITS, ORDER_STATUSES } from '#contracts/commerce.js';
import type { Ctx } from '../../context.js';
import { AppError } from '../../errors.js';
import { authenticate } from '../../domain/accounts/index.js';
import { etagOf, noneMatchHits, openBlob } from '../../domain/media/index.js';
import {
  accessCatalogImage,
  createCollection,
  createProduct,
  deleteCollection,
  deleteProduct,
  getCatalog,
  getOrder,
  getOwnCatalog,
  getOwnProduct,
  getProduct,
  placeOrder,
  reorderCollections,
  setOrderStatus,
  shareCatalog,
  updateCollection,
  updateProduct,
} from '../../domain/commerce/index.js';
import { bearerToken, requireActor } from '../auth.js';

const IdParam = Type.String({ minLength: 1, maxLength: 64 });
const ClientId = Type.String({ minLength: 1, maxLength: 64 });

const ProductFields = {
  name: Type.String({ maxLength: 400 }),
  description: Type.String({ maxLength: 2000 }),
  price: Type.String({ maxLength: 40, description: 'Decimal amount in major units, e.g. "12.50"' }),
  currency: Type.String({ maxLength: 8, description: 'ISO 4217 code, e.g. "EUR"' }),
  // The limit of 10 is a domain rule (TOO_MANY_IMAGES); the schema only bounds the body.
  imageMediaIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 }),
  link: Type.Union([Type.Null(), Type.String({ maxLength: CATALOG_LIMITS.link })]),
  retailerId: Type.Union([Type.Null(), Type.String({ maxLength: 200 })]),
  hidden: Type.Boolean(),
};

const CatalogQuerySchema = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    collectionId: Type.Optional(IdParam),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);

const CollectionBody = {
  name: Type.String({ maxLength: 200 }),
  productIds: Type.Array(IdParam, { maxItems: CATALOG_LIMITS.products }),
};

export function commerceRoutes(ctx: Ctx): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    // Product images load in <img>, which cannot send headers: the token may ride in `?token=`.
    app.get(
      '/v1/accounts/:businessId/catalog/images/:mediaId',
      {
        schema: { params: Type.Object({ businessId: IdParam, mediaId: IdParam }), querystring: Type.Object({ token: Type.Optional(Type.String({ maxLength: 200 })) }) },
        onRequest: async (req: FastifyRequest) => {
          const token = bearerToken(req) ?? (req.query as { token?: string }).token ?? null;
          const actor = token ? await authenticate(ctx, token) : null;
          if (!actor) throw new AppError('UNAUTHENTICATED');
          req.actor = actor;
        },
      },
      async (req, reply) => {
        const image = await accessCatalogImage(ctx, req.actor, req.params.businessId, req.params.mediaId);
        const etag = etagOf(image.sha256);
        void reply.headers({ etag, 'cache-control': 'private, max-age=86400', 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'; sandbox" });
        if (noneMatchHits(req.headers['if-none-match'], etag)) return reply.status(304).send();
        void reply.headers({ 'content-type': image.mimeType, 'content-length': String(image.size) });
        return reply.send(await openBlob(ctx.mediaDir, image.sha256, { start: 0, end: image.size - 1 }));
      },
    );

    await app.register(async (scoped) => {
      const r = scoped.withTypeProvider<TypeBoxTypeProvider>();
      r.addHook('onRequest', requireActor(ctx));

      // ---- the business's own catalog --------------------------------------------------------------

      r.get('/v1/business/catalog', { schema: { querystring: CatalogQuerySchema } }, async (req) => getOwnCatalog(ctx, req.actor, req.query));

      r.post(
        '/v1/business/catalog/products',
        {
          schema: {
            body: Type.Object(
              {
                name: ProductFields.name,
                price: ProductFields.price,
                currency: ProductFields.currency,
                description: Type.Optional(ProductFields.description),
                imageMediaIds: Type.Optional(ProductFields.imageMediaIds),
                link: Type.Optional(ProductFields.link),
                retailerId: Type.Optional(ProductFields.retailerId),
                hidden: Type.Optional(ProductFields.hidden),
              },
              { additionalProperties: false },
            ),
          },
        },
        async (req, reply) => reply.status(201).send(await createProduct(ctx, req.actor, req.body)),
      );

      const ProductParams = Type.Object({ productId: IdParam });
      r.get('/v1/business/catalog/products/:productId', { schema: { params: ProductParams } }, async (req) => getOwnProduct(ctx, req.actor, req.params.productId));

      r.patch(
        '/v1/business/catalog/products/:productId',
        { schema: { params: ProductParams, body: Type.Partial(Type.Object(ProductFields), { additionalProperties: false, minProperties: 1 }) } },
        async (req) => updateProduct(ctx, req.actor, req.params.productId, req.body),
      );

      r.delete('/v1/business/catalog/products/:productId', { schema: { params: ProductParams } }, async (req, reply) => {
        await deleteProduct(ctx, req.actor, req.params.productId);
        return reply.status(204).send();
      });

      r.post(
        '/v1/business/catalog/collections',
        { schema: { body: Type.Object({ name: CollectionBody.name, productIds: Type.Optional(CollectionBody.productIds) }, { additionalProperties: false }) } },
        async (req, reply) => reply.status(201).send(await createCollection(ctx, req.actor, req.body)),
      );

      r.put(
        '/v1/business/catalog/collections/order',
        { schema: { body: Type.Object({ collectionIds: Type.Array(IdParam, { maxItems: CATALOG_LIMITS.collections }) }, { additionalProperties: false }) } },
        async (req) => ({ collections: await reorderCollections(ctx, req.actor, req.body.collectionIds) }),
      );

      const CollectionParams = Type.Object({ collectionId: IdParam });
      r.patch(
        '/v1/business/catalog/collections/:collectionId',
        { schema: { params: CollectionParams, body: Type.Partial(Type.Object(CollectionBody), { additionalProperties: false, minProperties: 1 }) } },
        async (req) => updateCollection(ctx, req.actor, req.params.collectionId, req.body),
      );

      r.delete('/v1/business/catalog/collections/:collectionId', { schema: { params: CollectionParams } }, async (req, reply) => {
        await deleteCollection(ctx, req.actor, req.params.collectionId);
        return reply.status(204).send();
      });

      // ---- a business's catalog as customers see it ------------------------------------------------

      r.get(
        '/v1/accounts/:businessId/catalog',
        { schema: { params: Type.Object({ businessId: IdParam }), querystring: CatalogQuerySchema } },
        async (req) => getCatalog(ctx, req.actor, req.params.businessId, req.query),
      );

      r.get(
        '/v1/accounts/:businessId/catalog/products/:productId',
        { schema: { params: Type.Object({ businessId: IdParam, productId: IdParam }) } },
        async (req) => getProduct(ctx, req.actor, req.params.businessId, req.params.productId),
      );

      // ---- sharing and orders --------------------------------------------------------------------

      const ChatParams = Type.Object({ chatId: IdParam });
      r.post(
        '/v1/chats/:chatId/catalog/share',
        { schema: { params: ChatParams, body: Type.Object({ clientId: ClientId, productId: Type.Optional(IdParam) }, { additionalProperties: false }) } },
        async (req) => shareCatalog(ctx, req.actor, req.params.chatId, req.body),
      );

      r.post(
        '/v1/chats/:chatId/orders',
        {
          schema: {
            params: ChatParams,
            body: Type.Object(
              {
                clientId: ClientId,
                items: Type.Array(
                  Type.Object({ productId: IdParam, quantity: Type.Integer({ minimum: 1, maximum: CATALOG_LIMITS.quantity }) }, { additionalProperties: false }),
                  { minItems: 1, maxItems: CATALOG_LIMITS.orderItems },
                ),
                note: Type.Optional(Type.String({ maxLength: CATALOG_LIMITS.note })),
              },
              { additionalProperties: false },
            ),
          },
        },
        async (req, reply) => reply.status(201).send(await placeOrder(ctx, req.actor, req.params.chatId, req.body)),
      );

      const OrderParams = Type.Object({ orderId: IdParam });
      r.get('/v1/orders/:orderId', { schema: { params: OrderParams } }, async (req) => getOrder(ctx, req.actor, req.params.orderId));

      r.patch(
        '/v1/orders/:orderId',
        { schema: { params: OrderParams, body: Type.Object({ status: Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s))) }, { additionalProperties: false }) } },
        async (req) => setOrderStatus(ctx, req.actor, req.params.orderId, req.body.status),
      );
    });
  };
}
