/**
 * @module http/auth
 * Resolves the bearer token of a request to an Actor (a device of an account), or answers 401.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { authenticate } from '../domain/accounts/index.js';
import type { Actor, Ctx } from '../context.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
}

export function bearerToken(request: FastifyRequest): string | null {
  const h = request.headers.authorization;
  if (h && h.startsWith('Bearer ')) return h.slice(7).trim();
  return null;
}

/** A preHandler that requires a valid device token. */
export function requireActor(ctx: Ctx) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request);
    const actor = token ? await authenticate(ctx, token) : null;
    if (!actor) throw new AppError('UNAUTHENTICATED');
    request.actor = actor;
  };
}
