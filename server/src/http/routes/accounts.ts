/**
 * @module http/routes/accounts
 * One's profile and privacy, other people's profiles, contacts, blocks and reports. Thin: each
 * route validates its input, resolves the device token and calls one domain function.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Contact, Me, PrivacyLevel, PublicProfile } from '#contracts/models.js';
import type { Ctx } from '../../context.js';
import { requireActor } from '../auth.js';
import {
  ABOUT_MAX,
  blockAccount,
  CONTACT_NAME_MAX,
  deleteContact,
  DISPLAY_NAME_MAX,
  getMe,
  getProfile,
  listBlocked,
  listContacts,
  lookupByPhone,
  REPORT_REASON_MAX,
  reportAccount,
  saveContact,
  unblockAccount,
  updatePrivacy,
  updateProfile,
} from '../../domain/accounts/index.js';

const AccountParams = Type.Object({ accountId: Type.String({ minLength: 1, maxLength: 64 }) });
const Phone = Type.String({ minLength: 3, maxLength: 32 });

export function accountRoutes(ctx: Ctx): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    // Refuse unknown body fields and wrongly typed values instead of stripping or coercing them
    // (Fastify's default Ajv does both). Scoped to this plugin; see the report on app.ts.
    // Authenticate before the body is even read: strangers learn nothing, not even the schema.
    app.addHook('onRequest', requireActor(ctx));

    // ---- profile and privacy -------------------------------------------------------------------

    app.get('/v1/me', { schema: { tags: ['accounts'], summary: 'My account', response: { 200: Me } } }, async (req) => getMe(ctx, req.actor));

    app.patch(
      '/v1/me',
      {
        schema: {
          tags: ['accounts'],
          summary: 'Change my display name, about line or photo',
          body: Type.Object(
            {
              displayName: Type.Optional(Type.String({ maxLength: DISPLAY_NAME_MAX })),
              about: Type.Optional(Type.String({ maxLength: ABOUT_MAX })),
              photoMediaId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
            },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: { 200: Me },
        },
      },
      async (req) => updateProfile(ctx, req.actor, req.body),
    );

    app.patch(
      '/v1/me/privacy',
      {
        schema: {
          tags: ['accounts'],
          summary: 'Change who sees my last seen, online state, photo and about; read receipts on or off',
          body: Type.Object(
            {
              lastSeen: Type.Optional(PrivacyLevel),
              online: Type.Optional(Type.Union([Type.Literal('everyone'), Type.Literal('same_as_last_seen')])),
              photo: Type.Optional(PrivacyLevel),
              about: Type.Optional(PrivacyLevel),
              readReceipts: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: { 200: Me },
        },
      },
      async (req) => updatePrivacy(ctx, req.actor, req.body),
    );

    // ---- other people --------------------------------------------------------------------------

    app.get(
      '/v1/accounts/lookup',
      {
        // Looking numbers up one by one is how contact lists get scraped: limit it per account.
        config: { rateLimit: { max: 60, timeWindow: '1 minute', keyGenerator: (req) => req.actor?.accountId ?? req.ip } },
        schema: {
          tags: ['accounts'],
          summary: 'Find the account that has a phone number',
          querystring: Type.Object({ phone: Phone }, { additionalProperties: false }),
          response: { 200: PublicProfile },
        },
      },
      // An unencoded "+" in a query string arrives as a space: `?phone=+336…` means `+336…`.
      async (req) => lookupByPhone(ctx, req.actor, req.query.phone.replace(/^ (?=\d)/, '+')),
    );

    app.get(
      '/v1/accounts/:accountId',
      { schema: { tags: ['accounts'], summary: 'A profile, as I may see it', params: AccountParams, response: { 200: PublicProfile } } },
      async (req) => getProfile(ctx, req.actor, req.params.accountId),
    );

    // ---- contacts ------------------------------------------------------------------------------

    app.get(
      '/v1/contacts',
      { schema: { tags: ['contacts'], summary: 'My saved numbers', response: { 200: Type.Object({ contacts: Type.Array(Contact) }) } } },
      async (req) => ({ contacts: await listContacts(ctx, req.actor) }),
    );

    app.put(
      '/v1/contacts',
      {
        schema: {
          tags: ['contacts'],
          summary: 'Save a number under a name (or rename it)',
          body: Type.Object({ phone: Phone, name: Type.String({ minLength: 1, maxLength: CONTACT_NAME_MAX }) }, { additionalProperties: false }),
          response: { 200: Contact },
        },
      },
      async (req) => saveContact(ctx, req.actor, req.body),
    );

    app.delete(
      '/v1/contacts/:phone',
      { schema: { tags: ['contacts'], summary: 'Forget a saved number (E.164, URL-encoded)', params: Type.Object({ phone: Phone }) } },
      async (req, reply) => {
        await deleteContact(ctx, req.actor, req.params.phone);
        return reply.status(204).send();
      },
    );

    // ---- blocks and reports --------------------------------------------------------------------

    app.get(
      '/v1/blocks',
      { schema: { tags: ['blocks'], summary: 'The accounts I blocked', response: { 200: Type.Object({ blocked: Type.Array(PublicProfile) }) } } },
      async (req) => ({ blocked: await listBlocked(ctx, req.actor) }),
    );

    app.put('/v1/blocks/:accountId', { schema: { tags: ['blocks'], summary: 'Block an account', params: AccountParams } }, async (req, reply) => {
      await blockAccount(ctx, req.actor, req.params.accountId);
      return reply.status(204).send();
    });

    app.delete('/v1/blocks/:accountId', { schema: { tags: ['blocks'], summary: 'Unblock an account', params: AccountParams } }, async (req, reply) => {
      await unblockAccount(ctx, req.actor, req.params.accountId);
      return reply.status(204).send();
    });

    app.post(
      '/v1/reports',
      {
        schema: {
          tags: ['blocks'],
          summary: 'Report an account to the operators, and optionally block it',
          body: Type.Object(
            {
              accountId: Type.String({ minLength: 1, maxLength: 64 }),
              chatId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
              reason: Type.String({ maxLength: REPORT_REASON_MAX }),
              block: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Object({ id: Type.String() }) },
        },
      },
      async (req, reply) => reply.status(201).send(await reportAccount(ctx, req.actor, req.body)),
    );
  };
}
