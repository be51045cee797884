import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, openChat, signIn, WsClient, type Person } from '../helpers/clients.js';

type ChatView = { id: string; peer: { id: string; phone: string }; unreadCount: number; archived: boolean; pinnedAt: number | null; mutedUntil: number | null; lastMessage: { content: { text: string }; status?: string } | null; lastActivityAt: number };

describe('chat list', () => {
  let server: TestServer;
  let clock: ManualClock;
  let me: Person;
  let friends: Person[];
  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 2, 1));
    server = await startServer({ clock });
    me = await signIn(server);
    friends = [await signIn(server), await signIn(server), await signIn(server)];
  });
  afterEach(() => server.close());

  const say = async (from: Person, to: Person, text: string) => {
    const chatId = await openChat(server, from, to);
    clock.advance(1000);
    const r = await api(server, 'POST', `/v1/chats/${chatId}/messages`, { token: from.token, body: { clientId: `${text}-${clock.now()}`, kind: 'text', content: { text } } });
    expect(r.status).toBe(200);
    return chatId;
  };

  it('sorts by activity with last message, unread counts and paging', async () => {
    const c0 = await say(friends[0]!, me, 'from zero');
    const c1 = await say(friends[1]!, me, 'from one');
    await say(friends[1]!, me, 'one again');
    const c2 = await say(me, friends[2]!, 'to two');
    // An opened chat without messages is not listed.
    await openChat(server, me, await signIn(server));

    const list = await api<{ chats: ChatView[]; updateSeq: number }>(server, 'GET', '/v1/chats', { token: me.token });
    expect(list.body.chats.map((c) => c.id)).toEqual([c2, c1, c0]);
    expect(list.body.chats.map((c) => c.unreadCount)).toEqual([0, 2, 1]);
    expect(list.body.chats[1]!.lastMessage!.content.text).toBe('one again');
    expect(list.body.chats[0]!.lastMessage!.status).toBe('sent');
    expect(list.body.chats[0]!.peer.id).toBe(friends[2]!.accountId);
    expect(list.body.updateSeq).toBeGreaterThan(0);

    const page1 = await api<{ chats: ChatView[] }>(server, 'GET', '/v1/chats?limit=2', { token: me.token });
    expect(page1.body.chats.map((c) => c.id)).toEqual([c2, c1]);
    const page2 = await api<{ chats: ChatView[] }>(server, 'GET', `/v1/chats?limit=2&before=${page1.body.chats[1]!.lastActivityAt}`, { token: me.token });
    expect(page2.body.chats.map((c) => c.id)).toEqual([c0]);

    await api(server, 'POST', `/v1/chats/${c1}/read`, { token: me.token, body: { seq: 2 } });
    const after = await api<{ chats: ChatView[] }>(server, 'GET', '/v1/chats', { token: me.token });
    expect(after.body.chats.find((c) => c.id === c1)!.unreadCount).toBe(0);
    expect((await api(server, 'POST', `/v1/chats/${c1}/read`, { token: me.token, body: { seq: 99 } })).status).toBe(400);
  });

  it('archive, pin and mute are per person and reach all their devices', async () => {
    const chatId = await say(friends[0]!, me, 'hello');
    const meLaptop = await signIn(server, me.phone, 'laptop');
    const other = await WsClient.connect(server, meLaptop.token);
    const until = clock.now() + 8 * 3600_000;
    const r = await api<ChatView>(server, 'PATCH', `/v1/chats/${chatId}`, { token: me.token, body: { archived: true, pinned: true, mutedUntil: until } });
    expect(r.body).toMatchObject({ archived: true, pinnedAt: clock.now(), mutedUntil: until });
    expect((await other.nextUpdate('chat.updated')).update).toMatchObject({ chatId, archived: true, pinnedAt: clock.now(), mutedUntil: until });
    expect((await api<{ chats: unknown[] }>(server, 'GET', '/v1/chats?archived=false', { token: me.token })).body.chats).toHaveLength(0);
    expect((await api<{ chats: unknown[] }>(server, 'GET', '/v1/chats?archived=true', { token: me.token })).body.chats).toHaveLength(1);
    const theirs = await api<ChatView>(server, 'GET', `/v1/chats/${chatId}`, { token: friends[0]!.token });
    expect(theirs.body).toMatchObject({ archived: false, pinnedAt: null, mutedUntil: null });
    expect((await api(server, 'PATCH', `/v1/chats/${chatId}`, { token: me.token, body: { archived: 'yes' } })).status).toBe(400);
    await other.close();
  });

  it('opening a chat: by phone in any format, not with oneself, not with unknown numbers', async () => {
    const friend = friends[0]!;
    const spaced = friend.phone.replace(/^\+33(\d)(\d{2})(\d{2})(\d{2})(\d{2})$/, '+33 $1 $2 $3 $4 $5');
    const byPhone = await api<{ id: string }>(server, 'POST', '/v1/chats', { token: me.token, body: { peer: friend.phone } });
    const byId = await api<{ id: string }>(server, 'POST', '/v1/chats', { token: me.token, body: { peer: friend.accountId } });
    expect(byId.body.id).toBe(byPhone.body.id);
    expect(spaced).toMatch(/^\+33 \d \d\d /);
    const bySpaced = await api<{ id: string }>(server, 'POST', '/v1/chats', { token: me.token, body: { peer: spaced } });
    expect(bySpaced.body.id).toBe(byPhone.body.id);
    expect((await api(server, 'POST', '/v1/chats', { token: me.token, body: { peer: me.phone } })).body).toMatchObject({ error: { code: 'CANNOT_CHAT_WITH_SELF' } });
    expect((await api(server, 'POST', '/v1/chats', { token: me.token, body: { peer: '+14155550123' } })).body).toMatchObject({ error: { code: 'ACCOUNT_NOT_FOUND' } });
    expect((await api(server, 'POST', '/v1/chats', { token: me.token, body: { peer: 'hello' } })).body).toMatchObject({ error: { code: 'PHONE_INVALID' } });
    expect((await api(server, 'POST', '/v1/chats', { token: me.token, body: '{"peer":' })).body).toMatchObject({ error: { code: 'MALFORMED_JSON' } });
    expect((await api(server, 'POST', '/v1/chats', { body: { peer: friend.phone } })).status).toBe(401);
  });
});
