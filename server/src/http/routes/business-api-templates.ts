/**
 * @module http/routes/business-api-templates
 * The owner's message templates (Parley auth, business accounts with API access): list, dry-run
 * review (for the editor, answers problems instead of errors), create, edit, delete. The domain
 * functions are the Graph API's (domain/api/templates/owner.ts).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Ctx } from '../../context.js';
import { requireActor } from '../auth.js';
import { createOwnerTemplate, deleteOwnerTemplate, dryRunReview, editOwnerTemplate, listOwnerTemplates } from '../../domain/api/templates/owner.js';

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 32 }) });
/** The Graph creation or edit body: checked by the template validation, which reports each problem with its field. */
const TemplateBody = Type.Unknown();

export function businessApiTemplateRoutes(ctx: Ctx): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    app.addHook('onRequest', requireActor(ctx));
    const tags = ['business-api'];

    // Every template but deleted ones, newest first.
    app.get('/v1/business/api/templates', async (req) => listOwnerTemplates(ctx, req.actor));

    app.post(
      '/v1/business/api/templates/review',
      { schema: { tags, summary: 'Dry run of the validation and automatic review of a template (stores nothing)', body: TemplateBody } },
      async (req) => dryRunReview(ctx, req.actor, req.body),
    );

    app.post('/v1/business/api/templates', { schema: { tags, summary: 'Create a template (reviewed at once: APPROVED or REJECTED)', body: TemplateBody } }, async (req) => createOwnerTemplate(ctx, req.actor, req.body));

    app.put(
      '/v1/business/api/templates/:id',
      { schema: { tags, summary: 'Edit a template (reviewed again)', params: Params, body: TemplateBody } },
      async (req) => editOwnerTemplate(ctx, req.actor, req.params.id, req.body),
    );

    app.delete('/v1/business/api/templates/:id', { schema: { tags, summary: 'Delete a template', params: Params } }, async (req) => deleteOwnerTemplate(ctx, req.actor, req.params.id));
  };
}
