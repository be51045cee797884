/**
 * Blocking and reporting, and what a block does to messaging and profiles, through the real server.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, openChat, signIn, WsClient, type Person } from '../helpers/clients.js';
import { newId } from '../../src/platform/ids.js';

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };
type Profile = { id: string; about: string | null; photoMediaId: string | null; blocked: boolean; displayName: string };
type Message = { id: string; clientId: string; senderId: string; status?: string };

describe('blocks and reports', () => {
  let server: TestServer;
  let alice: Person;
  let bob: Person;
  const sockets: WsClient[] = [];
  const connect = async (p: Person) => {
    const c = await WsClient.connect(server, p.token);
    sockets.push(c);
    return c;
  };
  const block = (who: Person, whom: string) => api<ErrorBody>(server, 'PUT', `/v1/blocks/${whom}`, { token: who.token });
  const blockedBy = async (who: Person) => (await api<{ blocked: Profile[] }>(server, 'GET', '/v1/blocks', { token: who.token })).body.blocked;
  const history = async (who: Person, chatId: string) => (await api<{ messages: Message[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: who.token })).body.messages;

  beforeEach(async () => {
    server = await startServer();
    alice = await signIn(server);
    bob = await signIn(server);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) await s.close();
    await server.close();
  });

  describe('blocking', () => {
    it('blocks (idempotently), lists, and unblocks (idempotently)', async () => {
      const carol = await signIn(server);
      expect((await block(bob, alice.accountId)).status).toBe(204);
      expect((await block(bob, alice.accountId)).status).toBe(204);
      expect((await block(bob, carol.accountId)).status).toBe(204);
      const list = await blockedBy(bob);
      expect(list.map((p) => p.id).sort()).toEqual([alice.accountId, carol.accountId].sort());
      expect(list.every((p) => p.blocked)).toBe(true);
      expect(await blockedBy(alice)).toEqual([]);

      expect((await api(server, 'DELETE', `/v1/blocks/${alice.accountId}`, { token: bob.token })).status).toBe(204);
      expect((await api(server, 'DELETE', `/v1/blocks/${alice.accountId}`, { token: bob.token })).status).toBe(204);
      expect((await api(server, 'DELETE', '/v1/blocks/acc_neverexisted000', { token: bob.token })).status).toBe(204);
      expect((await blockedBy(bob)).map((p) => p.id)).toEqual([carol.accountId]);
    });

    it('refuses blocking oneself (CANNOT_BLOCK_SELF) and unknown accounts (ACCOUNT_NOT_FOUND)', async () => {
      const self = await block(bob, bob.accountId);
      expect(self.status).toBe(400);
      expect(self.body.error.code).toBe('CANNOT_BLOCK_SELF');
      const unknown = await block(bob, 'acc_neverexisted000');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('ACCOUNT_NOT_FOUND');
      const malformed = await api<ErrorBody>(server, 'PUT', `/v1/blocks/${alice.accountId}`, { token: bob.token, body: '{"x":' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.code).toBe('MALFORMED_JSON');
      expect(await blockedBy(bob)).toEqual([]);
    });

    it('after Bob blocks Alice, her message is acknowledged to her but never reaches Bob', async () => {
      const chatId = await openChat(server, alice, bob);
      const a = await connect(alice);
      const b = await connect(bob);
      const before = await a.request({ type: 'send', chatId, clientId: 'before', kind: 'text', content: { text: 'hi Bob' } });
      expect(before.type).toBe('reply');
      const got = await b.nextUpdate('message.created');
      const delivered = a.next((f) => f.type === 'update' && (f.update as { deliveredSeq?: number }).deliveredSeq === 1);
      await b.request({ type: 'ack', seq: got.seq });
      await delivered;

      expect((await block(bob, alice.accountId)).status).toBe(204);
      const reply = await a.request({ type: 'send', chatId, clientId: 'during', kind: 'text', content: { text: 'are you there?' } });
      expect(reply).toMatchObject({ type: 'reply', result: { chatId, seq: 2, duplicate: false } });
      // Alice's own devices see it as sent…
      const own = await a.next((f) => f.type === 'update' && (f.update as { message?: { clientId: string } }).message?.clientId === 'during');
      expect(own.update).toMatchObject({ type: 'message.created', message: { senderId: alice.accountId, seq: 2 } });
      // …Bob's socket gets nothing, not even typing.
      await a.request({ type: 'typing', chatId, state: 'composing' });
      expect(await b.silentFor(400, (f) => f.type === 'update' || f.type === 'typing')).toBe(true);

      expect((await history(bob, chatId)).map((m) => m.clientId)).toEqual(['before']);
      const hers = await history(alice, chatId);
      expect(hers.map((m) => [m.clientId, m.status])).toEqual([
        ['before', 'delivered'],
        ['during', 'sent'],
      ]);
      const bobsChats = await api<{ chats: { id: string; unreadCount: number; lastMessage: Message | null }[] }>(server, 'GET', '/v1/chats', { token: bob.token });
      expect(bobsChats.body.chats.find((c) => c.id === chatId)).toMatchObject({ unreadCount: 1, lastMessage: { clientId: 'before' } });

      // Even a reconnect and replay does not bring it.
      await b.close();
      const again = await WsClient.connect(server, bob.token, { sync: 0 });
      sockets.push(again);
      expect(again.updates('message.created').map((u) => u.update.message!.clientId)).toEqual(['before']);
    });

    it('Bob cannot send to someone he blocked: CONTACT_BLOCKED, on the socket and over HTTP', async () => {
      const chatId = await openChat(server, bob, alice);
      await block(bob, alice.accountId);
      const b = await connect(bob);
      const ws = await b.request({ type: 'send', chatId, clientId: 'x1', kind: 'text', content: { text: 'hey' } });
      expect(ws).toMatchObject({ type: 'error', code: 'CONTACT_BLOCKED' });
      const byTo = await b.request({ type: 'send', to: alice.accountId, clientId: 'x2', kind: 'text', content: { text: 'hey' } });
      expect(byTo).toMatchObject({ type: 'error', code: 'CONTACT_BLOCKED' });
      const http = await api<ErrorBody>(server, 'POST', `/v1/chats/${chatId}/messages`, { token: bob.token, body: { clientId: 'x3', kind: 'text', content: { text: 'hey' } } });
      expect(http.status).toBe(403);
      expect(http.body.error.code).toBe('CONTACT_BLOCKED');
      expect(await history(bob, chatId)).toEqual([]);
      expect(await history(alice, chatId)).toEqual([]);

      // After unblocking, messages flow again; what was withheld stays withheld.
      await api(server, 'DELETE', `/v1/blocks/${alice.accountId}`, { token: bob.token });
      const ok = await b.request({ type: 'send', chatId, clientId: 'x4', kind: 'text', content: { text: 'sorry' } });
      expect(ok.type).toBe('reply');
      expect((await history(alice, chatId)).map((m) => m.clientId)).toEqual(['x4']);
    });

    it('a resend of a message stored before the block is answered with the stored message, not CONTACT_BLOCKED', async () => {
      const chatId = await openChat(server, bob, alice);
      const b = await connect(bob);
      const first = await b.request({ type: 'send', chatId, clientId: 'r1', kind: 'text', content: { text: 'sent before' } });
      expect(first).toMatchObject({ type: 'reply', result: { chatId, seq: 1, duplicate: false } });
      await block(bob, alice.accountId);

      const again = await b.request({ type: 'send', chatId, clientId: 'r1', kind: 'text', content: { text: 'sent before' } });
      expect(again).toMatchObject({ type: 'reply', result: { messageId: (first.result as { messageId: string }).messageId, chatId, seq: 1, duplicate: true } });
      const byTo = await b.request({ type: 'send', to: alice.accountId, clientId: 'r1', kind: 'text', content: { text: 'sent before' } });
      expect(byTo).toMatchObject({ type: 'reply', result: { messageId: (first.result as { messageId: string }).messageId, duplicate: true } });
      const http = await api(server, 'POST', `/v1/chats/${chatId}/messages`, { token: bob.token, body: { clientId: 'r1', kind: 'text', content: { text: 'sent before' } } });
      expect(http.body).toMatchObject({ message: { id: (first.result as { messageId: string }).messageId }, duplicate: true });
      // A new message is still refused, and nothing was stored twice.
      expect(await b.request({ type: 'send', chatId, clientId: 'r2', kind: 'text', content: { text: 'new' } })).toMatchObject({ type: 'error', code: 'CONTACT_BLOCKED' });
      expect((await history(bob, chatId)).map((m) => m.clientId)).toEqual(['r1']);
      expect((await history(alice, chatId)).map((m) => m.clientId)).toEqual(['r1']);

      // The chat's seq was not used up by the resends: the next message after unblocking is seq 2.
      await api(server, 'DELETE', `/v1/blocks/${alice.accountId}`, { token: bob.token });
      expect(await b.request({ type: 'send', chatId, clientId: 'r3', kind: 'text', content: { text: 'after' } })).toMatchObject({ type: 'reply', result: { seq: 2, duplicate: false } });
    });

    it('hides photo and about both ways across a block; the name and number still show', async () => {
      const photo = newId('med');
      await server.parley.ctx.db
        .insertInto('media')
        .values({ id: photo, sha256: 'a'.repeat(64), kind: 'image', mime_type: 'image/png', size: 10, file_name: null, uploader_id: bob.accountId, created_at: Date.now() })
        .execute();
      await api(server, 'PATCH', '/v1/me', { token: bob.token, body: { displayName: 'Bob', about: 'Available', photoMediaId: photo } });
      const bobAsSeenByAlice = async () => (await api<Profile>(server, 'GET', `/v1/accounts/${bob.accountId}`, { token: alice.token })).body;
      expect(await bobAsSeenByAlice()).toMatchObject({ displayName: 'Bob', about: 'Available', photoMediaId: photo, blocked: false });

      await block(bob, alice.accountId);
      expect(await bobAsSeenByAlice()).toMatchObject({ id: bob.accountId, displayName: 'Bob', about: null, photoMediaId: null, blocked: false });
      const aliceAsSeenByBob = await api<Profile>(server, 'GET', `/v1/accounts/${alice.accountId}`, { token: bob.token });
      expect(aliceAsSeenByBob.body).toMatchObject({ about: null, photoMediaId: null, blocked: true });

      // Presence is hidden too.
      const a = await connect(alice);
      await connect(bob);
      const watched = await a.request({ type: 'watch', accountIds: [bob.accountId] });
      expect(watched).toMatchObject({ type: 'reply', result: { presence: [{ accountId: bob.accountId, online: null, lastSeenAt: null }] } });

      await api(server, 'DELETE', `/v1/blocks/${alice.accountId}`, { token: bob.token });
      expect(await bobAsSeenByAlice()).toMatchObject({ about: 'Available', photoMediaId: photo });
    });
  });

  describe('reports', () => {
    const reports = () => server.parley.ctx.db.selectFrom('reports').selectAll().execute();

    it('stores a report about a chat and, when asked, blocks in the same step', async () => {
      const chatId = await openChat(server, alice, bob);
      const res = await api<{ id: string }>(server, 'POST', '/v1/reports', { token: bob.token, body: { accountId: alice.accountId, chatId, reason: '  Spam  ', block: true } });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.stringMatching(/^rep_/) });
      expect(await reports()).toEqual([{ id: res.body.id, reporter_id: bob.accountId, reported_id: alice.accountId, chat_id: chatId, reason: 'Spam', created_at: expect.any(Number) }]);
      expect((await blockedBy(bob)).map((p) => p.id)).toEqual([alice.accountId]);
    });

    it('reports without blocking, with an empty reason and no chat', async () => {
      const res = await api<{ id: string }>(server, 'POST', '/v1/reports', { token: bob.token, body: { accountId: alice.accountId, reason: '' } });
      expect(res.status).toBe(201);
      expect(await reports()).toMatchObject([{ id: res.body.id, chat_id: null, reason: '' }]);
      expect(await blockedBy(bob)).toEqual([]);
    });

    it('refuses unknown accounts, chats they do not share, oneself and long reasons, writing nothing', async () => {
      const carol = await signIn(server);
      const aliceAndCarol = await openChat(server, alice, carol);
      const cases: [Record<string, unknown>, number, string][] = [
        [{ accountId: 'acc_neverexisted000', reason: 'x', block: true }, 404, 'ACCOUNT_NOT_FOUND'],
        [{ accountId: alice.accountId, chatId: aliceAndCarol, reason: 'x', block: true }, 404, 'CHAT_NOT_FOUND'],
        [{ accountId: alice.accountId, chatId: 'chat_nope00000000', reason: 'x' }, 404, 'CHAT_NOT_FOUND'],
        [{ accountId: bob.accountId, reason: 'x' }, 400, 'VALIDATION_FAILED'],
        [{ accountId: bob.accountId, reason: 'x', block: true }, 400, 'CANNOT_BLOCK_SELF'],
        [{ accountId: alice.accountId, reason: 'r'.repeat(501), block: true }, 400, 'VALIDATION_FAILED'],
        [{ accountId: alice.accountId, reason: 'x', block: 'yes' }, 400, 'VALIDATION_FAILED'],
      ];
      for (const [body, status, code] of cases) {
        const res = await api<ErrorBody>(server, 'POST', '/v1/reports', { token: bob.token, body });
        expect([JSON.stringify(body).slice(0, 80), res.status, res.body.error.code]).toEqual([JSON.stringify(body).slice(0, 80), status, code]);
      }
      expect(await reports()).toEqual([]);
      expect(await blockedBy(bob)).toEqual([]);
      expect((await api(server, 'POST', '/v1/reports', { token: bob.token, body: { accountId: alice.accountId, reason: 'r'.repeat(500) } })).status).toBe(201);
    });
  });
});
