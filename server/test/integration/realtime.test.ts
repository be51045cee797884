import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, openChat, signIn, WsClient, type Person } from '../helpers/clients.js';

describe('the real-time protocol', () => {
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
    server = await startServer({ config: { PARLEY_HEARTBEAT_MS: 1000 } });
    alice = await signIn(server);
    bob = await signIn(server);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) await s.close();
    await server.close();
  });

  it('refuses a socket without a valid token', async () => {
    for (const url of [server.wsUrl, `${server.wsUrl}?token=pdt_nope`]) {
      const ws = new WebSocket(url);
      const status = await new Promise<number>((resolve) => {
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => resolve(101));
        ws.on('error', () => undefined);
      });
      expect(status).toBe(401);
    }
  });

  it('accepts the token as a query parameter (browsers)', async () => {
    const ws = new WebSocket(`${server.wsUrl}?token=${encodeURIComponent(alice.token)}`);
    const hello = await new Promise<{ type: string; accountId: string }>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
    expect(hello).toMatchObject({ type: 'hello', accountId: alice.accountId, protocol: 1 });
    ws.close();
  });

  it('answers bad frames with error codes and keeps the connection usable', async () => {
    const a = await connect(alice);
    const cases: [string, string][] = [
      ['not json', 'FRAME_MALFORMED'],
      ['[1,2]', 'FRAME_MALFORMED'],
      ['{"id":"x"}', 'FRAME_MALFORMED'],
      ['{"type":"teleport","id":"t1"}', 'FRAME_UNKNOWN_TYPE'],
      ['{"type":"send","id":"s1"}', 'VALIDATION_FAILED'],
      ['{"type":"send","id":"s2","chatId":"chat_x","clientId":"c","kind":"text","content":{"text":"x"},"evil":1}', 'VALIDATION_FAILED'],
      [JSON.stringify({ type: 'send', id: 's3', chatId: 'chat_x', clientId: 'c', kind: 'text', content: { text: 'x'.repeat(70_000) } }), 'FRAME_TOO_LARGE'],
      ['{"type":"send","id":"s4","chatId":"chat_nope","clientId":"c","kind":"text","content":{"text":"x"}}', 'CHAT_NOT_FOUND'],
      ['{"type":"ack","id":"a1","seq":999}', 'VALIDATION_FAILED'],
      ['{"type":"sync","id":"y1","after":0}', 'VALIDATION_FAILED'],
    ];
    for (const [raw, code] of cases) {
      const err = a.next((f) => f.type === 'error');
      a.sendRaw(raw);
      expect(await err, raw.slice(0, 50)).toMatchObject({ type: 'error', code });
    }
    const errWithId = a.next((f) => f.type === 'error' && f.id === 't1');
    a.sendRaw('{"type":"teleport","id":"t1"}');
    expect(await errWithId).toMatchObject({ code: 'FRAME_UNKNOWN_TYPE' });
    expect(await a.request({ type: 'ping' })).toMatchObject({ type: 'reply' });
    const chats = await api<{ chats: unknown[] }>(server, 'GET', '/v1/chats', { token: alice.token });
    expect(chats.body.chats).toHaveLength(0);
  });

  it('typing reaches the other member only', async () => {
    const chatId = await openChat(server, alice, bob);
    const carol = await signIn(server);
    const a = await connect(alice);
    const b = await connect(bob);
    const c = await connect(carol);
    expect(await a.request({ type: 'typing', chatId, state: 'composing' })).toMatchObject({ type: 'reply' });
    expect(await b.next((f) => f.type === 'typing')).toMatchObject({ chatId, accountId: alice.accountId, state: 'composing' });
    expect(await c.silentFor(150)).toBe(true);
    expect(await a.silentFor(50, (f) => f.type === 'typing')).toBe(true);
  });

  it('presence: online and last seen, following privacy and blocks', async () => {
    const a = await connect(alice);
    const b = await connect(bob);
    const watched = await a.request({ type: 'watch', accountIds: [bob.accountId] });
    expect(watched.result).toEqual({ presence: [{ accountId: bob.accountId, online: true, lastSeenAt: null }] });
    await b.close();
    const off = await a.next((f) => f.type === 'presence');
    expect(off).toMatchObject({ accountId: bob.accountId, online: false });
    expect(typeof off.lastSeenAt).toBe('number');

    // Bob hides last seen from everyone: Alice sees neither online nor last seen.
    await server.parley.ctx.db.updateTable('accounts').set({ privacy_last_seen: 'nobody', privacy_online: 'same_as_last_seen' }).where('id', '=', bob.accountId).execute();
    const again = await a.request({ type: 'watch', accountIds: [bob.accountId] });
    expect(again.result).toEqual({ presence: [{ accountId: bob.accountId, online: null, lastSeenAt: null }] });
    await connect(bob);
    expect(await a.silentFor(150, (f) => f.type === 'presence')).toBe(true);

    // Blocked: nothing either.
    await server.parley.ctx.db.updateTable('accounts').set({ privacy_last_seen: 'everyone', privacy_online: 'everyone' }).where('id', '=', bob.accountId).execute();
    await server.parley.ctx.db.insertInto('blocks').values({ blocker_id: bob.accountId, blocked_id: alice.accountId, created_at: Date.now() }).execute();
    const blocked = await a.request({ type: 'watch', accountIds: [bob.accountId] });
    expect(blocked.result).toEqual({ presence: [{ accountId: bob.accountId, online: null, lastSeenAt: null }] });
  });

  it('stores the sends of one connection in the order they arrived, without waiting for each to be stored', async () => {
    const chatId = await openChat(server, alice, bob);
    const a = await connect(alice);
    const b = await connect(bob);
    // Sent back to back: by chat id, by phone number (a slower path), a bad one, a resend of the first.
    const frames: Record<string, unknown>[] = [
      { type: 'send', chatId, clientId: 'p1', kind: 'text', content: { text: 'one' } },
      { type: 'send', to: bob.phone, clientId: 'p2', kind: 'text', content: { text: 'two' } },
      { type: 'send', chatId, clientId: 'p3', kind: 'image', content: { caption: 'no media' } },
      { type: 'send', chatId, clientId: 'p4', kind: 'text', content: { text: 'four' } },
      { type: 'send', chatId, clientId: 'p1', kind: 'text', content: { text: 'one' } },
      { type: 'send', chatId, clientId: 'p6', kind: 'text', content: { text: 'six' } },
    ];
    const answers = await Promise.all(frames.map((f) => a.request(f)));
    expect(answers.map((r) => r.type)).toEqual(['reply', 'reply', 'error', 'reply', 'reply', 'reply']);
    const seqs = answers.map((r) => (r.result as { seq?: number } | undefined)?.seq);
    expect(seqs).toEqual([1, 2, undefined, 3, 1, 4]);
    expect((answers[4]!.result as { duplicate: boolean }).duplicate).toBe(true);
    for (const text of ['one', 'two', 'four', 'six']) await b.next((f) => f.type === 'update' && (f.update as { message?: { content?: { text?: string } } }).message?.content?.text === text);
    expect(b.updates('message.created').map((u) => u.update.message!.seq)).toEqual([1, 2, 3, 4]);
  });

  it('closes a connection that stops answering pings', async () => {
    const ws = new WebSocket(server.wsUrl, { headers: { authorization: `Bearer ${alice.token}` }, autoPong: false });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((resolve) => ws.once('message', resolve));
    expect(server.parley.gateway.size).toBe(1);
    const code = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 5000))]);
    expect(code).toBe(4008);
    expect(server.parley.gateway.size).toBe(0);
  });
});
