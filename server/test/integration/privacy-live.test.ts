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
