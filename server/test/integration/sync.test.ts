import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, openChat, signIn, WsClient, type Person } from '../helpers/clients.js';

type Chat = { id: string; lastSeq: number; unreadCount: number; readSeq: number; members: { accountId: string; deliveredSeq: number; readSeq: number }[]; lastMessage: { id: string; content: unknown; reactions: unknown[]; editedAt: number | null } | null };

describe('store and forward', () => {
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

  it('an offline device gets everything it missed, in order, exactly once, then live traffic', async () => {
    const chatId = await openChat(server, alice, bob);
    const a = await connect(alice);
    const b1 = await connect(bob);
    expect(await b1.silentFor(100)).toBe(true); // nothing yet
    await a.request({ type: 'send', chatId, clientId: 'm0', kind: 'text', content: { text: 'm0' } });
    const seen = await b1.nextUpdate('message.created');
    await b1.request({ type: 'ack', seq: seen.seq });
    const cursor = seen.seq;
    await b1.close();

    for (let i = 1; i <= 30; i++) await a.request({ type: 'send', chatId, clientId: `m${i}`, kind: 'text', content: { text: `m${i}` } });

    const b2 = await connect(bob, { sync: cursor });
    await a.request({ type: 'send', chatId, clientId: 'live', kind: 'text', content: { text: 'live' } });
    await b2.next((f) => f.type === 'update' && (f.update as { message?: { clientId: string } }).message?.clientId === 'live');

    const texts = b2.updates('message.created').map((u) => (u.update.message!.content as { text: string }).text);
    expect(texts).toEqual([...Array.from({ length: 30 }, (_, i) => `m${i + 1}`), 'live']);
    const seqs = b2.updates().map((u) => u.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs[0]).toBe(cursor + 1);
  });

  it('resuming from a cursor converges on a fresh fetch (edits, deletes, reactions, receipts)', async () => {
    const chatId = await openChat(server, alice, bob);
    const a = await connect(alice);
    const b = await connect(bob);
    const cursor = (b.hello.updateSeq as number) ?? 0;
    await b.close();

    const s1 = await a.request({ type: 'send', chatId, clientId: 'x1', kind: 'text', content: { text: 'first' } });
    const s2 = await a.request({ type: 'send', chatId, clientId: 'x2', kind: 'text', content: { text: 'second' } });
    const id1 = (s1.result as { messageId: string }).messageId;
    const id2 = (s2.result as { messageId: string }).messageId;
    expect((await a.request({ type: 'edit', messageId: id1, content: { text: 'first (edited)' } })).type).toBe('reply');
    expect((await a.request({ type: 'delete', messageId: id2 })).type).toBe('reply');
    expect((await a.request({ type: 'react', messageId: id1, emoji: '👍' })).type).toBe('reply');

    // Bob replays from his cursor and applies the updates to his (empty) state.
    const b2 = await connect(bob, { sync: cursor });
    const state = new Map<string, { content: unknown; reactions: unknown[]; editedAt: number | null; deletedAt: number | null }>();
    for (const u of b2.updates()) {
      const m = u.update.message as { id: string; content: unknown; reactions: unknown[]; editedAt: number | null; deletedAt: number | null } | undefined;
      if (m) state.set(m.id, m);
    }
    const fresh = await api<{ messages: { id: string; content: unknown; reactions: unknown[]; editedAt: number | null; deletedAt: number | null }[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: bob.token });
    expect(fresh.body.messages.map((m) => m.id)).toEqual([id1, id2]);
    for (const m of fresh.body.messages) {
      expect(state.get(m.id)).toMatchObject({ content: m.content, reactions: m.reactions, editedAt: m.editedAt, deletedAt: m.deletedAt });
    }
    expect(state.get(id2)!.content).toBeNull();
    expect(state.get(id1)!.reactions).toEqual([{ accountId: alice.accountId, emoji: '👍' }]);
  });

  it('every device of an account receives every message, including the sender\'s other devices', async () => {
    const alice2 = await signIn(server, alice.phone, 'Alice laptop');
    expect(alice2.accountId).toBe(alice.accountId);
    const chatId = await openChat(server, alice, bob);
    const a1 = await connect(alice);
    const a2 = await connect(alice2);
    const b1 = await connect(bob);
    const bob2 = await signIn(server, bob.phone, 'Bob tablet');
    const b2 = await connect(bob2);

    await a1.request({ type: 'send', chatId, clientId: 'multi', kind: 'text', content: { text: 'to all devices' } });
    for (const c of [a2, b1, b2]) {
      const u = await c.nextUpdate('message.created');
      expect(u.update.message).toMatchObject({ clientId: 'multi' });
    }
    // Reading on one of Bob's devices clears the unread count on the other.
    const bobChats = await api<{ chats: Chat[] }>(server, 'GET', '/v1/chats', { token: bob2.token });
    expect(bobChats.body.chats[0]!.unreadCount).toBe(1);
    await b1.request({ type: 'read', chatId, seq: 1 });
    const own = await b2.next((f) => f.type === 'update' && (f.update as { type: string; accountId?: string }).type === 'chat.receipts' && (f.update as { accountId: string }).accountId === bob.accountId);
    expect(own.update).toMatchObject({ readSeq: 1 });
    const after = await api<{ chats: Chat[] }>(server, 'GET', '/v1/chats', { token: bob2.token });
    expect(after.body.chats[0]!.unreadCount).toBe(0);
  });

  it('status reaches the sender after reconnect', async () => {
    const chatId = await openChat(server, alice, bob);
    const a = await connect(alice);
    await a.request({ type: 'send', chatId, clientId: 'st', kind: 'text', content: { text: 'status?' } });
    const own = await a.nextUpdate('message.created');
    await a.request({ type: 'ack', seq: own.seq });
    const cursor = own.seq;
    await a.close();

    const b = await connect(bob, { sync: 0 });
    const got = await b.nextUpdate('message.created');
    await b.request({ type: 'ack', seq: got.seq });
    await b.request({ type: 'read', chatId, seq: 1 });

    // Wait for the read to be committed, then reconnect Alice from her cursor.
    await new Promise((r) => setTimeout(r, 100));
    const a2 = await connect(alice, { sync: cursor });
    const receipts = a2.updates('chat.receipts').map((u) => u.update);
    expect(receipts.at(-1)).toMatchObject({ accountId: bob.accountId, deliveredSeq: 1, readSeq: 1 });
  });

  it('read receipts off: the reader sends none and sees none', async () => {
    const chatId = await openChat(server, alice, bob);
    // Bob turns read receipts off (direct DB write: the privacy endpoint is tested elsewhere).
    await server.parley.ctx.db.updateTable('accounts').set({ read_receipts: 0 }).where('id', '=', bob.accountId).execute();
    const a = await connect(alice);
    const b = await connect(bob);
    await a.request({ type: 'send', chatId, clientId: 'r1', kind: 'text', content: { text: 'did you read?' } });
    const got = await b.nextUpdate('message.created');
    await b.request({ type: 'ack', seq: got.seq });
    const delivered = await a.nextUpdate('chat.receipts');
    expect(delivered.update).toMatchObject({ deliveredSeq: 1, readSeq: 0 });
    await b.request({ type: 'read', chatId, seq: 1 });
    expect(await a.silentFor(300, (f) => f.type === 'update' && (f.update as { readSeq?: number }).readSeq === 1)).toBe(true);
    const history = await api<{ messages: { status: string }[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: alice.token });
    expect(history.body.messages[0]!.status).toBe('delivered');

    // Bob writes back and Alice reads: Bob (receipts off) does not see it as read.
    await b.request({ type: 'send', chatId, clientId: 'r2', kind: 'text', content: { text: 'no receipts here' } });
    await a.request({ type: 'read', chatId, seq: 2 });
    await new Promise((r) => setTimeout(r, 100));
    const bobView = await api<{ messages: { status?: string; clientId: string }[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: bob.token });
    expect(bobView.body.messages.find((m) => m.clientId === 'r2')!.status).toBe('delivered');
  });

  it('a restart in the middle of a conversation loses nothing that was acknowledged', async () => {
    const chatId = await openChat(server, alice, bob);
    const a = await connect(alice);
    const acked: string[] = [];
    const sends = Array.from({ length: 40 }, (_, i) =>
      a.request({ type: 'send', chatId, clientId: `k${i}`, kind: 'text', content: { text: `k${i}` } }).then((f) => {
        if (f.type === 'reply') acked.push(`k${i}`);
      }, () => undefined),
    );
    await Promise.all(sends.slice(0, 20));
    await server.restart();
    await Promise.allSettled(sends);
    expect(acked.length).toBeGreaterThanOrEqual(20);
    sockets.length = 0;

    const b = await connect(bob, { sync: 0 });
    await new Promise((r) => setTimeout(r, 200));
    const got = new Set(b.updates('message.created').map((u) => (u.update.message!.content as { text: string }).text));
    for (const k of acked) expect(got.has(k)).toBe(true);
    const history = await api<{ messages: { clientId: string; seq: number }[] }>(server, 'GET', `/v1/chats/${chatId}/messages?limit=200`, { token: bob.token });
    const ids = history.body.messages.map((m) => m.clientId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(history.body.messages.map((m) => m.seq)).toEqual(history.body.messages.map((_, i) => i + 1));

    // The client resends what was not acknowledged: no duplicates.
    const a2 = await connect(alice);
    for (let i = 0; i < 40; i++) await a2.request({ type: 'send', chatId, clientId: `k${i}`, kind: 'text', content: { text: `k${i}` } });
    const final = await api<{ messages: unknown[] }>(server, 'GET', `/v1/chats/${chatId}/messages?limit=200`, { token: bob.token });
    expect(final.body.messages).toHaveLength(40);
  });
});
