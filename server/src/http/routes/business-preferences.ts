/**
 * @module http/routes/business-preferences
 * A customer's own preferences towards a business (the messaging policy, domain/api/policy.ts):
 * read them, stop marketing messages (PUT …/marketing-opt-out) and resume them (DELETE).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Ctx } from '../../context.js';
import { requireActor } from '../auth.js';
import { getBusinessPreferences, setMarketingPreference } from '../../domain/api/index.js';

const Params = Type.Object({ businessId: Type.String({ minLength: 1, maxLength: 64 }) });

export function businessPreferenceRoutes(ctx: Ctx): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    app.addHook('onRequest', requireActor(ctx));

    app.get('/v1/business-preferences/:businessId', { schema: { params: Params } }, async (req) => getBusinessPreferences(ctx, req.actor, req.params.businessId));
    app.put('/v1/business-preferences/:businessId/marketing-opt-out', { schema: { params: Params } }, async (req) => setMarketingPreference(ctx, req.actor, req.params.businessId, 'stop'));
    app.delete('/v1/business-preferences/:businessId/marketing-opt-out', { schema: { params: Params } }, async (req) => setMarketingPreference(ctx, req.actor, req.params.businessId, 'resume'));
  };
}
