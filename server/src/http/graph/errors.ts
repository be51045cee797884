/**
 * @module http/graph/errors
 * The Graph error envelope (reference §4.1) for every error of the Cloud-API routes, and the one
 * table mapping Parley's AppErrors (met in the messaging core) and Fastify's own errors to Graph codes.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger, FastifyError, FastifyInstance } from 'fastify';
import { AppError, type ErrorCode } from '../../errors.js';
import { GraphError, graphCodes, type GraphErrorCode } from '../../domain/api/index.js';

const fromAppError: Partial<Record<ErrorCode, GraphErrorCode>> = {
  VALIDATION_FAILED: 131009,
  MESSAGE_TOO_LARGE: 131009,
  CONTACT_BLOCKED: 131009,
  REPLY_TARGET_NOT_FOUND: 100,
  MESSAGE_NOT_FOUND: 100,
  CHAT_NOT_FOUND: 100,
  CANNOT_CHAT_WITH_SELF: 131021,
  MALFORMED_JSON: 100,
};

export function toGraphError(err: unknown): GraphError | null {
  if (err instanceof GraphError) return err;
  if (err instanceof AppError) {
    const code = fromAppError[err.code];
    return code ? new GraphError(code, err.message) : null;
  }
  const fe = err as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new GraphError(100, 'The request body is not valid JSON.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new GraphError(100, 'The request body is empty.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new GraphError(100, 'The request body is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new GraphError(100, 'The request body must be JSON (Content-Type: application/json).');
  }
  return null;
}

export function graphEnvelope(err: GraphError): { error: Record<string, unknown> } {
  const def = graphCodes[err.code];
  const error: Record<string, unknown> = { message: err.message, type: err.extra.type ?? def.type, code: err.code };
  if (err.extra.subcode !== undefined) error.error_subcode = err.extra.subcode;
  if (err.extra.userTitle !== undefined) error.error_user_title = err.extra.userTitle;
  if (err.extra.userMsg !== undefined) error.error_user_msg = err.extra.userMsg;
  if (def.whatsapp) error.error_data = { messaging_product: 'whatsapp', details: err.details };
  error.fbtrace_id = 'A' + randomBytes(16).toString('base64url').slice(0, 22);
  return { error };
}

/** Install on the encapsulated Graph plugin only: Parley's own routes keep Parley's envelope. */
export function installGraphErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const { status, body } = graphErrorReply(err, request.log);
    return reply.status(status).send(body);
  });
}

/** The status and Graph envelope of any error met on a Graph route (an unexpected one is logged and answered with 131000). */
export function graphErrorReply(err: unknown, log: Pick<FastifyBaseLogger, 'error'>): { status: number; body: { error: Record<string, unknown> } } {
  let graph = toGraphError(err);
  if (!graph) {
    log.error({ msg: 'graph.request.failed', err });
    graph = new GraphError(131000, 'An unexpected error occurred; try again later.');
  }
  return { status: graph.status, body: graphEnvelope(graph) };
}
