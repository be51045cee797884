/**
 * @module http/errors
 * Renders every HTTP error as `{ "error": { "code", "message", "details"? } }` with the status
 * from the error catalog. Handlers never format errors themselves.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, errorCatalog, type ErrorCode } from '../errors.js';

export function body(code: ErrorCode, message?: string, details?: Record<string, unknown>) {
  return { error: { code, message: message ?? errorCatalog[code].message, ...(details ? { details } : {}) } };
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, request, reply) => {
    if (err instanceof AppError) {
      if (err.code === 'CODE_RESEND_TOO_SOON' || err.code === 'RATE_LIMITED' || err.code === 'E2E_CLAIMS_RATE_LIMITED' || err.code === 'PIN_LOCKED' || err.code === 'PIN_INVALID') {
        const retry = err.details?.retryAfterSeconds;
        if (typeof retry === 'number') void reply.header('retry-after', String(retry));
      }
      return reply.status(err.status).send(body(err.code, err.message, err.details));
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      const first = fe.validation[0];
      const where = fe.validationContext ?? 'body';
      const field = first?.instancePath ? `${where}${first.instancePath.replace(/\//g, '.')}` : where;
      const message = `${field} ${first?.message ?? 'is not valid'}`;
      return reply.status(400).send(body('VALIDATION_FAILED', message, { field, issues: fe.validation.slice(0, 5).map((v) => ({ path: v.instancePath, message: v.message })) }));
    }
    switch (fe.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply.status(400).send(body('MALFORMED_JSON'));
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply.status(413).send(body('BODY_TOO_LARGE'));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply.status(415).send(body('UNSUPPORTED_MEDIA_TYPE'));
    }
    if (fe.statusCode === 429) return reply.status(429).send(body('RATE_LIMITED'));
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.status(fe.statusCode).send(body('VALIDATION_FAILED', fe.message));
    }
    request.log.error({ msg: 'request.failed', err });
    return reply.status(500).send(body('INTERNAL'));
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(body('NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}.`));
  });
}
