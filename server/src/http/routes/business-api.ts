/**
 * @module http/routes/business-api
 * The owner's set-up of the Business API (Parley auth, business accounts only): turn API access
 * on, apps, access tokens, the webhook subscription of an app (verified before it is saved) and
 * its recent deliveries. The Cloud-API-compatible endpoints themselves live in http/graph.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Ctx } from '../../context.js';
import { requireActor } from '../auth.js';
import { createApp, enableApi, getApiState, issueToken, listDeliveries, MAX_WEBHOOK_BATCH, revokeToken, setWebhook } from '../../domain/api/index.js';

const AppParams = Type.Object({ appId: Type.String({ maxLength: 32 }) });

export function businessApiRoutes(ctx: Ctx): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    app.addHook('onRequest', requireActor(ctx));
    const tags = ['business-api'];

    app.get('/v1/business/api', async (req) => getApiState(ctx, req.actor));

    app.post('/v1/business/api/enable', async (req) => enableApi(ctx, req.actor));

    app.post(
      '/v1/business/api/apps',
      { schema: { tags, summary: 'Create an app (the app secret is shown once)', body: Type.Object({ name: Type.String({ maxLength: 200 }) }, { additionalProperties: false }) } },
      async (req) => createApp(ctx, req.actor, req.body),
    );

    app.post(
      '/v1/business/api/tokens',
      {
        schema: {
          tags,
          summary: 'Issue an access token (shown once, stored hashed)',
          body: Type.Object(
            { name: Type.Optional(Type.String({ maxLength: 200 })), scopes: Type.Array(Type.String({ maxLength: 32 }), { maxItems: 4 }) },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => issueToken(ctx, req.actor, req.body),
    );

    app.delete(
      '/v1/business/api/tokens/:tokenId',
      { schema: { tags, summary: 'Revoke an access token', params: Type.Object({ tokenId: Type.String({ maxLength: 64 }) }) } },
      async (req) => revokeToken(ctx, req.actor, req.params.tokenId),
    );

    app.put(
      '/v1/business/api/apps/:appId/webhook',
      {
        schema: {
          tags,
          summary: 'Set the webhook subscription of an app (after the hub.challenge handshake)',
          params: AppParams,
          body: Type.Object(
            {
              callbackUrl: Type.String({ minLength: 1, maxLength: 2000 }),
              verifyToken: Type.String({ minLength: 1, maxLength: 200 }),
              batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_WEBHOOK_BATCH })),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => setWebhook(ctx, req.actor, req.params.appId, req.body),
    );

    app.get(
      '/v1/business/api/apps/:appId/deliveries',
      { schema: { tags, summary: 'Recent webhook deliveries of an app', params: AppParams, querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }) } },
      async (req) => listDeliveries(ctx, req.actor, req.params.appId, req.query),
    );
  };
}
