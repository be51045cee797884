import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, openChat, signIn, WsClient, type Person } from '../helpers/clients.js';

describe('edit, delete and reaction rules', () => {
  let server: TestServer;
  let clock: ManualClock;
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let chatId: string;
  let a: WsClient;
  let b: WsClient;

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 5, 1, 12));
    server = await startServer({ clock });
    [alice, bob, carol] = [await signIn(server), await signIn(server), await signIn(server)];
    chatId = await openChat(server, alice, bob);
    a = await WsClient.connect(server, alice.token);
    b = await WsClient.connect(server, bob.token);
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await server.close();
  });

  const send = async (text: string, clientId = text) => {
    const r = await a.request({ type: 'send', chatId, clientId, kind: 'text', content: { text } });
    expect(r.type).toBe('reply');
    return (r.result as { messageId: string }).messageId;
  };

  it('only the author edits, and only within 15 minutes', async () => {
    const id = await send('hello');
    const byBob = await b.request({ type: 'edit', messageId: id, content: { text: 'hacked' } });
    expect(byBob).toMatchObject({ type: 'error', code: 'NOT_MESSAGE_AUTHOR' });

    clock.advance(14 * 60 * 1000);
    const ok = await a.request({ type: 'edit', messageId: id, content: { text: 'hello!' } });
    expect(ok).toMatchObject({ type: 'reply', result: { message: { content: { text: 'hello!' }, editedAt: clock.now() } } });
    const seen = await b.nextUpdate('message.updated');
    expect(seen.update.message).toMatchObject({ id, content: { text: 'hello!' } });

    clock.advance(2 * 60 * 1000);
    const late = await a.request({ type: 'edit', messageId: id, content: { text: 'too late' } });
    expect(late).toMatchObject({ type: 'error', code: 'EDIT_WINDOW_EXPIRED' });
    const bad = await a.request({ type: 'edit', messageId: id, content: { nope: 1 } });
    expect(bad).toMatchObject({ type: 'error' });
    const history = await api<{ messages: { content: { text: string } }[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: bob.token });
    expect(history.body.messages[0]!.content.text).toBe('hello!');
  });

  it('a location cannot be edited', async () => {
    const r = await a.request({ type: 'send', chatId, clientId: 'loc', kind: 'location', content: { latitude: 48.85, longitude: 2.35, name: 'Paris' } });
    const id = (r.result as { messageId: string }).messageId;
    expect(await a.request({ type: 'edit', messageId: id, content: { latitude: 1, longitude: 1 } })).toMatchObject({ code: 'MESSAGE_NOT_EDITABLE' });
  });

  it('delete for everyone: author only, within 48 hours, leaves a tombstone', async () => {
    const id = await send('oops');
    expect(await b.request({ type: 'delete', messageId: id })).toMatchObject({ type: 'error', code: 'NOT_MESSAGE_AUTHOR' });
    const old = await send('old');
    clock.advance(48 * 3600 * 1000 + 1);
    expect(await a.request({ type: 'delete', messageId: old })).toMatchObject({ type: 'error', code: 'DELETE_WINDOW_EXPIRED' });
    clock.set(clock.now() - 48 * 3600 * 1000);
    const del = await a.request({ type: 'delete', messageId: id });
    expect(del).toMatchObject({ type: 'reply', result: { message: { id, content: null } } });
    expect(await a.request({ type: 'delete', messageId: id })).toMatchObject({ code: 'MESSAGE_DELETED' });
    expect(await a.request({ type: 'edit', messageId: id, content: { text: 'x' } })).toMatchObject({ code: 'MESSAGE_DELETED' });
    const history = await api<{ messages: { id: string; content: unknown; deletedAt: number | null; kind: string }[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: bob.token });
    const tomb = history.body.messages.find((m) => m.id === id)!;
    expect(tomb).toMatchObject({ content: null, kind: 'text' });
    expect(tomb.deletedAt).not.toBeNull();
  });

  it('one reaction per person per message, replaceable and removable', async () => {
    const id = await send('react to me');
    await b.request({ type: 'react', messageId: id, emoji: '❤️' });
    const replaced = await b.request({ type: 'react', messageId: id, emoji: '😂' });
    expect((replaced.result as { message: { reactions: unknown[] } }).message.reactions).toEqual([{ accountId: bob.accountId, emoji: '😂' }]);
    const both = await a.request({ type: 'react', messageId: id, emoji: '👍' });
    expect((both.result as { message: { reactions: unknown[] } }).message.reactions).toHaveLength(2);
    const removed = await b.request({ type: 'react', messageId: id, emoji: null });
    expect((removed.result as { message: { reactions: unknown[] } }).message.reactions).toEqual([{ accountId: alice.accountId, emoji: '👍' }]);
    expect(await b.request({ type: 'react', messageId: id, emoji: 'not an emoji at all' })).toMatchObject({ type: 'error', code: 'VALIDATION_FAILED' });
  });

  it('outsiders can neither read, send to, nor touch a chat', async () => {
    const id = await send('private');
    const c = await WsClient.connect(server, carol.token);
    expect(await c.request({ type: 'send', chatId, clientId: 'intrude', kind: 'text', content: { text: 'hi' } })).toMatchObject({ code: 'CHAT_NOT_FOUND' });
    expect(await c.request({ type: 'react', messageId: id, emoji: '👍' })).toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
    expect(await c.request({ type: 'delete', messageId: id })).toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
    expect(await c.request({ type: 'read', chatId, seq: 1 })).toMatchObject({ code: 'CHAT_NOT_FOUND' });
    expect(await c.request({ type: 'typing', chatId, state: 'composing' })).toMatchObject({ code: 'CHAT_NOT_FOUND' });
    expect((await api(server, 'GET', `/v1/chats/${chatId}/messages`, { token: carol.token })).status).toBe(404);
    expect((await api(server, 'GET', `/v1/chats/${chatId}`, { token: carol.token })).status).toBe(404);
    expect(await c.silentFor(100)).toBe(true);
    await c.close();
  });

  it('replies quote a message of the same chat only; forwarded flag is kept', async () => {
    const id = await send('question?');
    const reply = await b.request({ type: 'send', chatId, clientId: 'ans', kind: 'text', content: { text: 'answer' }, replyTo: id, forwarded: true });
    expect(reply.type).toBe('reply');
    const got = await a.next((f) => f.type === 'update' && (f.update as { message?: { clientId: string } }).message?.clientId === 'ans');
    expect((got.update as { message: unknown }).message).toMatchObject({ replyTo: id, forwarded: true });
    const other = await openChat(server, bob, carol);
    expect(await b.request({ type: 'send', chatId: other, clientId: 'x', kind: 'text', content: { text: 'x' }, replyTo: id })).toMatchObject({ code: 'REPLY_TARGET_NOT_FOUND' });
  });

  it('sends every non-media kind and rejects bad content', async () => {
    const ok = [
      { kind: 'text', content: { text: 'Salut 👋 ça va ?' } },
      { kind: 'location', content: { latitude: -33.86, longitude: 151.2, name: 'Sydney', address: 'NSW' } },
      { kind: 'contact', content: { contacts: [{ name: 'Zoé', phones: [{ number: '+33612345678', label: 'mobile' }] }] } },
    ];
    for (const [i, m] of ok.entries()) {
      expect(await a.request({ type: 'send', chatId, clientId: `ok${i}`, ...m })).toMatchObject({ type: 'reply' });
    }
    const bad = [
      [{ kind: 'text', content: { text: '' } }, 'VALIDATION_FAILED'],
      [{ kind: 'text', content: { text: 'x', extra: true } }, 'VALIDATION_FAILED'],
      [{ kind: 'location', content: { latitude: 91, longitude: 0 } }, 'VALIDATION_FAILED'],
      [{ kind: 'image', content: {} }, 'VALIDATION_FAILED'],
      [{ kind: 'text', content: { text: 'x' }, mediaId: 'med_abcdefgh' }, 'VALIDATION_FAILED'],
      [{ kind: 'image', content: {}, mediaId: 'med_doesnotexist' }, 'MEDIA_NOT_FOUND'],
      [{ kind: 'hologram', content: {} }, 'VALIDATION_FAILED'],
      [{ kind: 'text', content: { text: 'x'.repeat(60000) } }, 'MESSAGE_TOO_LARGE'],
    ] as const;
    for (const [i, [m, code]] of bad.entries()) {
      expect(await a.request({ type: 'send', chatId, clientId: `bad${i}`, ...m }), `${JSON.stringify(m).slice(0, 60)}`).toMatchObject({ type: 'error', code });
    }
    const history = await api<{ messages: unknown[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: bob.token });
    expect(history.body.messages).toHaveLength(ok.length);
  });

  it('sends over HTTP with the same rules and idempotency', async () => {
    const body = { clientId: 'http-1', kind: 'text', content: { text: 'via HTTP' } };
    const first = await api<{ message: { id: string; seq: number }; duplicate: boolean }>(server, 'POST', `/v1/chats/${chatId}/messages`, { token: alice.token, body });
    expect(first.status).toBe(200);
    const again = await api<{ message: { id: string }; duplicate: boolean }>(server, 'POST', `/v1/chats/${chatId}/messages`, { token: alice.token, body });
    expect(again.body).toMatchObject({ duplicate: true, message: { id: first.body.message.id } });
    const got = await b.nextUpdate('message.created');
    expect(got.update.message).toMatchObject({ id: first.body.message.id });
    const outsider = await api(server, 'POST', `/v1/chats/${chatId}/messages`, { token: carol.token, body: { ...body, clientId: 'c' } });
    expect(outsider).toMatchObject({ status: 404, body: { error: { code: 'CHAT_NOT_FOUND' } } });
  });
});
