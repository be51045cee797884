/**
 * End-to-end encrypted reactions through the real server: two people's devices (packages/e2e)
 * react with envelopes; the server stores them opaque, keeps one reaction per person per message
 * and its usual rules, and refuses them in a chat with a business.
 */
import { describe, expect, it } from 'vitest';
import { sealReaction } from '../../../packages/e2e/src/index.js';
import type { TestServer } from '../helpers/server.js';
import { api, openChat, signIn, WsClient } from '../helpers/clients.js';
import { newBusiness } from '../helpers/business.js';
import { asStored, databaseText, useE2eServer, type E2eClient } from '../helpers/e2e-client.js';

type ErrorBody = { error: { code: string } };
type Reactions = { accountId: string; emoji?: string; e2e?: { v: number; epoch: number; ct: string } }[];

describe('end-to-end encrypted reactions', () => {
  let server!: TestServer;
  const { start, pair } = useE2eServer((s) => (server = s));

  const updatedWith = (c: E2eClient, messageId: string, pred: (r: Reactions) => boolean) =>
    c.waitFor('message.updated', (u) => (u.message as { id: string }).id === messageId && pred((u.message as { reactions: Reactions }).reactions));

  it('decrypt only on the devices in the chat; replacement and removal work; the database holds no emoji', async () => {
    const { alice, bob, chatId } = await pair();
    const messageId = await alice.send(chatId, { kind: 'text', content: { text: 'lunch?' } });
    expect(await bob.receive(messageId)).toMatchObject({ content: { text: 'lunch?' } });

    const marker = '🦩';
    const reply = await bob.react(chatId, messageId, marker);
    expect(reply.type).toBe('reply');
    const stored = (reply.result as { message: { reactions: Reactions } }).message.reactions;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ accountId: bob.person.accountId, e2e: { v: 1 } });
    expect(stored[0]).not.toHaveProperty('emoji');

    await updatedWith(alice, messageId, (r) => r.length === 1);
    expect(alice.reactions.get(messageId)?.get(bob.person.accountId)).toBe(marker);

    // Alice reacts too: the update lists Bob's reaction again, which her device shows from its cache
    // (the same MLS message cannot be decrypted twice).
    await alice.react(chatId, messageId, '🍕');
    await updatedWith(bob, messageId, (r) => r.length === 2);
    await updatedWith(alice, messageId, (r) => r.length === 2);
    expect(Object.fromEntries(alice.reactions.get(messageId)!)).toEqual({ [bob.person.accountId]: marker, [alice.person.accountId]: '🍕' });
    expect(Object.fromEntries(bob.reactions.get(messageId)!)).toEqual({ [bob.person.accountId]: marker, [alice.person.accountId]: '🍕' });

    // Carol is not in the chat: she cannot see the message, and the ciphertext means nothing to her device.
    const carol = await start(await signIn(server));
    const asCarol = await carol.ws.request({ type: 'react', messageId, e2e: stored[0]!.e2e });
    expect(asCarol).toMatchObject({ type: 'error', code: 'MESSAGE_NOT_FOUND' });
    await expect(carol.device.decrypt(chatId, 'reaction', { e2e: stored[0]!.e2e })).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });

    // Bob replaces his reaction: still one per person.
    await bob.react(chatId, messageId, '👍');
    await updatedWith(alice, messageId, (r) => r.some((x) => x.accountId === bob.person.accountId && x.e2e?.ct !== stored[0]!.e2e!.ct));
    expect(alice.reactions.get(messageId)?.get(bob.person.accountId)).toBe('👍');
    const history = await api<{ messages: { id: string; reactions: Reactions }[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: alice.person.token });
    expect(history.body.messages.find((m) => m.id === messageId)!.reactions).toHaveLength(2);

    // Bob removes it (removal is unchanged: emoji null).
    expect((await bob.react(chatId, messageId, null)).type).toBe('reply');
    await updatedWith(alice, messageId, (r) => r.length === 1);
    expect([...alice.reactions.get(messageId)!.keys()]).toEqual([alice.person.accountId]);

    // A plaintext control reaction in a chat without encryption proves the search below can find an emoji.
    const dave = await signIn(server);
    const daveWs = await WsClient.connect(server, dave.token);
    const plainChat = await openChat(server, dave, carol.person);
    const sent = await daveWs.request({ type: 'send', chatId: plainChat, clientId: 'p1', kind: 'text', content: { text: 'hello' } });
    const control = '🦜';
    expect((await daveWs.request({ type: 'react', messageId: (sent.result as { messageId: string }).messageId, emoji: control })).type).toBe('reply');
    await daveWs.close();
    const text = await databaseText(server);
    expect(text).toContain(asStored(server, control));
    expect(text).not.toContain(asStored(server, marker));
    expect(text).not.toContain(asStored(server, '🍕'));
  });

  it('keeps the rules: exactly one of emoji and e2e, a size limit, not on deleted messages, and the server cannot move a reaction', async () => {
    const { alice, bob, chatId } = await pair();
    const messageId = await alice.send(chatId, { kind: 'text', content: { text: 'hi' } });
    const e2e = await sealReaction(bob.device, chatId, messageId, bob.person.accountId, '❤️');
    expect(await bob.ws.request({ type: 'react', messageId, emoji: '❤️', e2e })).toMatchObject({ type: 'error', code: 'VALIDATION_FAILED' });
    expect(await bob.ws.request({ type: 'react', messageId })).toMatchObject({ type: 'error', code: 'VALIDATION_FAILED' });
    expect(await bob.ws.request({ type: 'react', messageId, e2e: { ...e2e, ct: 'A'.repeat(4100) } })).toMatchObject({ type: 'error', code: 'VALIDATION_FAILED' });
    const http = await api<ErrorBody>(server, 'PUT', `/v1/messages/${messageId}/reaction`, { token: bob.person.token, body: { e2e: { ...e2e, ct: 'A'.repeat(4100) } } });
    expect(http.status).toBe(400);
    // Over HTTP too.
    const ok = await api<{ reactions: Reactions }>(server, 'PUT', `/v1/messages/${messageId}/reaction`, { token: bob.person.token, body: { e2e } });
    expect(ok.status).toBe(200);
    expect(ok.body.reactions).toEqual([{ accountId: bob.person.accountId, e2e }]);
    await updatedWith(alice, messageId, (r) => r.length === 1);
    expect(alice.reactions.get(messageId)?.get(bob.person.accountId)).toBe('❤️');

    // The server (or a database edit) moves Bob's reaction onto another message: devices refuse it.
    const other = await alice.send(chatId, { kind: 'text', content: { text: 'another' } });
    const moved = await sealReaction(bob.device, chatId, messageId, bob.person.accountId, '🔥');
    await server.parley.ctx.db.insertInto('reactions').values({ message_id: other, account_id: bob.person.accountId, emoji: '', e2e: JSON.stringify(moved), created_at: Date.now() }).execute();
    await alice.react(chatId, other, '👀');
    await updatedWith(alice, other, (r) => r.length === 2);
    expect(alice.reactions.get(other)?.get(bob.person.accountId)).toBe('failed:KIND_MISMATCH');

    expect((await api(server, 'DELETE', `/v1/messages/${messageId}`, { token: alice.person.token })).status).toBe(200);
    const again = await sealReaction(bob.device, chatId, messageId, bob.person.accountId, '😮');
    expect(await bob.ws.request({ type: 'react', messageId, e2e: again })).toMatchObject({ type: 'error', code: 'MESSAGE_DELETED' });
  });

  it('a chat with a business keeps plaintext emoji and refuses an encrypted reaction', async () => {
    const alice = await start(await signIn(server));
    const shop = await newBusiness(server);
    const chatId = await openChat(server, alice.person, shop);
    const sent = await alice.ws.request({ type: 'send', chatId, clientId: 'b1', kind: 'text', content: { text: 'open today?' } });
    const messageId = (sent.result as { messageId: string }).messageId;
    const envelope = { v: 1, epoch: 1, ct: Buffer.from('not really ciphertext').toString('base64') };
    expect(await alice.ws.request({ type: 'react', messageId, e2e: envelope })).toMatchObject({ type: 'error', code: 'E2E_NOT_FOR_BUSINESS' });
    const byShop = await api<ErrorBody>(server, 'PUT', `/v1/messages/${messageId}/reaction`, { token: shop.token, body: { e2e: envelope } });
    expect(byShop.body.error.code).toBe('E2E_NOT_FOR_BUSINESS');
    expect(await server.parley.ctx.db.selectFrom('reactions').selectAll().where('message_id', '=', messageId).execute()).toEqual([]);
    const plain = await api<{ reactions: Reactions }>(server, 'PUT', `/v1/messages/${messageId}/reaction`, { token: shop.token, body: { emoji: '👍' } });
    expect(plain.body.reactions).toEqual([{ accountId: shop.accountId, emoji: '👍' }]);
  });
});
