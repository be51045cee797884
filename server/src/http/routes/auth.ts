/**
 * @module http/routes/auth
 * Registration and sign-in with a verification code; device listing and revocation.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Device } from '#contracts/models.js';
import { listDevices, requestCode, revokeDevice, verifyCodeAndPin } from '../../domain/accounts/index.js';
import type { Ctx } from '../../context.js';
import { requireActor } from '../auth.js';
import { PinSchema, signedInBody } from './two-step.js';

export function authRoutes(ctx: Ctx): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const auth = requireActor(ctx);

    app.post(
      '/v1/auth/code',
      {
        config: { rateLimit: { max: ctx.config.PARLEY_AUTH_RATE_PER_MINUTE, timeWindow: '1 minute' } },
        schema: {
          tags: ['auth'],
          summary: 'Send a verification code to a phone number',
          body: Type.Object({ phone: Type.String({ minLength: 3, maxLength: 32 }) }, { additionalProperties: false }),
        },
      },
      async (req) => requestCode(ctx, req.body.phone),
    );

    app.post(
      '/v1/auth/verify',
      {
        config: { rateLimit: { max: ctx.config.PARLEY_AUTH_RATE_PER_MINUTE * 3, timeWindow: '1 minute' } },
        schema: {
          tags: ['auth'],
          summary: 'Prove the number with the code and sign this device in',
          body: Type.Object(
            {
              phone: Type.String({ minLength: 3, maxLength: 32 }),
              code: Type.String({ pattern: '^\\s*[0-9]{6}\\s*$' }),
              deviceName: Type.Optional(Type.String({ maxLength: 64 })),
              platform: Type.Optional(Type.String({ maxLength: 32 })),
              /** Register a new number as a business (ignored when the account exists). */
              business: Type.Optional(Type.Object({ name: Type.String({ maxLength: 4096 }), category: Type.String({ maxLength: 64 }) }, { additionalProperties: false })),
              /** The two-step verification PIN, when the number has one (else PIN_REQUIRED; see docs/api/two-step.md). */
              pin: Type.Optional(PinSchema),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => signedInBody(await verifyCodeAndPin(ctx, req.body)),
    );

    app.get('/v1/devices', { onRequest: auth, schema: { tags: ['devices'], response: { 200: Type.Object({ devices: Type.Array(Device) }) } } }, async (req) => ({
      devices: await listDevices(ctx, req.actor),
    }));

    app.delete(
      '/v1/devices/:deviceId',
      { onRequest: auth, schema: { tags: ['devices'], params: Type.Object({ deviceId: Type.String({ maxLength: 64 }) }) } },
      async (req, reply) => {
        await revokeDevice(ctx, req.actor, req.params.deviceId);
        return reply.status(204).send();
      },
    );

    app.post('/v1/auth/sign-out', { onRequest: auth }, async (req, reply) => {
      await revokeDevice(ctx, req.actor, req.actor.deviceId);
      return reply.status(204).send();
    });
  };
}
