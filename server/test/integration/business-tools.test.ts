import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, openChat, signIn, WsClient, type Person } from '../helpers/clients.js';
import { newBusiness } from '../helpers/business.js';
import { makePng, upload } from '../helpers/media-fixtures.js';

type ErrorBody = { error: { code: string; details?: Record<string, unknown> } };
type QuickReplyBody = { id: string; shortcut: string; text: string; media: { id: string; kind: string } | null };
type LabelBody = { id: string; name: string; color: number; defaultKey: string | null };
type Assignments = { labels: { labelId: string; chatIds: string[]; messages: { messageId: string; chatId: string }[] }[] };

describe('business tools: quick replies', () => {
  let server: TestServer;
  let biz: Person;
  beforeEach(async () => {
    server = await startServer();
    biz = await newBusiness(server);
  });
  afterEach(async () => server.close());

  it('creates, lists, edits and deletes quick replies', async () => {
    const created = await api<QuickReplyBody>(server, 'POST', '/v1/business/quick-replies', { token: biz.token, body: { shortcut: '/refund', text: 'Your refund is on its way.' } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ shortcut: 'refund', text: 'Your refund is on its way.', media: null });
    await api(server, 'POST', '/v1/business/quick-replies', { token: biz.token, body: { shortcut: 'hours', text: 'We open at 9.' } });

    const list = await api<{ quickReplies: QuickReplyBody[] }>(server, 'GET', '/v1/business/quick-replies', { token: biz.token });
    expect(list.body.quickReplies.map((q) => q.shortcut)).toEqual(['hours', 'refund']);

    const edited = await api<QuickReplyBody>(server, 'PATCH', `/v1/business/quick-replies/${created.body.id}`, { token: biz.token, body: { shortcut: 'refund-2', text: 'Refund sent.' } });
    expect(edited.body).toMatchObject({ id: created.body.id, shortcut: 'refund-2', text: 'Refund sent.' });

    expect((await api(server, 'DELETE', `/v1/business/quick-replies/${created.body.id}`, { token: biz.token })).status).toBe(204);
    const after = await api<{ quickReplies: QuickReplyBody[] }>(server, 'GET', '/v1/business/quick-replies', { token: biz.token });
    expect(after.body.quickReplies.map((q) => q.shortcut)).toEqual(['hours']);
    expect((await api<ErrorBody>(server, 'DELETE', `/v1/business/quick-replies/${created.body.id}`, { token: biz.token })).body.error.code).toBe('QUICK_REPLY_NOT_FOUND');
  });

  it('refuses bad shortcuts and texts, duplicate shortcuts (any case) and a 51st reply', async () => {
    for (const shortcut of ['', 'has space', 'é', 'a'.repeat(25), 'semi;colon']) {
      const res = await api<ErrorBody>(server, 'POST', '/v1/business/quick-replies', { token: biz.token, body: { shortcut, text: 'x' } });
      expect(res.status, shortcut).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await api<ErrorBody>(server, 'POST', '/v1/business/quick-replies', { token: biz.token, body: { shortcut: 'a', text: '' } })).status).toBe(400);
    expect((await api<ErrorBody>(server, 'POST', '/v1/business/quick-replies', { token: biz.token, body: { shortcut: 'a', text: 'x'.repeat(4097) } })).status).toBe(400);
    expect((await api(server, 'POST', '/v1/business/quick-replies', { token: biz.token, body: { shortcut: 'a'.repeat(24), text: 'x'.repeat(4096) } })).status).toBe(200);

    await api(server, 'POST', '/v1/business/quick-replies', { token: biz.token, body: { shortcut: 'Refund', text: 'x' } });
    const dup = await api<ErrorBody>(server, 'POST', '/v1/business/quick-replies', { token: biz.token, body: { shortcut: 'refund', text: 'y' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('QUICK_REPLY_SHORTCUT_TAKEN');
    const other = await api<QuickReplyBody>(server, 'POST', '/v1/business/quick-replies', { token: biz.token, body: { shortcut: 'other', text: 'y' } });
    expect((await api<ErrorBody>(server, 'PATCH', `/v1/business/quick-replies/${other.body.id}`, { token: biz.token, body: { shortcut: 'REFUND' } })).body.error.code).toBe(
      'QUICK_REPLY_SHORTCUT_TAKEN',
    );

    for (let i = 3; i < 50; i++) {
      expect((await api(server, 'POST', '/v1/business/quick-replies', { token: biz.token, body: { shortcut: `s${i}`, text: 'x' } })).status).toBe(200);
    }
    const full = await api<ErrorBody>(server, 'POST', '/v1/business/quick-replies', { token: biz.token, body: { shortcut: 'one-more', text: 'x' } });
    expect(full.status).toBe(409);
    expect(full.body.error).toMatchObject({ code: 'QUICK_REPLIES_FULL', details: { limit: 50 } });
    const list = await api<{ quickReplies: QuickReplyBody[] }>(server, 'GET', '/v1/business/quick-replies', { token: biz.token });
    expect(list.body.quickReplies).toHaveLength(50);
  });

  it('takes only media the business uploaded', async () => {
    const own = await upload<{ id: string }>(server, biz.token, makePng(4, 4, 1), { kind: 'image', contentType: 'image/png' });
    const ok = await api<QuickReplyBody>(server, 'POST', '/v1/business/quick-replies', { token: biz.token, body: { shortcut: 'menu', text: 'Our menu', mediaId: own.body.id } });
    expect(ok.body.media).toMatchObject({ id: own.body.id, kind: 'image' });

    const stranger = await signIn(server);
    const theirs = await upload<{ id: string }>(server, stranger.token, makePng(4, 4, 2), { kind: 'image', contentType: 'image/png' });
    const refused = await api<ErrorBody>(server, 'POST', '/v1/business/quick-replies', { token: biz.token, body: { shortcut: 'theirs', text: 'x', mediaId: theirs.body.id } });
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('MEDIA_NOT_FOUND');
    const patch = await api<ErrorBody>(server, 'PATCH', `/v1/business/quick-replies/${ok.body.id}`, { token: biz.token, body: { mediaId: theirs.body.id } });
    expect(patch.body.error.code).toBe('MEDIA_NOT_FOUND');
    const removed = await api<QuickReplyBody>(server, 'PATCH', `/v1/business/quick-replies/${ok.body.id}`, { token: biz.token, body: { mediaId: null } });
    expect(removed.body.media).toBeNull();
  });

  it("is for business accounts only, and a business never reaches another business's replies", async () => {
    const person = await signIn(server);
    const res = await api<ErrorBody>(server, 'GET', '/v1/business/quick-replies', { token: person.token });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('NOT_A_BUSINESS');
    expect((await api<ErrorBody>(server, 'POST', '/v1/business/labels', { token: person.token, body: { name: 'x', color: 0 } })).body.error.code).toBe('NOT_A_BUSINESS');

    const mine = await api<QuickReplyBody>(server, 'POST', '/v1/business/quick-replies', { token: biz.token, body: { shortcut: 'mine', text: 'x' } });
    const other = await newBusiness(server);
    expect((await api<ErrorBody>(server, 'PATCH', `/v1/business/quick-replies/${mine.body.id}`, { token: other.token, body: { text: 'hijack' } })).body.error.code).toBe('QUICK_REPLY_NOT_FOUND');
    expect((await api<ErrorBody>(server, 'DELETE', `/v1/business/quick-replies/${mine.body.id}`, { token: other.token })).body.error.code).toBe('QUICK_REPLY_NOT_FOUND');
    expect((await api<{ quickReplies: unknown[] }>(server, 'GET', '/v1/business/quick-replies', { token: other.token })).body.quickReplies).toEqual([]);
    // Shortcuts are unique per business, not across businesses.
    expect((await api(server, 'POST', '/v1/business/quick-replies', { token: other.token, body: { shortcut: 'mine', text: 'x' } })).status).toBe(200);
  });
});

describe('business tools: labels', () => {
  let server: TestServer;
  let biz: Person;
  const sockets: WsClient[] = [];
  beforeEach(async () => {
    server = await startServer();
    biz = await newBusiness(server);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) await s.close();
    await server.close();
  });

  const labels = async (p: Person = biz) => (await api<{ labels: LabelBody[] }>(server, 'GET', '/v1/business/labels', { token: p.token })).body.labels;

  it('starts with the five default labels, with keys until renamed', async () => {
    const list = await labels();
    expect(list.map((l) => [l.name, l.defaultKey])).toEqual([
      ['New customer', 'new_customer'],
      ['New order', 'new_order'],
      ['Pending payment', 'pending_payment'],
      ['Paid', 'paid'],
      ['Order complete', 'order_complete'],
    ]);
    const renamed = await api<LabelBody>(server, 'PATCH', `/v1/business/labels/${list[0]!.id}`, { token: biz.token, body: { name: 'First-time buyer' } });
    expect(renamed.body).toMatchObject({ name: 'First-time buyer', defaultKey: null });
    const recoloured = await api<LabelBody>(server, 'PATCH', `/v1/business/labels/${list[1]!.id}`, { token: biz.token, body: { color: 19 } });
    expect(recoloured.body).toMatchObject({ name: 'New order', defaultKey: 'new_order', color: 19 });
    // Deleting all labels does not bring the defaults back.
    for (const l of await labels()) expect((await api(server, 'DELETE', `/v1/business/labels/${l.id}`, { token: biz.token })).status).toBe(204);
    expect(await labels()).toEqual([]);
  });

  it('validates names and colours, keeps names unique and stops at 20', async () => {
    for (const color of [-1, 20, 1.5, 'red']) {
      const res = await api<ErrorBody>(server, 'POST', '/v1/business/labels', { token: biz.token, body: { name: 'VIP', color } });
      expect(res.status, String(color)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await api<ErrorBody>(server, 'POST', '/v1/business/labels', { token: biz.token, body: { name: '   ', color: 0 } })).status).toBe(400);
    expect((await api<ErrorBody>(server, 'POST', '/v1/business/labels', { token: biz.token, body: { name: 'x'.repeat(51), color: 0 } })).status).toBe(400);
    expect((await api(server, 'POST', '/v1/business/labels', { token: biz.token, body: { name: 'x'.repeat(50), color: 0 } })).status).toBe(200);
    const taken = await api<ErrorBody>(server, 'POST', '/v1/business/labels', { token: biz.token, body: { name: 'paid', color: 3 } });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('LABEL_NAME_TAKEN');

    for (let i = 0; i < 14; i++) expect((await api(server, 'POST', '/v1/business/labels', { token: biz.token, body: { name: `L${i}`, color: i } })).status).toBe(200);
    const full = await api<ErrorBody>(server, 'POST', '/v1/business/labels', { token: biz.token, body: { name: 'one more', color: 0 } });
    expect(full.status).toBe(409);
    expect(full.body.error).toMatchObject({ code: 'LABELS_FULL', details: { limit: 20 } });
    expect(await labels()).toHaveLength(20);
  });

  it('labels chats and messages of the business, lists assignments, and refuses others', async () => {
    const customer = await signIn(server);
    const stranger = await signIn(server);
    const chatId = await openChat(server, customer, biz);
    const sent = await api<{ message: { id: string } }>(server, 'POST', `/v1/chats/${chatId}/messages`, { token: customer.token, body: { clientId: 'c1', kind: 'text', content: { text: 'I want to order' } } });
    const [newCustomer, newOrder] = await labels();

    const onChat = await api(server, 'PUT', `/v1/business/chats/${chatId}/labels`, { token: biz.token, body: { labelIds: [newCustomer!.id, newOrder!.id] } });
    expect(onChat.body).toEqual({ chatId, labelIds: [newCustomer!.id, newOrder!.id] });
    const onMessage = await api(server, 'PUT', `/v1/business/messages/${sent.body.message.id}/labels`, { token: biz.token, body: { labelIds: [newOrder!.id] } });
    expect(onMessage.body).toEqual({ messageId: sent.body.message.id, chatId, labelIds: [newOrder!.id] });

    let a = (await api<Assignments>(server, 'GET', '/v1/business/label-assignments', { token: biz.token })).body;
    expect(a.labels.find((l) => l.labelId === newCustomer!.id)).toEqual({ labelId: newCustomer!.id, chatIds: [chatId], messages: [] });
    expect(a.labels.find((l) => l.labelId === newOrder!.id)).toEqual({ labelId: newOrder!.id, chatIds: [chatId], messages: [{ messageId: sent.body.message.id, chatId }] });

    // Replacing the set removes what is not listed.
    await api(server, 'PUT', `/v1/business/chats/${chatId}/labels`, { token: biz.token, body: { labelIds: [newOrder!.id] } });
    a = (await api<Assignments>(server, 'GET', '/v1/business/label-assignments', { token: biz.token })).body;
    expect(a.labels.find((l) => l.labelId === newCustomer!.id)!.chatIds).toEqual([]);

    // A chat the business is not in, and a message in it.
    const otherChat = await openChat(server, customer, stranger);
    const otherMsg = await api<{ message: { id: string } }>(server, 'POST', `/v1/chats/${otherChat}/messages`, { token: customer.token, body: { clientId: 'c2', kind: 'text', content: { text: 'private' } } });
    const r1 = await api<ErrorBody>(server, 'PUT', `/v1/business/chats/${otherChat}/labels`, { token: biz.token, body: { labelIds: [newOrder!.id] } });
    expect([r1.status, r1.body.error.code]).toEqual([404, 'CHAT_NOT_FOUND']);
    const r2 = await api<ErrorBody>(server, 'PUT', `/v1/business/messages/${otherMsg.body.message.id}/labels`, { token: biz.token, body: { labelIds: [newOrder!.id] } });
    expect([r2.status, r2.body.error.code]).toEqual([404, 'MESSAGE_NOT_FOUND']);
    expect((await api<ErrorBody>(server, 'PUT', `/v1/business/messages/msg_nope/labels`, { token: biz.token, body: { labelIds: [] } })).body.error.code).toBe('MESSAGE_NOT_FOUND');

    // Another business's labels, and its attempts on this business's labels.
    const rival = await newBusiness(server);
    const rivalChat = await openChat(server, customer, rival);
    const rivalLabels = await labels(rival);
    const r3 = await api<ErrorBody>(server, 'PUT', `/v1/business/chats/${chatId}/labels`, { token: biz.token, body: { labelIds: [rivalLabels[0]!.id] } });
    expect([r3.status, r3.body.error.code]).toEqual([404, 'LABEL_NOT_FOUND']);
    expect((await api<ErrorBody>(server, 'PUT', `/v1/business/chats/${rivalChat}/labels`, { token: rival.token, body: { labelIds: [newOrder!.id] } })).body.error.code).toBe('LABEL_NOT_FOUND');
    expect((await api<ErrorBody>(server, 'PATCH', `/v1/business/labels/${newOrder!.id}`, { token: rival.token, body: { name: 'mine' } })).body.error.code).toBe('LABEL_NOT_FOUND');
    expect((await api<ErrorBody>(server, 'DELETE', `/v1/business/labels/${newOrder!.id}`, { token: rival.token })).body.error.code).toBe('LABEL_NOT_FOUND');
    const rivalView = (await api<Assignments>(server, 'GET', '/v1/business/label-assignments', { token: rival.token })).body;
    expect(rivalView.labels.every((l) => l.chatIds.length === 0 && l.messages.length === 0)).toBe(true);
    // A customer (a person) cannot label at all.
    expect((await api<ErrorBody>(server, 'PUT', `/v1/business/chats/${chatId}/labels`, { token: customer.token, body: { labelIds: [] } })).body.error.code).toBe('NOT_A_BUSINESS');

    // Deleting a label takes it off chats and messages.
    await api(server, 'DELETE', `/v1/business/labels/${newOrder!.id}`, { token: biz.token });
    a = (await api<Assignments>(server, 'GET', '/v1/business/label-assignments', { token: biz.token })).body;
    expect(a.labels.map((l) => l.labelId)).not.toContain(newOrder!.id);
    expect(a.labels.every((l) => l.chatIds.length === 0 && l.messages.length === 0)).toBe(true);
  });

  it('tells the business\'s other devices over WebSocket (labels, quick replies, automation)', async () => {
    const second = await signIn(server, biz.phone, 'Second device');
    const ws = await WsClient.connect(server, second.token);
    sockets.push(ws);
    const customer = await signIn(server);
    const customerWs = await WsClient.connect(server, customer.token);
    sockets.push(customerWs);

    await api(server, 'POST', '/v1/business/labels', { token: biz.token, body: { name: 'VIP', color: 4 } });
    expect((await ws.nextUpdate('business.changed')).update).toEqual({ type: 'business.changed', chatId: null, area: 'labels' });
    await api(server, 'POST', '/v1/business/quick-replies', { token: biz.token, body: { shortcut: 'hi', text: 'Hello!' } });
    expect((await ws.nextUpdate('business.changed')).update).toMatchObject({ area: 'quick_replies' });
    await api(server, 'PUT', '/v1/business/automation/greeting', { token: biz.token, body: { enabled: true, text: 'Welcome', recipients: 'everyone' } });
    expect((await ws.nextUpdate('business.changed')).update).toMatchObject({ area: 'automation' });
    // The customer hears nothing of it.
    expect(await customerWs.silentFor(200, (f) => f.type === 'update' && (f.update as { type: string }).type === 'business.changed')).toBe(true);
  });
});
