/**
 * @module http/routes/two-step
 * Two-step verification (docs/api/two-step.md): the account's PIN settings under /v1/me/two-step
 * (device token), and the sign-in steps that follow PIN_REQUIRED under /v1/auth/pin (ticket).
 * Thin: each route validates its input and calls one domain function.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Ctx } from '../../context.js';
import { requireActor } from '../auth.js';
import { changeTwoStep, confirmPin, disableTwoStep, enableTwoStep, forgotPin, getTwoStep, resetPin, signInWithPin, type SignedIn } from '../../domain/accounts/index.js';
import { toMe } from '../../domain/accounts/views.js';
import { TwoStepState } from '#contracts/two-step.js';

/** Exactly 6 digits. */
export const PinSchema = Type.String({ pattern: '^[0-9]{6}$', description: 'Exactly 6 digits.' });
const Email = Type.Union([Type.String({ maxLength: 320 }), Type.Null()]);
const Ticket = Type.String({ minLength: 1, maxLength: 128 });

export function signedInBody(r: SignedIn) {
  return { token: r.token, deviceId: r.device.id, created: r.created, account: toMe(r.account) };
}

export function twoStepRoutes(ctx: Ctx): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const auth = requireActor(ctx);
    // PIN guesses are also limited per client address (the per-account wait is in the domain).
    const pinRate = { rateLimit: { max: ctx.config.PARLEY_AUTH_RATE_PER_MINUTE * 3, timeWindow: '1 minute' } };
    const tags = ['two-step'];

    app.get('/v1/me/two-step', { onRequest: auth, schema: { tags, summary: 'My two-step verification state', response: { 200: TwoStepState } } }, async (req) =>
      getTwoStep(ctx, req.actor),
    );

    app.post(
      '/v1/me/two-step',
      {
        onRequest: auth,
        config: pinRate,
        schema: {
          tags,
          summary: 'Turn two-step verification on',
          body: Type.Object({ pin: PinSchema, email: Type.Optional(Email) }, { additionalProperties: false }),
          response: { 200: TwoStepState },
        },
      },
      async (req) => enableTwoStep(ctx, req.actor, req.body),
    );

    app.patch(
      '/v1/me/two-step',
      {
        onRequest: auth,
        config: pinRate,
        schema: {
          tags,
          summary: 'Change the PIN or the recovery email (needs the current PIN)',
          body: Type.Object({ currentPin: PinSchema, pin: Type.Optional(PinSchema), email: Type.Optional(Email) }, { additionalProperties: false }),
          response: { 200: TwoStepState },
        },
      },
      async (req) => changeTwoStep(ctx, req.actor, req.body),
    );

    app.post(
      '/v1/me/two-step/disable',
      {
        onRequest: auth,
        config: pinRate,
        schema: { tags, summary: 'Turn two-step verification off (needs the PIN)', body: Type.Object({ pin: PinSchema }, { additionalProperties: false }), response: { 200: TwoStepState } },
      },
      async (req) => disableTwoStep(ctx, req.actor, req.body.pin),
    );

    app.post(
      '/v1/me/two-step/confirm',
      {
        onRequest: auth,
        config: pinRate,
        schema: { tags, summary: 'Answer the periodic PIN reminder', body: Type.Object({ pin: PinSchema }, { additionalProperties: false }), response: { 200: TwoStepState } },
      },
      async (req) => confirmPin(ctx, req.actor, req.body.pin),
    );

    app.post(
      '/v1/auth/pin',
      {
        config: pinRate,
        schema: { tags, summary: 'Finish signing in with the PIN (after PIN_REQUIRED)', body: Type.Object({ ticket: Ticket, pin: PinSchema }, { additionalProperties: false }) },
      },
      async (req) => signedInBody(await signInWithPin(ctx, req.body)),
    );

    app.post(
      '/v1/auth/pin/forgot',
      {
        config: { rateLimit: { max: ctx.config.PARLEY_AUTH_RATE_PER_MINUTE, timeWindow: '1 minute' } },
        schema: { tags, summary: 'Forgot PIN: email a reset code, or start the 7-day wait', body: Type.Object({ ticket: Ticket }, { additionalProperties: false }) },
      },
      async (req) => forgotPin(ctx, req.body),
    );

    app.post(
      '/v1/auth/pin/reset',
      {
        config: pinRate,
        schema: {
          tags,
          summary: 'Reset the PIN (turns two-step verification off) and sign in',
          body: Type.Object({ ticket: Ticket, resetCode: Type.Optional(Type.String({ pattern: '^\\s*[0-9]{8}\\s*$' })) }, { additionalProperties: false }),
        },
      },
      async (req) => signedInBody(await resetPin(ctx, req.body)),
    );
  };
}
