/**
 * @module http/routes/business
 * Business accounts: conversion, the business's own profile, verification requests, and the public
 * business profile customers see. Thin: validate, authenticate the device, call one domain function.
 * Field limits are checked by the domain so that each refusal carries its own code.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { BusinessProfile } from '#contracts/business.js';
import { BUSINESS_LIMITS, PublicBusinessProfile, VerificationState } from '#contracts/business-profile.js';
import type { Ctx } from '../../context.js';
import { requireActor } from '../auth.js';
import { convertToBusiness, getBusinessProfile, getPublicBusinessProfile, getVerificationState, submitVerification, updateBusinessProfile } from '../../domain/business/index.js';

/** Loose bounds only (the domain gives the precise, coded refusals). */
const Text = Type.String({ maxLength: 4096 });
const MediaId = Type.String({ minLength: 1, maxLength: 64 });

export function businessRoutes(ctx: Ctx): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    app.addHook('onRequest', requireActor(ctx));

    app.post(
      '/v1/business/convert',
      {
        schema: {
          tags: ['business'],
          summary: 'Turn my personal account into a business account (one way)',
          body: Type.Object({ name: Text, category: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
          response: { 200: BusinessProfile },
        },
      },
      async (req) => convertToBusiness(ctx, req.actor, req.body),
    );

    app.get('/v1/business/profile', { schema: { tags: ['business'], summary: 'My business profile', response: { 200: BusinessProfile } } }, async (req) =>
      getBusinessProfile(ctx, req.actor),
    );

    app.patch(
      '/v1/business/profile',
      {
        schema: {
          tags: ['business'],
          summary: 'Change fields of my business profile (all or nothing)',
          body: Type.Object(
            {
              name: Type.Optional(Text),
              category: Type.Optional(Type.String({ maxLength: 64 })),
              description: Type.Optional(Text),
              about: Type.Optional(Text),
              address: Type.Optional(Text),
              location: Type.Optional(Type.Union([Type.Object({ latitude: Type.Number(), longitude: Type.Number() }, { additionalProperties: false }), Type.Null()])),
              timezone: Type.Optional(Type.String({ maxLength: 64 })),
              hours: Type.Optional(Type.Unknown()),
              email: Type.Optional(Text),
              websites: Type.Optional(Type.Array(Text, { maxItems: 20 })),
              photoMediaId: Type.Optional(Type.Union([MediaId, Type.Null()])),
            },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: { 200: BusinessProfile },
        },
      },
      async (req) => updateBusinessProfile(ctx, req.actor, req.body),
    );

    app.get(
      '/v1/business/verification',
      { schema: { tags: ['business'], summary: 'My verification state and latest request', response: { 200: VerificationState } } },
      async (req) => getVerificationState(ctx, req.actor),
    );

    app.post(
      '/v1/business/verification',
      {
        schema: {
          tags: ['business'],
          summary: 'Ask for the verified badge',
          body: Type.Object(
            { legalName: Text, documentMediaIds: Type.Array(MediaId, { minItems: 1, maxItems: BUSINESS_LIMITS.documents }) },
            { additionalProperties: false },
          ),
          response: { 201: VerificationState },
        },
      },
      async (req, reply) => reply.status(201).send(await submitVerification(ctx, req.actor, req.body)),
    );

    app.get(
      '/v1/accounts/:accountId/business',
      {
        schema: {
          tags: ['business'],
          summary: "A business's public profile, with whether it is open now",
          params: Type.Object({ accountId: Type.String({ minLength: 1, maxLength: 64 }) }),
          response: { 200: PublicBusinessProfile },
        },
      },
      async (req) => getPublicBusinessProfile(ctx, req.actor, req.params.accountId),
    );
  };
}
