/**
 * @module http/routes/admin
 * Platform administrators: sign-in (rate-limited), the verification queue, the documents of a
 * request, approval and rejection. Every route but login needs an administrator token; device
 * tokens are refused here (ADMIN_UNAUTHENTICATED), as administrator tokens are everywhere else.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AdminSession, AdminVerification, BUSINESS_LIMITS } from '#contracts/business-profile.js';
import type { Ctx } from '../../context.js';
import { AppError } from '../../errors.js';
import { accessVerificationDocument, approveVerification, authenticateAdmin, listVerifications, loginAdmin, logoutAdmin, rejectVerification, type AdminActor } from '../../domain/admin/index.js';
import { openBlob } from '../../domain/media/index.js';
import { bearerToken } from '../auth.js';

declare module 'fastify' {
  interface FastifyRequest {
    admin: AdminActor;
  }
}

const RequestParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** The bearer header, or `?token=` (to open a document in a new tab). */
function requireAdmin(ctx: Ctx) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request) ?? (request.query as { token?: string } | undefined)?.token ?? null;
    const admin = token ? await authenticateAdmin(ctx, token) : null;
    if (!admin) throw new AppError('ADMIN_UNAUTHENTICATED');
    request.admin = admin;
  };
}

export function adminRoutes(ctx: Ctx): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const admin = requireAdmin(ctx);

    app.post(
      '/v1/admin/login',
      {
        config: { rateLimit: { max: ctx.config.PARLEY_AUTH_RATE_PER_MINUTE, timeWindow: '1 minute' } },
        schema: {
          tags: ['admin'],
          summary: 'Sign an administrator in',
          body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
          response: { 200: AdminSession },
        },
      },
      async (req) => loginAdmin(ctx, req.body),
    );

    app.post('/v1/admin/logout', { onRequest: admin }, async (req, reply) => {
      await logoutAdmin(ctx, bearerToken(req) ?? '');
      return reply.status(204).send();
    });

    app.get('/v1/admin/me', { onRequest: admin, schema: { tags: ['admin'], response: { 200: Type.Object({ username: Type.String() }) } } }, async (req) => ({
      username: req.admin.username,
    }));

    app.get(
      '/v1/admin/verifications',
      {
        onRequest: admin,
        schema: {
          tags: ['admin'],
          summary: 'Verification requests by status (pending: oldest first)',
          querystring: Type.Object(
            { status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')])) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ verifications: Type.Array(AdminVerification) }) },
        },
      },
      async (req) => ({ verifications: await listVerifications(ctx, req.admin, req.query.status ?? 'pending') }),
    );

    app.get(
      '/v1/admin/verifications/:id/documents/:mediaId',
      {
        onRequest: admin,
        schema: {
          tags: ['admin'],
          summary: 'Download a document of a verification request',
          params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }), mediaId: Type.String({ minLength: 1, maxLength: 64 }) }),
          querystring: Type.Object({ token: Type.Optional(Type.String({ maxLength: 200 })) }),
        },
      },
      async (req, reply) => {
        const media = await accessVerificationDocument(ctx, req.admin, req.params.id, req.params.mediaId);
        const name = (media.fileName ?? media.id).replace(/[^\x20-\x7e]|["\\%]/g, '_');
        void reply.headers({
          'content-type': media.mimeType,
          'content-length': String(media.size),
          'content-disposition': `${media.kind === 'image' ? 'inline' : 'attachment'}; filename="${name}"`,
          'cache-control': 'private, no-store',
          'x-content-type-options': 'nosniff',
          'content-security-policy': "default-src 'none'; sandbox",
        });
        return reply.send(await openBlob(ctx.mediaDir, media.sha256, { start: 0, end: media.size - 1 }));
      },
    );

    app.post('/v1/admin/verifications/:id/approve', { onRequest: admin, schema: { tags: ['admin'], params: RequestParams } }, async (req, reply) => {
      await approveVerification(ctx, req.admin, req.params.id);
      return reply.status(204).send();
    });

    app.post(
      '/v1/admin/verifications/:id/reject',
      {
        onRequest: admin,
        schema: {
          tags: ['admin'],
          params: RequestParams,
          body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: BUSINESS_LIMITS.rejectReason }) }, { additionalProperties: false }),
        },
      },
      async (req, reply) => {
        await rejectVerification(ctx, req.admin, req.params.id, req.body.reason);
        return reply.status(204).send();
      },
    );
  };
}
