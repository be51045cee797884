import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, openChat, signIn, WsClient, type Person } from '../helpers/clients.js';

describe('two people chatting', () => {
  let server: TestServer;
  let alice: Person;
  let bob: Person;
  const sockets: WsClient[] = [];
  const connect = async (p: Person, opts?: { sync?: number | false }) => {
    const c = await WsClient.connect(server, p.token, opts);
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

  it('delivers a message live, then reports delivered and read to the sender', async () => {
    const chatId = await openChat(server, alice, bob);
    const a = await connect(alice);
    const b = await connect(bob);

    const reply = await a.request({ type: 'send', chatId, clientId: 'c1', kind: 'text', content: { text: 'Bonjour Bob' } });
    expect(reply).toMatchObject({ type: 'reply', result: { chatId, seq: 1, duplicate: false } });

    const got = await b.nextUpdate('message.created');
    expect(got.update.message).toMatchObject({ chatId, seq: 1, senderId: alice.accountId, kind: 'text', content: { text: 'Bonjour Bob' } });

    // Bob's device acknowledges: Alice sees "delivered".
    const delivered = a.next((f) => f.type === 'update' && (f.update as { type: string; deliveredSeq: number }).type === 'chat.receipts' && (f.update as { deliveredSeq: number }).deliveredSeq === 1);
    await b.request({ type: 'ack', seq: got.seq });
    expect((await delivered).update).toMatchObject({ chatId, accountId: bob.accountId, deliveredSeq: 1, readSeq: 0 });

    // Bob reads: Alice sees "read".
    const read = a.next((f) => f.type === 'update' && (f.update as { readSeq?: number }).readSeq === 1);
    await b.request({ type: 'read', chatId, seq: 1 });
    expect((await read).update).toMatchObject({ accountId: bob.accountId, readSeq: 1 });

    const history = await api<{ messages: { status: string }[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: alice.token });
    expect(history.body.messages[0]!.status).toBe('read');
  });

  it('never stores a resend with the same client id twice', async () => {
    const chatId = await openChat(server, alice, bob);
    const a = await connect(alice);
    const first = await a.request({ type: 'send', chatId, clientId: 'same', kind: 'text', content: { text: 'once' } });
    const again = await a.request({ type: 'send', chatId, clientId: 'same', kind: 'text', content: { text: 'once' } });
    expect(again.result).toMatchObject({ messageId: (first.result as { messageId: string }).messageId, duplicate: true });
    const history = await api<{ messages: unknown[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: bob.token });
    expect(history.body.messages).toHaveLength(1);
  });

  it('stores a send and its resend sent at once (one group commit) once, and the next message takes the next seq', async () => {
    const chatId = await openChat(server, alice, bob);
    const a = await connect(alice);
    const send = (clientId: string) => a.request({ type: 'send', chatId, clientId, kind: 'text', content: { text: clientId } });
    const [first, again, other] = await Promise.all([send('twice'), send('twice'), send('other')]);
    const id = (first.result as { messageId: string }).messageId;
    expect(first.result).toMatchObject({ seq: 1, duplicate: false });
    expect(again.result).toMatchObject({ messageId: id, seq: 1, duplicate: true });
    expect(other.result).toMatchObject({ seq: 2, duplicate: false });
    const history = await api<{ messages: { clientId: string; seq: number }[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: bob.token });
    expect(history.body.messages.map((m) => [m.clientId, m.seq])).toEqual([
      ['twice', 1],
      ['other', 2],
    ]);
  });
});
