/**
 * @module http/graph/templates
 * Template management on the Graph (reference §7.1): `GET|POST|DELETE /{waba_id}/message_templates`
 * and `GET|POST /{template_id}`. Paged lists answer `{data, paging: {cursors: {before, after}, next, previous}}`.
 */
import type { FastifyRequest } from 'fastify';
import type { Ctx } from '../../context.js';
import { createTemplate, deleteTemplates, editTemplate, getTemplate, listTemplates, type TemplatePage } from '../../domain/api/templates/index.js';
import type { GraphMethod, Mount, NodeHandler } from './routes.js';

type Query = Record<string, unknown>;

/** The page's `next` / `previous` links: the same request with another cursor. */
function pageLink(ctx: Ctx, req: FastifyRequest, cursor: { after: string } | { before: string }, limit: number): string {
  const base = ctx.config.PARLEY_PUBLIC_URL.replace(/\/+$/, '') || `${req.protocol}://${req.host}`;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query as Query)) if (k !== 'after' && k !== 'before' && k !== 'limit' && typeof v === 'string') params.set(k, v);
  params.set('limit', String(limit));
  if ('after' in cursor) params.set('after', cursor.after);
  else params.set('before', cursor.before);
  return `${base}${req.url.split('?')[0]}?${params.toString()}`;
}

function pageBody(ctx: Ctx, req: FastifyRequest, page: TemplatePage): Record<string, unknown> {
  if (!page.paging) return { data: [] };
  const { before, after, hasNext, hasPrevious } = page.paging;
  const paging: Record<string, unknown> = { cursors: { before, after } };
  if (hasNext) paging.next = pageLink(ctx, req, { after }, page.limit);
  if (hasPrevious) paging.previous = pageLink(ctx, req, { before }, page.limit);
  return { data: page.data, paging };
}

export function registerTemplateRoutes(ctx: Ctx, mount: Mount): void {
  mount('GET', '/:wabaId/message_templates', async (req) => {
    const { wabaId } = req.params as { wabaId: string };
    return pageBody(ctx, req, await listTemplates(ctx, req.apiPrincipal, wabaId, req.query as Query));
  });
  mount('POST', '/:wabaId/message_templates', async (req) => {
    const { wabaId } = req.params as { wabaId: string };
    return createTemplate(ctx, req.apiPrincipal, wabaId, req.body);
  });
  mount('DELETE', '/:wabaId/message_templates', async (req) => {
    const { wabaId } = req.params as { wabaId: string };
    return deleteTemplates(ctx, req.apiPrincipal, wabaId, req.query as Query);
  });
}

/** `GET /{template_id}` (fields) and `POST /{template_id}` (edit). */
export const templateNodeHandlers: Partial<Record<GraphMethod, NodeHandler>> = {
  GET: async (ctx, principal, node, req) => getTemplate(ctx, principal, node.id, req.query as Query),
  POST: async (ctx, principal, node, req) => editTemplate(ctx, principal, node.id, req.body),
};
