/**
 * @module http/routes/e2e
 * End-to-end encryption (docs/adr/0007): the server's public key, device credentials, key
 * packages, each chat's MLS group (devices, ordered commits) and resend requests. Translation
 * only: the rules live in domain/e2e.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Ctx } from '../../context.js';
import { requireActor } from '../auth.js';
import { AppError } from '../../errors.js';
import { CIPHERSUITE } from '../../../../packages/e2e/src/suite.js';
import { reencryptMessage } from '../../domain/messaging/index.js';
import { acknowledgeWelcomes, claimKeyPackages, getE2eChat, pendingWelcomes, issueCredential, keyPackageCount, listCommits, requestResend, serverKey, submitCommit, uploadKeyPackages } from '../../domain/e2e/index.js';

const Base64 = (maxLength: number) => Type.String({ minLength: 4, maxLength, pattern: '^[A-Za-z0-9+/]+={0,2}$' });
const ChatParams = Type.Object({ chatId: Type.String({ maxLength: 64 }) });
const MessageParams = Type.Object({ messageId: Type.String({ maxLength: 64 }) });
const Id = Type.String({ minLength: 1, maxLength: 64 });
/** Claims per device per minute: each uses up a key package of every device of the target. */
const CLAIMS_PER_MINUTE = 30;

export function e2eRoutes(ctx: Ctx): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    app.addHook('onRequest', requireActor(ctx));
    const perDevice = { keyGenerator: (req: { actor?: { deviceId: string }; ip: string }) => req.actor?.deviceId ?? req.ip };

    app.get('/v1/e2e/server-key', async () => ({
      ciphersuite: CIPHERSUITE,
      publicKey: Buffer.from((await serverKey(ctx)).publicKey).toString('base64'),
    }));

    app.post(
      '/v1/e2e/credential',
      {
        config: { rateLimit: { max: 10, timeWindow: '1 minute', ...perDevice } },
        schema: { summary: "Get a credential for this device's signature key", body: Type.Object({ signatureKey: Base64(64) }, { additionalProperties: false }) },
      },
      async (req) => issueCredential(ctx, req.actor, req.body.signatureKey),
    );

    app.post(
      '/v1/e2e/key-packages',
      {
        schema: {
          summary: 'Upload key packages of this device',
          body: Type.Object(
            { keyPackages: Type.Optional(Type.Array(Base64(16384), { minItems: 1, maxItems: 100 })), lastResort: Type.Optional(Base64(16384)) },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => uploadKeyPackages(ctx, req.actor, req.body.keyPackages ?? [], req.body.lastResort),
    );

    app.get('/v1/e2e/key-packages/count', async (req) => keyPackageCount(ctx, req.actor));

    app.post(
      '/v1/e2e/key-packages/claim',
      {
        // Each claim uses up a key package of every device of the target: limit it per device.
        config: {
          rateLimit: {
            max: CLAIMS_PER_MINUTE,
            timeWindow: '1 minute',
            ...perDevice,
            errorResponseBuilder: (_req, c) =>
              new AppError('E2E_CLAIMS_RATE_LIMITED', `At most ${CLAIMS_PER_MINUTE} key-package claims a minute per device; try again in ${Math.ceil(c.ttl / 1000)} s.`, {
                retryAfterSeconds: Math.ceil(c.ttl / 1000),
                max: CLAIMS_PER_MINUTE,
              }),
          },
        },
        schema: { summary: "Take one key package of each of an account's devices", body: Type.Object({ accountId: Id }, { additionalProperties: false }) },
      },
      async (req) => claimKeyPackages(ctx, req.actor, req.body.accountId),
    );

    app.get('/v1/e2e/chats/:chatId', { schema: { summary: "A chat's group: encrypted or not, epoch, devices", params: ChatParams } }, async (req) =>
      getE2eChat(ctx, req.actor, req.params.chatId),
    );

    app.post(
      '/v1/e2e/chats/:chatId/commits',
      {
        schema: {
          summary: "Submit a commit for the chat's current epoch",
          params: ChatParams,
          body: Type.Object(
            {
              commit: Base64(262144),
              welcome: Type.Optional(Type.Object({ deviceIds: Type.Array(Id, { minItems: 1, maxItems: 256 }), data: Base64(262144) }, { additionalProperties: false })),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => submitCommit(ctx, req.actor, req.params.chatId, req.body),
    );

    // The welcomes addressed to this device that it has not acknowledged.
    app.get('/v1/e2e/welcomes', async (req) => pendingWelcomes(ctx, req.actor));

    app.post(
      '/v1/e2e/welcomes/ack',
      {
        schema: {
          summary: 'This device joined from (or gave up on) these welcomes',
          body: Type.Object({ ids: Type.Array(Id, { minItems: 1, maxItems: 100 }) }, { additionalProperties: false }),
        },
      },
      async (req) => acknowledgeWelcomes(ctx, req.actor, req.body.ids),
    );

    app.get(
      '/v1/e2e/chats/:chatId/commits',
      {
        schema: {
          summary: 'Commits after an epoch',
          params: ChatParams,
          querystring: Type.Object({ after: Type.Integer({ minimum: 0 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }, { additionalProperties: false }),
        },
      },
      async (req) => listCommits(ctx, req.actor, req.params.chatId, req.query.after, req.query.limit),
    );

    app.post(
      '/v1/e2e/messages/:messageId/resend',
      { config: { rateLimit: { max: 120, timeWindow: '1 minute', ...perDevice } }, schema: { summary: 'Ask the sender device to re-encrypt a message', params: MessageParams } },
      async (req) => requestResend(ctx, req.actor, req.params.messageId),
    );

    app.put(
      '/v1/e2e/messages/:messageId/envelope',
      {
        schema: {
          summary: 'Replace a message envelope with one made at the current epoch (answering a resend request)',
          params: MessageParams,
          body: Type.Object({ content: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: false }),
        },
      },
      async (req) => reencryptMessage(ctx, req.actor, req.params.messageId, req.body.content),
    );
  };
}
