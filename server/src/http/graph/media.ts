/**
 * @module http/graph/media
 * Media on the Graph routes (reference §5): `POST /{pnid}/media` (multipart/form-data, parsed by
 * @fastify/multipart, registered on the Graph plugin), `GET` and `DELETE /{media_id}` (node
 * handlers of kind 'media'), and the download of a signed URL (its own small plugin: the URL
 * authorises by itself, so it needs no token and ignores the Host header). Translation only: the
 * rules live in domain/api/media.ts.
 */
import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../context.js';
import { GraphError } from '../../domain/api/index.js';
import { deleteApiMedia, getApiMedia, MEDIA_DOWNLOAD_PATH, mediaOfSignedUrl, uploadApiMedia, type UploadPart } from '../../domain/api/media.js';
import { etagOf, noneMatchHits, openBlob, resolveRange, type ByteRange } from '../../domain/media/index.js';
import { AppError } from '../../errors.js';
import { graphEnvelope, installGraphErrorHandling } from './errors.js';
import type { GraphMethod, Mount, NodeHandler } from './routes.js';

/** The base of the download URL: PARLEY_PUBLIC_URL, else the origin the client called. */
function baseUrl(ctx: Ctx, req: FastifyRequest): string {
  const configured = ctx.config.PARLEY_PUBLIC_URL.replace(/\/+$/, '');
  return configured || `${req.protocol}://${req.host}`;
}

function phoneNumberFilter(req: FastifyRequest): string | undefined {
  const v = (req.query as Record<string, unknown> | undefined)?.phone_number_id;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The multipart parts as the domain takes them (no fastify types beyond this file). */
async function* partsOf(req: FastifyRequest): AsyncIterable<UploadPart> {
  for await (const part of req.parts() as AsyncIterable<MultipartFile | MultipartValue>) {
    if (part.type === 'file') yield { type: 'file', name: part.fieldname, fileName: part.filename || undefined, mimeType: part.mimetype || undefined, stream: part.file };
    else yield { type: 'field', name: part.fieldname, value: typeof part.value === 'string' ? part.value : JSON.stringify(part.value) };
  }
}

/** Errors of @fastify/multipart (too many parts, a malformed body …) as Graph code 100. */
function multipartError(err: unknown): unknown {
  if (err instanceof GraphError || err instanceof AppError) return err;
  const code = (err as { code?: string }).code;
  if (typeof code === 'string' && code.startsWith('FST_')) return new GraphError(100, `The multipart body is not valid: ${(err as Error).message}`);
  if (err instanceof Error && /multipart|Unexpected end of form|boundary/i.test(err.message)) return new GraphError(100, `The multipart body is not valid: ${err.message}`);
  return err;
}

/** `POST /{phone_number_id}/media`. */
export function registerMediaRoutes(ctx: Ctx, mount: Mount): void {
  mount('POST', '/:phoneNumberId/media', async (req, reply) => {
    const { phoneNumberId } = req.params as { phoneNumberId: string };
    if (!req.isMultipart()) {
      throw new GraphError(100, 'Upload media as multipart/form-data with the parts file, messaging_product and type.');
    }
    try {
      return await uploadApiMedia(ctx, req.apiPrincipal, phoneNumberId, (req.query ?? {}) as Record<string, unknown>, partsOf(req));
    } catch (err) {
      // Answered before the body was read to its end: close rather than read the rest.
      if (!req.raw.complete) void reply.header('connection', 'close');
      throw multipartError(err);
    }
  });
}

/** `GET` and `DELETE /{media_id}` (the Graph dispatcher found a node of kind 'media' of the token's WABA). */
export const mediaNodeHandlers: Partial<Record<GraphMethod, NodeHandler>> = {
  GET: (ctx, principal, node, req) => getApiMedia(ctx, principal, node, phoneNumberFilter(req), baseUrl(ctx, req)),
  DELETE: (ctx, principal, node, req) => deleteApiMedia(ctx, principal, node, phoneNumberFilter(req)),
};

function notFound(reply: FastifyReply): FastifyReply {
  return reply.status(404).send(graphEnvelope(new GraphError(100, 'The media URL is not valid or has expired; ask GET /{media_id} for a fresh one.')));
}

/**
 * `GET|HEAD /whatsapp_business/attachments/?mid=&ext=&hash=`: the bytes of a medium, whole or by
 * byte range, with ETag. With or without a bearer token (ignored: the signature authorises);
 * routed by path whatever the Host header says. Expired, tampered or deleted → 404.
 */
export function mediaDownloadRoutes(ctx: Ctx): FastifyPluginAsync {
  return async (app) => {
    installGraphErrorHandling(app);
    app.route({
      method: ['GET', 'HEAD'],
      url: MEDIA_DOWNLOAD_PATH,
      handler: async (req, reply) => {
        const media = await mediaOfSignedUrl(ctx, (req.query ?? {}) as Record<string, unknown>);
        if (!media) return notFound(reply);
        const etag = etagOf(media.sha256);
        void reply.headers({ etag, 'cache-control': 'private, max-age=300', 'accept-ranges': 'bytes' });
        if (noneMatchHits(req.headers['if-none-match'], etag)) return reply.status(304).send();
        let range: ByteRange | null;
        try {
          const ifRange = req.headers['if-range'];
          range = resolveRange(req.headers.range, media.size, { ifRange: Array.isArray(ifRange) ? ifRange[0] : ifRange, etag });
        } catch (err) {
          if (err instanceof AppError && err.code === 'RANGE_NOT_SATISFIABLE') return reply.status(416).header('content-range', `bytes */${media.size}`).send();
          throw err;
        }
        const bytes = range ?? { start: 0, end: media.size - 1 };
        void reply.headers({
          'content-type': media.mimeType,
          'content-length': String(bytes.end - bytes.start + 1),
          'content-disposition': 'attachment',
          'x-content-type-options': 'nosniff',
          'content-security-policy': "default-src 'none'; sandbox",
        });
        if (range) void reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${media.size}`);
        if (req.method === 'HEAD') return reply.send();
        return reply.send(await openBlob(ctx.mediaDir, media.sha256, bytes));
      },
    });
  };
}
