/**
 * @module http/routes/business-api-analytics
 * The owner's analytics of the Business API (Parley auth, a business with API access):
 * conversations and messages per day of the business's time zone and per pricing category.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiAnalytics } from '#contracts/api-analytics.js';
import type { Ctx } from '../../context.js';
import { requireActor } from '../auth.js';
import { getApiAnalytics } from '../../domain/api/analytics.js';

const Instant = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000, description: 'epoch milliseconds' });

export function businessApiAnalyticsRoutes(ctx: Ctx): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    app.addHook('onRequest', requireActor(ctx));

    app.get(
      '/v1/business/api/analytics',
      {
        schema: {
          tags: ['business-api'],
          summary: 'Conversations and messages per day (business time zone) and category, at most 90 days',
          querystring: Type.Object({ from: Instant, to: Instant }, { additionalProperties: false }),
          response: { 200: ApiAnalytics },
        },
      },
      async (req) => getApiAnalytics(ctx, req.actor, req.query.from, req.query.to),
    );
  };
}
