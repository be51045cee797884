/**
 * @module http/routes
 * Registers the HTTP route plugins of each area (auth is registered by app.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Ctx } from '../../context.js';
import { chatRoutes } from './chats.js';
import { mediaRoutes } from './media.js';
import { accountRoutes } from './accounts.js';
import { reachRoutes } from './reach.js';
import { commerceRoutes } from './commerce.js';
import { businessToolsRoutes } from './business-tools.js';
import { businessRoutes } from './business.js';
import { adminRoutes } from './admin.js';
import { businessApiRoutes } from './business-api.js';
import { businessApiTemplateRoutes } from './business-api-templates.js';
import { mediaDownloadRoutes } from '../graph/media.js';
import { apiAssetRoutes } from '../graph/manage.js';
import { businessPreferenceRoutes } from './business-preferences.js';
import { businessApiHealthRoutes } from './business-api-health.js';

export function registerRoutes(ctx: Ctx): FastifyPluginAsync {
  return async (app) => {
    await app.register(chatRoutes(ctx));
    await app.register(mediaRoutes(ctx));
    await app.register(accountRoutes(ctx));
    await app.register(reachRoutes(ctx));
    await app.register(commerceRoutes(ctx));
    await app.register(businessToolsRoutes(ctx));
    await app.register(businessRoutes(ctx));
    await app.register(adminRoutes(ctx));
    await app.register(businessApiRoutes(ctx));
    await app.register(businessApiTemplateRoutes(ctx));
    // Business API media download URLs (signed; no token, any Host).
    await app.register(mediaDownloadRoutes(ctx));
    await app.register(apiAssetRoutes(ctx));
    await app.register(businessPreferenceRoutes(ctx));
    await app.register(businessApiHealthRoutes(ctx));
  };
}
