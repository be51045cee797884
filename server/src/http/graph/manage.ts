/**
 * @module http/graph/manage
 * Management edges and nodes of the Graph layer (reference §9, §6.1): thin handlers over
 * domain/api/manage. `registerManageRoutes` is listed in EDGE_ROUTES, `MANAGE_NODE_HANDLERS` in
 * NODE_HANDLERS (routes.ts). `apiAssetRoutes` serves, without a token, what the Cloud API serves from
 * public URLs: QR images of `message_qrdls` codes and the business's profile picture.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../context.js';
import { AppError } from '../../errors.js';
import { etagOf, noneMatchHits, openBlob } from '../../domain/media/index.js';
import {
  blockUsers,
  deleteQrCode,
  deregisterNumber,
  formatFields,
  getApiBusinessProfile,
  getCommerceSettings,
  getPhoneNumber,
  getWaba,
  listBlockedUsers,
  listPhoneNumbers,
  listQrCodes,
  listSubscribedApps,
  parseFields,
  profilePicture,
  qrImage,
  registerNumber,
  saveQrCode,
  subscribeApp,
  unblockUsers,
  unsubscribeApp,
  updateApiBusinessProfile,
  updateCommerceSettings,
  updatePhoneNumber,
  type BlockAnswer,
} from '../../domain/api/manage/index.js';
import type { GraphNodeKind } from '../../domain/api/ids.js';
import { isAnalyticsField, wabaAnalyticsFields } from '../../domain/api/analytics.js';
import { graphEnvelope } from './errors.js';
import type { GraphMethod, Mount, NodeHandler } from './routes.js';

type Q = Record<string, unknown>;

/** The base of absolute links: PARLEY_PUBLIC_URL, else the request's own origin. */
export function publicBase(ctx: Ctx, req: FastifyRequest): string {
  const configured = ctx.config.PARLEY_PUBLIC_URL.replace(/\/+$/, '');
  return configured || `${req.protocol}://${req.host}`;
}

const requestUrl = (ctx: Ctx, req: FastifyRequest) => new URL(req.url, publicBase(ctx, req) + '/');
const query = (req: FastifyRequest) => (req.query ?? {}) as Q;

function sendBlockAnswer(reply: FastifyReply, a: BlockAnswer) {
  if (!a.error) return reply.send(a.body);
  return reply.status(a.error.status).send({ ...a.body, ...graphEnvelope(a.error) });
}

/** `GET|POST /{id}` of the WABA and phone number nodes. */
export const MANAGE_NODE_HANDLERS: Partial<Record<GraphNodeKind, Partial<Record<GraphMethod, NodeHandler>>>> = {
  waba: {
    // The analytics fields (`analytics.start(…)…`) are answered by domain/api/analytics, the rest by the WABA object.
    GET: async (ctx, principal, node, req) => {
      const q = query(req);
      const fields = parseFields(q.fields);
      const analytics = fields?.filter((f) => isAnalyticsField(f.name)) ?? [];
      if (analytics.length === 0) return getWaba(ctx, principal, node.id, q);
      const rest = fields!.filter((f) => !isAnalyticsField(f.name));
      const waba = await getWaba(ctx, principal, node.id, { ...q, fields: rest.length > 0 ? formatFields(rest) : 'id' });
      return { ...waba, ...(await wabaAnalyticsFields(ctx, principal, node.id, analytics)) };
    },
  },
  phone_number: {
    GET: (ctx, principal, node, req) => getPhoneNumber(ctx, principal, node.id, query(req)),
    POST: (ctx, principal, node, req) => updatePhoneNumber(ctx, principal, node.id, query(req), req.body),
  },
};

