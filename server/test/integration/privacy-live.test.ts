import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, openChat, signIn, WsClient, type Person } from '../helpers/clients.js';

describe('blocks and privacy take effect live', () => {
  let server: TestServer;
  let alice: Person;
  let bob: Person;
  const sockets: WsClient[] = [];
  const connect = async (p: Person) => {
    const c = await WsClient.connect(server, p.token);
    sockets.push(c);
    return c;
  };
  beforeEach(async () => {
    server = await startServer();
    alice = await signIn(server);
    bob = await signIn(server);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) await s.close();
    await server.close();
  });

  it('a message to someone who blocked you stays "sent" even after later ones are delivered and read', async () => {
    const chatId = await openChat(server, alice, bob);
    const a = await connect(alice);
    const b = await connect(bob);
    expect((await api(server, 'PUT', `/v1/blocks/${alice.accountId}`, { token: bob.token })).status).toBe(204);
    const held = await a.request({ type: 'send', chatId, clientId: 'held', kind: 'text', content: { text: 'are you there?' } });
    expect(held.type).toBe('reply');
    const own = await a.next((f) => f.type === 'update' && (f.update as { message?: { clientId: string } }).message?.clientId === 'held');
    expect((own.update as { message: { undeliverable?: boolean } }).message.undeliverable).toBe(true);
    expect(await b.silentFor(150, (f) => f.type === 'update')).toBe(true);

    // Bob's chat list does not move for it.
    const before = await api<{ chats: { lastActivityAt: number; lastSeq: number; unreadCount: number }[] }>(server, 'GET', '/v1/chats', { token: bob.token });
    expect(before.body.chats).toHaveLength(0);

    // Bob unblocks; a later message is delivered and read; the held one stays "sent".
    await api(server, 'DELETE', `/v1/blocks/${alice.accountId}`, { token: bob.token });
    await a.request({ type: 'send', chatId, clientId: 'later', kind: 'text', content: { text: 'hello?' } });
    const got = await b.nextUpdate('message.created');
    expect(got.update.message).toMatchObject({ clientId: 'later' });
    await b.request({ type: 'ack', seq: got.seq });
    await b.request({ type: 'read', chatId, seq: got.update.message!.seq as number });
    await new Promise((r) => setTimeout(r, 100));
    const history = await api<{ messages: { clientId: string; status: string }[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: alice.token });
    expect(history.body.messages.map((m) => [m.clientId, m.status])).toEqual([
      ['held', 'sent'],
      ['later', 'read'],
    ]);
    const bobHistory = await api<{ messages: { clientId: string }[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: bob.token });
    expect(bobHistory.body.messages.map((m) => m.clientId)).toEqual(['later']);
  });

  it('a block or a read-receipts change made while messages flow applies to the very next message, whoever writes it', async () => {
    const chatId = await openChat(server, alice, bob);
    const a = await connect(alice);
    const b = await connect(bob);
    const exchange = async (clientId: string) => {
      await a.request({ type: 'send', chatId, clientId, kind: 'text', content: { text: clientId } });
      const got = await b.nextUpdate('message.created');
      expect(got.update.message).toMatchObject({ clientId });
      await b.request({ type: 'ack', seq: got.seq });
      return got;
    };
    // Messages flow both ways first (the server has seen both settings and that there is no block).
    const first = await exchange('m1');
    expect((await a.nextUpdate('chat.receipts')).update).toMatchObject({ deliveredSeq: 1, readSeq: 0 });
    await b.request({ type: 'read', chatId, seq: first.update.message!.seq as number });
    expect((await a.nextUpdate('chat.receipts')).update).toMatchObject({ deliveredSeq: 1, readSeq: 1 });

    // Bob turns read receipts off: the next delivery receipt no longer shows his read cursor.
    expect((await api(server, 'PATCH', '/v1/me/privacy', { token: bob.token, body: { readReceipts: false } })).status).toBe(200);
    await exchange('m2');
    expect((await a.nextUpdate('chat.receipts')).update).toMatchObject({ deliveredSeq: 2, readSeq: 0 });

    // On again, written straight to the database this time: the next receipt shows it again.
    await server.parley.ctx.db.updateTable('accounts').set({ read_receipts: 1 }).where('id', '=', bob.accountId).execute();
    await exchange('m3');
    expect((await a.nextUpdate('chat.receipts')).update).toMatchObject({ deliveredSeq: 3, readSeq: 1 });

    // A block written straight to the database: Alice's next message is withheld from Bob.
    await server.parley.ctx.db.insertInto('blocks').values({ blocker_id: bob.accountId, blocked_id: alice.accountId, created_at: Date.now() }).execute();
    await a.request({ type: 'send', chatId, clientId: 'm4', kind: 'text', content: { text: 'm4' } });
    const own = await a.next((f) => f.type === 'update' && (f.update as { message?: { clientId: string } }).message?.clientId === 'm4');
    expect((own.update as { message: { undeliverable?: boolean } }).message.undeliverable).toBe(true);
    expect(await b.silentFor(150, (f) => f.type === 'update' && (f.update as { type: string }).type === 'message.created')).toBe(true);
    // Unblocked through the API: the next one arrives.
    await api(server, 'DELETE', `/v1/blocks/${alice.accountId}`, { token: bob.token });
    await exchange('m5');
  });

  it('a watcher stops seeing presence as soon as it is blocked', async () => {
    const a = await connect(alice);
    const b1 = await connect(bob);
    await a.request({ type: 'watch', accountIds: [bob.accountId] });
    await b1.close();
    expect(await a.next((f) => f.type === 'presence')).toMatchObject({ accountId: bob.accountId, online: false });

    const bobAgain = await connect(bob);
    expect(await a.next((f) => f.type === 'presence')).toMatchObject({ online: true });
    await api(server, 'PUT', `/v1/blocks/${alice.accountId}`, { token: bob.token });
    await bobAgain.close();
    expect(await a.silentFor(300, (f) => f.type === 'presence')).toBe(true);
  });

  it("the account's other devices are told to refresh after a profile change", async () => {
    const laptop = await signIn(server, alice.phone, 'laptop');
    const other = await connect(laptop);
    const r = await api(server, 'PATCH', '/v1/me', { token: alice.token, body: { displayName: 'Alice' } });
    expect(r.status).toBe(200);
    expect(await other.next((f) => f.type === 'refresh')).toMatchObject({ what: 'account' });
  });
});
