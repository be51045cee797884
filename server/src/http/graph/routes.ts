/**
 * @module http/graph/routes
 * The Cloud-API-compatible Graph routes (ADR 0006 point 4). An encapsulated plugin with its own
 * error handler (the Graph envelope) and its own body checks (domain/api/send.ts): each edge is
 * declared once and mounted both versioned (`/v23.0/…`, any `vNN.N`) and unversioned; trailing
 * slashes are tolerated (the server's router ignores them). The token comes from
 * `Authorization: Bearer` or the `access_token` query parameter.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Ctx } from '../../context.js';
import { authenticateApiToken, GraphError, handleMessagesPost, type ApiPrincipal } from '../../domain/api/index.js';
import { installGraphErrorHandling } from './errors.js';

const VERSION = ':version(^v\\d+\\.\\d+$)';

declare module 'fastify' {
  interface FastifyRequest {
    apiPrincipal: ApiPrincipal;
  }
}

function tokenOf(request: FastifyRequest): string | null {
  const h = request.headers.authorization;
  if (h) {
    const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(h.trim());
    if (m) return m[1]!.trim();
  }
  const q = (request.query as Record<string, unknown> | undefined)?.access_token;
  return typeof q === 'string' && q !== '' ? q : null;
}

export function graphRoutes(ctx: Ctx): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    installGraphErrorHandling(app);

    const auth = async (request: FastifyRequest) => {
      const token = tokenOf(request);
      if (!token) throw new GraphError(104, 'An access token is required.');
      const principal = await authenticateApiToken(ctx, token);
      if (!principal) throw new GraphError(190, 'The access token is not valid or was revoked.');
      request.apiPrincipal = principal;
    };

    const both = (method: 'GET' | 'POST' | 'DELETE', path: string, handler: RouteHandlerMethod) => {
      for (const url of [`/${VERSION}${path}`, path]) app.route({ method, url, preHandler: auth, handler });
    };

    both('POST', '/:phoneNumberId/messages', async (req) => {
      const { phoneNumberId } = req.params as { phoneNumberId: string };
      return handleMessagesPost(ctx, req.apiPrincipal, phoneNumberId, req.body);
    });

    // Anything else under a version prefix is a Graph path we do not serve (yet).
    app.all(`/${VERSION}/*`, async (req) => {
      const rest = (req.params as Record<string, string>)['*'] ?? '';
      throw new GraphError(2500, '', { message: `Unknown path components: /${rest}` });
    });
  };
}