export function registerManageRoutes(ctx: Ctx, mount: Mount): void {
  const p = (req: FastifyRequest) => req.params as { id: string; code?: string };

  // ---- WABA edges
  mount('GET', '/:id/phone_numbers', async (req) => listPhoneNumbers(ctx, req.apiPrincipal, p(req).id, query(req), requestUrl(ctx, req)));
  mount('GET', '/:id/subscribed_apps', async (req) => listSubscribedApps(ctx, req.apiPrincipal, p(req).id, publicBase(ctx, req)));
  mount('POST', '/:id/subscribed_apps', async (req) => subscribeApp(ctx, req.apiPrincipal, p(req).id, query(req), req.body));
  mount('DELETE', '/:id/subscribed_apps', async (req) => unsubscribeApp(ctx, req.apiPrincipal, p(req).id, query(req), req.body));

  // ---- phone number edges
  mount('POST', '/:id/register', async (req) => registerNumber(ctx, req.apiPrincipal, p(req).id, query(req), req.body));
  mount('POST', '/:id/deregister', async (req) => deregisterNumber(ctx, req.apiPrincipal, p(req).id, query(req), req.body));

  mount('GET', '/:id/whatsapp_business_profile', async (req) => getApiBusinessProfile(ctx, req.apiPrincipal, p(req).id, query(req), publicBase(ctx, req)));
  mount('POST', '/:id/whatsapp_business_profile', async (req) => updateApiBusinessProfile(ctx, req.apiPrincipal, p(req).id, query(req), req.body));

  mount('GET', '/:id/block_users', async (req) => listBlockedUsers(ctx, req.apiPrincipal, p(req).id, query(req), requestUrl(ctx, req)));
  mount('POST', '/:id/block_users', async (req, reply) => sendBlockAnswer(reply, await blockUsers(ctx, req.apiPrincipal, p(req).id, query(req), req.body)));
  mount('DELETE', '/:id/block_users', async (req, reply) => sendBlockAnswer(reply, await unblockUsers(ctx, req.apiPrincipal, p(req).id, query(req), req.body)));

  mount('GET', '/:id/message_qrdls', async (req) => {
    const code = query(req).code;
    return listQrCodes(ctx, req.apiPrincipal, p(req).id, typeof code === 'string' ? code : undefined, publicBase(ctx, req));
  });
  mount('GET', '/:id/message_qrdls/:code', async (req) => listQrCodes(ctx, req.apiPrincipal, p(req).id, p(req).code, publicBase(ctx, req)));
  mount('POST', '/:id/message_qrdls', async (req) => saveQrCode(ctx, req.apiPrincipal, p(req).id, undefined, query(req), req.body, publicBase(ctx, req)));
  mount('POST', '/:id/message_qrdls/:code', async (req) => saveQrCode(ctx, req.apiPrincipal, p(req).id, p(req).code, query(req), req.body, publicBase(ctx, req)));
  mount('DELETE', '/:id/message_qrdls/:code', async (req) => deleteQrCode(ctx, req.apiPrincipal, p(req).id, p(req).code!));

  mount('GET', '/:id/whatsapp_commerce_settings', async (req) => getCommerceSettings(ctx, req.apiPrincipal, p(req).id));
  mount('POST', '/:id/whatsapp_commerce_settings', async (req) => updateCommerceSettings(ctx, req.apiPrincipal, p(req).id, query(req), req.body));
}

/** Public assets of the API tier (no token): QR images and profile pictures. */
export function apiAssetRoutes(ctx: Ctx): FastifyPluginAsync {
  return async (app) => {
    app.get('/v1/api-assets/qr/:file', async (req, reply) => {
      const { file } = req.params as { file: string };
      const image = await qrImage(ctx, file, publicBase(ctx, req));
      if (!image) throw new AppError('LINK_NOT_FOUND');
      return reply
        .type(image.type === 'png' ? 'image/png' : 'image/svg+xml; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .send(image.data);
    });

    app.get('/v1/api-assets/profile-pictures/:phoneNumberId', async (req, reply) => {
      const { phoneNumberId } = req.params as { phoneNumberId: string };
      const photo = await profilePicture(ctx, phoneNumberId);
      if (!photo) throw new AppError('MEDIA_NOT_FOUND', 'This number has no public profile picture.');
      const etag = etagOf(photo.sha256);
      void reply.headers({ etag, 'cache-control': 'public, max-age=300', 'x-content-type-options': 'nosniff' });
      if (noneMatchHits(req.headers['if-none-match'], etag)) return reply.status(304).send();
      return reply.type(photo.mimeType).header('content-length', String(photo.size)).send(await openBlob(ctx.mediaDir, photo.sha256, { start: 0, end: photo.size - 1 }));
    });
  };
}
