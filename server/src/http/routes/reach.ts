/**
 * @module http/routes/reach
 * The business's short link and QR code, the public resolution of a link, statistics, broadcast
 * lists and broadcasts. Thin: each route validates its input and calls one domain function.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { MESSAGE_KINDS } from '#contracts/models.js';
import { Broadcast, BroadcastList, BusinessStats, LinkTarget, ShortLink } from '#contracts/reach.js';
import type { Ctx } from '../../context.js';
import { requireActor } from '../auth.js';
import {
  createBroadcastList,
  deleteBroadcastList,
  getBroadcastList,
  getShortLink,
  getStats,
  listBroadcastLists,
  listBroadcasts,
  resetShortLink,
  resolveShortLink,
  sendBroadcast,
  shortLinkQr,
  updateBroadcastList,
  updateShortLinkText,
} from '../../domain/reach/index.js';

const ListParams = Type.Object({ listId: Type.String({ minLength: 1, maxLength: 64 }) });
const Phones = Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { maxItems: 1024 });
const DateParam = Type.String({ maxLength: 10, description: 'YYYY-MM-DD' });

/** The base of absolute links: PARLEY_PUBLIC_URL, else the request's own origin. */
function baseUrl(ctx: Ctx, req: FastifyRequest): string {
  const configured = ctx.config.PARLEY_PUBLIC_URL.replace(/\/+$/, '');
  return configured || `${req.protocol}://${req.host}`;
}

export function reachRoutes(ctx: Ctx): FastifyPluginAsync {
  return async (root) => {
    // ---- public: resolving a link (signed in or not) -----------------------------------------
    await root.register(async (fastify) => {
      const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
      app.get(
        '/v1/links/:code',
        {
          // Codes are unguessable; the limit keeps anyone from trying many.
          config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
          schema: {
            tags: ['reach'],
            summary: 'The business a short link leads to, and its prefilled text',
            params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) }),
            response: { 200: LinkTarget },
          },
        },
        async (req) => resolveShortLink(ctx, req.params.code),
      );
    });

    // ---- the business's own reach tools --------------------------------------------------------
    await root.register(async (fastify) => {
      const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
      app.addHook('onRequest', requireActor(ctx));

      app.get('/v1/business/short-link', { schema: { tags: ['reach'], summary: 'My short link', response: { 200: ShortLink } } }, async (req) =>
        getShortLink(ctx, req.actor, baseUrl(ctx, req)),
      );

      app.patch(
        '/v1/business/short-link',
        {
          schema: {
            tags: ['reach'],
            summary: 'Change the prefilled text of my short link',
            // The 140-character limit is the domain's (a clear PREFILLED_TEXT_TOO_LONG); this only bounds the input.
            body: Type.Object({ prefilledText: Type.String({ maxLength: 4096 }) }, { additionalProperties: false }),
            response: { 200: ShortLink },
          },
        },
        async (req) => updateShortLinkText(ctx, req.actor, req.body.prefilledText, baseUrl(ctx, req)),
      );

      app.post('/v1/business/short-link/reset', { schema: { tags: ['reach'], summary: 'Replace my short link with a new one', response: { 200: ShortLink } } }, async (req) =>
        resetShortLink(ctx, req.actor, baseUrl(ctx, req)),
      );

      app.get('/v1/business/short-link/qr.png', async (req, reply) => {
        const { link, data } = await shortLinkQr(ctx, req.actor, baseUrl(ctx, req), 'png');
        return reply
          .type('image/png')
          .header('content-disposition', `attachment; filename="parley-link-${link.code}.png"`)
          .header('cache-control', 'no-store')
          .send(data);
      });

      app.get('/v1/business/short-link/qr.svg', async (req, reply) => {
        const { link, data } = await shortLinkQr(ctx, req.actor, baseUrl(ctx, req), 'svg');
        return reply
          .type('image/svg+xml; charset=utf-8')
          .header('content-disposition', `attachment; filename="parley-link-${link.code}.svg"`)
          .header('cache-control', 'no-store')
          .send(data);
      });

      app.get(
        '/v1/business/stats',
        {
          schema: {
            tags: ['reach'],
            summary: 'Messages sent, delivered, read and received per day (business time zone)',
            querystring: Type.Object({ from: DateParam, to: DateParam }, { additionalProperties: false }),
            response: { 200: BusinessStats },
          },
        },
        async (req) => getStats(ctx, req.actor, req.query.from, req.query.to),
      );

      app.get(
        '/v1/business/broadcast-lists',
        { schema: { tags: ['reach'], summary: 'My broadcast lists', response: { 200: Type.Object({ lists: Type.Array(BroadcastList) }) } } },
        async (req) => ({ lists: await listBroadcastLists(ctx, req.actor) }),
      );

      app.post(
        '/v1/business/broadcast-lists',
        {
          schema: {
            tags: ['reach'],
            summary: 'Create a broadcast list',
            body: Type.Object({ name: Type.String({ maxLength: 256 }), phones: Phones }, { additionalProperties: false }),
            response: { 201: BroadcastList },
          },
        },
        async (req, reply) => reply.status(201).send(await createBroadcastList(ctx, req.actor, req.body)),
      );

      app.get('/v1/business/broadcast-lists/:listId', { schema: { tags: ['reach'], summary: 'One broadcast list', params: ListParams, response: { 200: BroadcastList } } }, async (req) =>
        getBroadcastList(ctx, req.actor, req.params.listId),
      );

      app.patch(
        '/v1/business/broadcast-lists/:listId',
        {
          schema: {
            tags: ['reach'],
            summary: 'Rename a broadcast list or replace its recipients',
            params: ListParams,
            body: Type.Object({ name: Type.Optional(Type.String({ maxLength: 256 })), phones: Type.Optional(Phones) }, { additionalProperties: false, minProperties: 1 }),
            response: { 200: BroadcastList },
          },
        },
        async (req) => updateBroadcastList(ctx, req.actor, req.params.listId, req.body),
      );

      app.delete('/v1/business/broadcast-lists/:listId', { schema: { tags: ['reach'], summary: 'Delete a broadcast list', params: ListParams } }, async (req, reply) => {
        await deleteBroadcastList(ctx, req.actor, req.params.listId);
        return reply.status(204).send();
      });

      app.post(
        '/v1/business/broadcast-lists/:listId/broadcasts',
        {
          schema: {
            tags: ['reach'],
            summary: 'Send a broadcast: separate 1:1 messages to the recipients who saved my number',
            params: ListParams,
            body: Type.Object(
              {
                clientId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
                kind: Type.Union(MESSAGE_KINDS.map((k) => Type.Literal(k))),
                content: Type.Record(Type.String(), Type.Unknown()),
                mediaId: Type.Optional(Type.String({ maxLength: 64 })),
              },
              { additionalProperties: false },
            ),
            response: { 200: Broadcast, 201: Broadcast },
          },
        },
        async (req, reply) => {
          const { broadcast, duplicate } = await sendBroadcast(ctx, req.actor, req.params.listId, req.body);
          return reply.status(duplicate ? 200 : 201).send(broadcast);
        },
      );

      app.get(
        '/v1/business/broadcast-lists/:listId/broadcasts',
        {
          schema: {
            tags: ['reach'],
            summary: 'Broadcasts sent to a list, newest first',
            params: ListParams,
            querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }, { additionalProperties: false }),
            response: { 200: Type.Object({ broadcasts: Type.Array(Broadcast) }) },
          },
        },
        async (req) => ({ broadcasts: await listBroadcasts(ctx, req.actor, req.params.listId, req.query.limit) }),
      );
    });
  };
}
