/**
 * @module http/routes/business-api-health
 * The owner's view of the Business API number's health (Parley auth, a business with API access):
 * quality rating, messaging-limit tier and usage, throughput and the recent changes
 * (domain/api/quality.ts). Read by the web app's business settings.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Ctx } from '../../context.js';
import { requireActor } from '../auth.js';
import { getNumberHealth } from '../../domain/api/index.js';

const Tier = Type.Union(['TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED'].map((t) => Type.Literal(t)));

const NumberHealth = Type.Object({
  phoneNumberId: Type.String(),
  displayPhoneNumber: Type.String(),
  status: Type.Union([Type.Literal('CONNECTED'), Type.Literal('FLAGGED'), Type.Literal('RESTRICTED')]),
  quality: Type.Object({
    rating: Type.Union(['GREEN', 'YELLOW', 'RED', 'UNKNOWN'].map((r) => Type.Literal(r))),
    since: Type.Union([Type.Number(), Type.Null()]),
    blocks7d: Type.Integer(),
    reports7d: Type.Integer(),
    businessInitiated7d: Type.Integer(),
  }),
  messagingLimit: Type.Object({ tier: Tier, limit: Type.Union([Type.Integer(), Type.Null()]), used24h: Type.Integer(), nextTier: Type.Union([Tier, Type.Null()]) }),
  throughputPerSecond: Type.Integer(),
  history: Type.Array(Type.Object({ at: Type.Number(), event: Type.Union(['UPGRADE', 'DOWNGRADE', 'FLAGGED', 'UNFLAGGED'].map((e) => Type.Literal(e))), detail: Type.String() })),
});

export function businessApiHealthRoutes(ctx: Ctx): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    app.addHook('onRequest', requireActor(ctx));
    app.get(
      '/v1/business/api/health',
      { schema: { tags: ['business-api'], summary: "The API number's quality rating, messaging limit and their recent changes", response: { 200: NumberHealth } } },
      async (req) => getNumberHealth(ctx, req.actor),
    );
  };
}
