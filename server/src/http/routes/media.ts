/**
 * @module http/routes/media
 * Media upload (raw body, streamed), download (whole, by byte range, or HEAD) and metadata.
 * Translation only: the type policy, limits and access rules live in domain/media.
 *
 * This plugin replaces the content-type parsers in its own scope so that an upload of any type
 * reaches the handler as an unread stream; JSON routes elsewhere keep their parsers and 1 MB limit.
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { MEDIA_KINDS, type Media } from '#contracts/models.js';
import type { Ctx } from '../../context.js';
import { AppError } from '../../errors.js';
import { authenticate } from '../../domain/accounts/index.js';
import { accessMedia, etagOf, MAX_MEDIA_BYTES, noneMatchHits, openBlob, resolveRange, uploadMedia, type ByteRange } from '../../domain/media/index.js';
import { bearerToken, requireActor } from '../auth.js';

const MediaParams = Type.Object({ mediaId: Type.String({ maxLength: 64 }) });

/** Kinds whose bytes a browser may show inline; anything else is served as an attachment. */
const INLINE_KINDS = new Set(['image', 'video', 'audio', 'sticker']);

/** The bearer header, or `?token=` (for `<img src>` and friends, which cannot send headers). */
function requireActorOrQueryToken(ctx: Ctx) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearerToken(request) ?? (request.query as { token?: string }).token ?? null;
    const actor = token ? await authenticate(ctx, token) : null;
    if (!actor) throw new AppError('UNAUTHENTICATED');
    request.actor = actor;
  };
}

/**
 * When an upload is answered before its body was read to the end (an error), close the connection
 * rather than read and discard the rest, as Fastify does for its own body errors.
 */
async function closeIfBodyUnread(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  if (!request.raw.complete) void reply.header('connection', 'close');
  return payload;
}

function firstHeader(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function contentLength(request: FastifyRequest): number | undefined {
  const v = request.headers['content-length'];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

function contentDisposition(media: Media): string {
  const type = INLINE_KINDS.has(media.kind) ? 'inline' : 'attachment';
  if (!media.fileName) return type;
  const ascii = media.fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(media.fileName)}`;
}

export function mediaRoutes(ctx: Ctx): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request: FastifyRequest, payload: IncomingMessage, done: (err: Error | null, body?: unknown) => void) => done(null, payload));

    app.post(
      '/v1/media',
      {
        // The parser above never buffers; the per-kind limit is enforced while streaming.
        bodyLimit: MAX_MEDIA_BYTES,
        onRequest: requireActor(ctx),
        onSend: closeIfBodyUnread,
        schema: {
          summary: 'Upload a file as raw body; Content-Type is its declared MIME type',
          querystring: Type.Object({
            kind: Type.Union(MEDIA_KINDS.map((k) => Type.Literal(k))),
            fileName: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
            encrypted: Type.Optional(Type.Boolean({ description: 'End-to-end encrypted ciphertext, sent as application/octet-stream' })),
          }),
        },
      },
      async (req, reply) => {
        if (!(req.body instanceof Readable)) throw new AppError('VALIDATION_FAILED', 'The request carries no file.', { path: 'body' });
        const media = await uploadMedia(ctx, req.actor, {
          kind: req.query.kind,
          declaredType: req.headers['content-type'],
          fileName: req.query.fileName,
          declaredSize: contentLength(req),
          body: req.body,
          encrypted: req.query.encrypted,
        });
        return reply.status(201).send(media);
      },
    );

    app.route({
      method: ['GET', 'HEAD'],
      url: '/v1/media/:mediaId',
      schema: { params: MediaParams, querystring: Type.Object({ token: Type.Optional(Type.String({ maxLength: 200 })) }) },
      onRequest: requireActorOrQueryToken(ctx),
      handler: async (req, reply) => {
        const media = await accessMedia(ctx, req.actor, req.params.mediaId);
        const etag = etagOf(media.sha256);
        void reply.headers({ etag, 'cache-control': 'private, max-age=604800, immutable', 'accept-ranges': 'bytes' });
        if (noneMatchHits(req.headers['if-none-match'], etag)) return reply.status(304).send();

        let range: ByteRange | null;
        try {
          range = resolveRange(req.headers.range, media.size, { ifRange: firstHeader(req.headers['if-range']), etag });
        } catch (err) {
          if (err instanceof AppError && err.code === 'RANGE_NOT_SATISFIABLE') void reply.header('content-range', `bytes */${media.size}`);
          throw err;
        }
        const bytes = range ?? { start: 0, end: media.size - 1 };
        void reply.headers({
          'content-type': media.mimeType,
          'content-length': String(bytes.end - bytes.start + 1),
          'content-disposition': contentDisposition(media),
          'x-content-type-options': 'nosniff',
          'content-security-policy': "default-src 'none'; sandbox",
        });
        if (range) void reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${media.size}`);
        if (req.method === 'HEAD') return reply.send();
        return reply.send(await openBlob(ctx.mediaDir, media.sha256, bytes));
      },
    });

    app.get('/v1/media/:mediaId/info', { schema: { params: MediaParams }, onRequest: requireActor(ctx) }, async (req) => accessMedia(ctx, req.actor, req.params.mediaId));
  };
}
