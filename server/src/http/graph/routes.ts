/**
 * @module http/graph/routes
 * The Cloud-API-compatible Graph routes (ADR 0006 point 4). An encapsulated plugin with its own
 * error handler (the Graph envelope) and its own body checks (domain/api/send.ts): each edge is
 * declared once and mounted both versioned (`/v23.0/…`, any `vNN.N`) and unversioned; trailing
 * slashes are tolerated (the server's router ignores them). The token comes from
 * `Authorization: Bearer` or the `access_token` query parameter.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Ctx } from '../../context.js';
import { authenticateApiToken, GraphError, handleMessagesPost, unknownNode, type ApiPrincipal } from '../../domain/api/index.js';
import type { GraphNodeKind } from '../../domain/api/ids.js';
import { MAX_MEDIA_BYTES } from '../../domain/media/index.js';
import { installGraphErrorHandling } from './errors.js';
import { cloudApiOpenApi } from './openapi.js';
import { getCatalogNode, registerCatalogRoutes } from './catalog.js';
import { mediaNodeHandlers, registerMediaRoutes } from './media.js';
import { registerTemplateRoutes, templateNodeHandlers } from './templates.js';
import { MANAGE_NODE_HANDLERS, registerManageRoutes } from './manage.js';

const VERSION = ':version(^v\\d+\\.\\d+$)';
/** Graph node ids are numeric: the constraint keeps unversioned `/{id}` routes off the web app's paths. */
const NODE = ':nodeId(^\\d{6,20}$)';

export type GraphMethod = 'GET' | 'POST' | 'DELETE';
export type Mount = (method: GraphMethod, path: string, handler: RouteHandlerMethod) => void;

/** A Graph node the token's WABA owns, as found in graph_nodes. */
export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  /** The Parley row it stands for. */
  ref: string;
  wabaId: string;
}

export type NodeHandler = (ctx: Ctx, principal: ApiPrincipal, node: GraphNode, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/**
 * `GET|POST|DELETE /{id}` per node kind (reference §2): each area adds its kind here. A kind or a
 * method without a handler answers like an unknown node (100, subcode 33).
 */
const NODE_HANDLERS: Partial<Record<GraphNodeKind, Partial<Record<GraphMethod, NodeHandler>>>> = {
  catalog: { GET: getCatalogNode },
  media: mediaNodeHandlers,
  template: templateNodeHandlers,
  waba: MANAGE_NODE_HANDLERS.waba,
  phone_number: MANAGE_NODE_HANDLERS.phone_number,
};

/** `METHOD /path` of every Graph route mounted (unversioned form): the OpenAPI test checks each is documented. */
export const MOUNTED_GRAPH_ROUTES = new Set<string>();

/** Edges of other areas (`/{pnid}/media`, `/{waba_id}/message_templates` …): each adds its register function here. */
const EDGE_ROUTES: ((ctx: Ctx, mount: Mount) => void)[] = [registerCatalogRoutes, registerMediaRoutes, registerTemplateRoutes, registerManageRoutes];

declare module 'fastify' {
  interface FastifyRequest {
    apiPrincipal: ApiPrincipal;
  }
}

/** The access token of a request: `Authorization: Bearer|OAuth …`, else the `access_token` query parameter. */
export function tokenOf(authorization: string | undefined, query: unknown): string | null {
  if (authorization) {
    const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(authorization.trim());
    if (m) return m[1]!.trim();
  }
  const q = (query as Record<string, unknown> | undefined)?.access_token;
  return typeof q === 'string' && q !== '' ? q : null;
}

/** The principal of an access token, or the Graph error a missing (104) or bad (190) token gets. */
export async function principalOf(ctx: Ctx, token: string | null): Promise<ApiPrincipal> {
  if (!token) throw new GraphError(104, 'An access token is required.');
  const principal = await authenticateApiToken(ctx, token);
  if (!principal) throw new GraphError(190, 'The access token is not valid or was revoked.');
  return principal;
}

export function graphRoutes(ctx: Ctx): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    installGraphErrorHandling(app);
    // multipart/form-data bodies (media uploads) reach handlers unread, as parts; the per-kind
    // size limit is enforced while streaming (domain/api/media.ts).
    await app.register(multipart, { limits: { fileSize: MAX_MEDIA_BYTES + 1, files: 1, fields: 20, fieldSize: 64 * 1024, parts: 25 } });

    const auth = async (request: FastifyRequest) => {
      request.apiPrincipal = await principalOf(ctx, tokenOf(request.headers.authorization, request.query));
    };

    const both = (method: 'GET' | 'POST' | 'DELETE', path: string, handler: RouteHandlerMethod) => {
      MOUNTED_GRAPH_ROUTES.add(`${method} ${path}`);
      for (const url of [`/${VERSION}${path}`, path]) app.route({ method, url, preHandler: auth, handler });
    };

    // The OpenAPI document of these routes (public, like the rest of the API documentation).
    app.get('/v1/openapi/cloud-api.json', async () => cloudApiOpenApi());

    both('POST', '/:phoneNumberId/messages', async (req) => {
      const { phoneNumberId } = req.params as { phoneNumberId: string };
      return handleMessagesPost(ctx, req.apiPrincipal, phoneNumberId, req.body);
    });

    for (const register of EDGE_ROUTES) register(ctx, both);

    for (const method of ['GET', 'POST', 'DELETE'] as const) {
      both(method, `/${NODE}`, async (req, reply) => {
        const { nodeId } = req.params as { nodeId: string };
        const row = await ctx.db.selectFrom('graph_nodes').selectAll().where('id', '=', nodeId).executeTakeFirst();
        // Another WABA's node looks exactly like a missing one.
        if (!row || row.waba_id !== req.apiPrincipal.wabaId) throw unknownNode(method, nodeId);
        const handler = NODE_HANDLERS[row.kind as GraphNodeKind]?.[method];
        if (!handler) throw unknownNode(method, nodeId);
        return handler(ctx, req.apiPrincipal, { id: row.id, kind: row.kind as GraphNodeKind, ref: row.ref, wabaId: row.waba_id }, req, reply);
      });
    }

    // Anything else under a version prefix is a Graph path we do not serve (yet).
    app.all(`/${VERSION}/*`, async (req) => {
      const rest = (req.params as Record<string, string>)['*'] ?? '';
      throw new GraphError(2500, '', { message: `Unknown path components: /${rest}` });
    });
  };
}
