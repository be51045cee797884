/**
 * The customer's side of chats with a Business API business: the `api` flag of the business badge
 * (shown wherever the badge is), and block / report reaching such a business like any other.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Chat, PublicProfile } from '#contracts/models.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, openChat, signIn } from '../helpers/clients.js';
import { signInBusiness } from '../helpers/business.js';
import { apiBusiness, customerWrites, digits, graph, helloWorld } from '../helpers/api-business.js';

describe('Business API: the customer side', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('flags the badge of a business once it has turned API access on, in its profile and in the chat list', async () => {
    const customer = await signIn(server);
    const shop = await signInBusiness(server);
    const chatId = await openChat(server, customer, shop);

    const before = await api<PublicProfile>(server, 'GET', `/v1/accounts/${shop.accountId}`, { token: customer.token });
    expect(before.body.business).toEqual({ name: 'Chez Léa', category: 'restaurant', verified: false, api: false });

    const on = await api<{ numbers: { phoneNumberId: string }[] }>(server, 'POST', '/v1/business/api/enable', { token: shop.token });
    expect(on.status).toBe(200);
    const tok = await api<{ token: string }>(server, 'POST', '/v1/business/api/tokens', { token: shop.token, body: { scopes: ['messaging'] } });
    // A message makes the chat show in the customer's list.
    // (A template: the customer never wrote, so free-form messages are not allowed.)
    const sent = await graph(server, tok.body.token, 'POST', `/${on.body.numbers[0]!.phoneNumberId}/messages`, helloWorld(digits(customer.phone)));
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);

    const after = await api<PublicProfile>(server, 'GET', `/v1/accounts/${shop.accountId}`, { token: customer.token });
    expect(after.body.business).toEqual({ name: 'Chez Léa', category: 'restaurant', verified: false, api: true });
    const list = await api<{ chats: Chat[] }>(server, 'GET', '/v1/chats', { token: customer.token });
    expect(list.body.chats.find((c) => c.id === chatId)?.peer.business).toMatchObject({ api: true });
    const one = await api<Chat>(server, 'GET', `/v1/chats/${chatId}`, { token: customer.token });
    expect(one.body.peer.business?.api).toBe(true);

    // Another business without API access keeps api: false; a person has no badge at all.
    const other = await signInBusiness(server, { name: 'Velo', category: 'automotive' });
    const otherSeen = await api<PublicProfile>(server, 'GET', `/v1/accounts/${other.accountId}`, { token: customer.token });
    expect(otherSeen.body.business).toMatchObject({ name: 'Velo', api: false });
    const person = await signIn(server);
    const personSeen = await api<PublicProfile>(server, 'GET', `/v1/accounts/${person.accountId}`, { token: customer.token });
    expect(personSeen.body.business).toBeNull();
  });

  it('lets a customer block and report an API business; a blocked customer gets nothing from its API', async () => {
    const customer = await signIn(server);
    const shop = await apiBusiness(server, null);
    const chatId = await openChat(server, customer, shop);

    await customerWrites(server, customer, shop);
    const sent = await graph(server, shop.apiToken, 'POST', `/${shop.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: digits(customer.phone), type: 'text', text: { body: 'Hello from the API' } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);

    const report = await api<{ id: string }>(server, 'POST', '/v1/reports', { token: customer.token, body: { accountId: shop.accountId, chatId, reason: 'Spam', block: true } });
    expect(report.status).toBe(201);
    const blocked = await api<{ blocked: PublicProfile[] }>(server, 'GET', '/v1/blocks', { token: customer.token });
    expect(blocked.body.blocked.map((p) => p.id)).toEqual([shop.accountId]);
    expect(blocked.body.blocked[0]?.business).toMatchObject({ api: true });

    const count = async () => (await api<{ messages: unknown[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: customer.token })).body.messages.length;
    const seenBefore = await count();
    await graph(server, shop.apiToken, 'POST', `/${shop.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: digits(customer.phone), type: 'text', text: { body: 'After the block' } });
    expect(await count()).toBe(seenBefore);

    const unblock = await api(server, 'DELETE', `/v1/blocks/${shop.accountId}`, { token: customer.token });
    expect(unblock.status).toBe(204);
  });
});
