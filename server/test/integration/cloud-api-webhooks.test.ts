import { createHash, createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, openChat, signIn, WsClient, type Person } from '../helpers/clients.js';
import { firstMessage, firstStatus, WebhookReceiver, type WebhookJson } from '../helpers/webhook-receiver.js';
import { apiBusiness, customerWrites, digits, graph, textExample, type ApiBusiness } from '../helpers/api-business.js';
import { makeOggOpus, makePdf, makePng, makeWebp, upload } from '../helpers/media-fixtures.js';
import { ManualClock } from '../../src/platform/clock.js';
import { sendMessage } from '../../src/domain/messaging/index.js';
import { toWamid } from '../../src/domain/api/ids.js';

type Msg = Record<string, unknown> & { id: string; type: string; from: string; timestamp: string };
type Status = Record<string, unknown> & { id: string; status: string; conversation?: { id: string; expiration_timestamp?: string; origin: { type: string } } };

describe('Business API webhooks: inbound messages and statuses', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let biz: ApiBusiness;
  let customer: Person;
  let chatId: string;
  let ws: WsClient;
  let waId: string;
  const clock = new ManualClock();
  const sockets: WsClient[] = [];

  beforeEach(async () => {
    clock.set(Date.UTC(2026, 0, 1));
    server = await startServer({ clock, config: { PARLEY_WEBHOOK_POLL_MS: 20 } });
    receiver = await WebhookReceiver.start();
    biz = await apiBusiness(server, receiver);
    customer = await signIn(server);
    waId = digits(customer.phone);
    chatId = await openChat(server, customer, biz);
    // The customer wrote first: free-form messages are allowed for 24 hours (the messaging policy).
    await customerWrites(server, customer, biz);
    ws = await WsClient.connect(server, customer.token);
    sockets.push(ws);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) await s.close();
    // Every payload this run: ASCII-only bytes, signed over exactly those bytes, one change with one item.
    for (const { req, json } of receiver.payloads()) {
      expect(/^[\x20-\x7e]*$/.test(req.body.toString('utf8'))).toBe(true);
      expect(req.headers['x-hub-signature-256']).toBe('sha256=' + createHmac('sha256', biz.appSecret).update(req.body).digest('hex'));
      expect(req.headers['content-length']).toBe(String(req.body.length));
      expect(json.entry).toHaveLength(1);
      expect(json.entry[0]!.changes).toHaveLength(1);
      const v = json.entry[0]!.changes[0]!.value;
      // (A "Stop promotions" tap also raises a user_preferences change, one item too.)
      const prefs = (v as { user_preferences?: unknown[] }).user_preferences;
      expect((v.messages?.length ?? 0) + (v.statuses?.length ?? 0) + (prefs?.length ?? 0)).toBe(1);
    }
    await server.close();
    await receiver.close();
  });

  const send = async (frame: Record<string, unknown>) => {
    const r = await ws.request({ type: 'send', chatId, clientId: `c${Math.random()}`, ...frame });
    expect(r.type, JSON.stringify(r)).toBe('reply');
    return r.result as { messageId: string; seq: number };
  };
  /** The inbound webhook of the customer's message `id`. */
  const inbound = async (pred: (m: Msg) => boolean) => {
    const hit = await receiver.waitFor((j) => {
      const m = firstMessage(j) as Msg | undefined;
      return !!m && pred(m);
    });
    return { ...hit, msg: firstMessage(hit.json) as Msg };
  };
  const byId = (id: string) => (m: Msg) => m.id === toWamid(waId, id);
  const statuses = (): Status[] =>
    receiver
      .payloads()
      .map((p) => firstStatus(p.json) as Status | undefined)
      .filter((s): s is Status => !!s);
  const waitStatuses = async (n: number, pred: (s: Status) => boolean) => {
    const until = Date.now() + 5000;
    while (statuses().filter(pred).length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    return statuses().filter(pred);
  };
  const graphNode = (id: string) => server.parley.ctx.db.selectFrom('graph_nodes').selectAll().where('id', '=', id).executeTakeFirst();
  const apiSend = async (body: string) => {
    const res = await graph<{ messages: { id: string }[] }>(server, biz.apiToken, 'POST', `/v23.0/${biz.phoneNumberId}/messages`, { ...textExample(waId), text: { body } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.messages[0]!.id;
  };
  /** The next message.created update of a message from the business, on the customer's socket. */
  const fromBusiness = () =>
    ws.next((f) => f.type === 'update' && (f.update as { type: string }).type === 'message.created' && (f.update as { message: { senderId: string } }).message.senderId === biz.accountId) as Promise<
      Awaited<ReturnType<WsClient['nextUpdate']>>
    >;
  const asBusiness = (kind: 'interactive' | 'template', content: Record<string, unknown>) =>
    sendMessage(server.parley.ctx, { accountId: biz.accountId, deviceId: biz.deviceId }, { chatId, clientId: `b${Math.random()}`, kind, content }, {});

  it('text: envelope, contacts block, exact message object; accents, emoji and CJK escaped and signed', async () => {
    const text = 'Ça coûte combien ? 😀 你好';
    const sent = await send({ kind: 'text', content: { text } });
    const { req, json, msg } = await inbound(byId(sent.messageId));
    expect(req.body.toString('utf8')).toContain('\\u00c7a co\\u00fbte combien ? \\ud83d\\ude00 \\u4f60\\u597d');
    expect(json).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: biz.wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: digits(biz.phone), phone_number_id: biz.phoneNumberId },
                contacts: [{ profile: { name: expect.any(String) }, wa_id: waId }],
                messages: [{ from: waId, id: toWamid(waId, sent.messageId), timestamp: String(clock.now() / 1000), type: 'text', text: { body: text } }],
              },
            },
          ],
        },
      ],
    } satisfies WebhookJson | Record<string, unknown>);
    expect(msg).not.toHaveProperty('context');
  });

  it('media: image, voice, audio, document and sticker with a numeric media id (a graph node), mime_type and base64 sha256', async () => {
    const files = [
      { kind: 'image', bytes: makePng(), upload: { kind: 'image', contentType: 'image/png' }, content: { caption: 'Bleu ?' } },
      { kind: 'voice', bytes: makeOggOpus(), upload: { kind: 'audio', contentType: 'audio/ogg' }, content: { durationMs: 1200 } },
      { kind: 'audio', bytes: makeOggOpus(), upload: { kind: 'audio', contentType: 'audio/ogg' }, content: {} },
      { kind: 'document', bytes: makePdf(), upload: { kind: 'document', contentType: 'application/pdf', fileName: 'Facture n°42.pdf' }, content: { fileName: 'Facture n°42.pdf', caption: 'Facture' } },
      { kind: 'sticker', bytes: makeWebp(), upload: { kind: 'sticker', contentType: 'image/webp' }, content: { animated: false } },
    ];
    const apiIds: string[] = [];
    for (const f of files) {
      const up = await upload<{ id: string; mimeType: string }>(server, customer.token, f.bytes, f.upload);
      expect(up.status).toBe(201);
      const sent = await send({ kind: f.kind, content: f.content, mediaId: up.body.id });
      const { msg } = await inbound(byId(sent.messageId));
      const type = f.kind === 'voice' ? 'audio' : f.kind;
      expect(msg.type).toBe(type);
      const obj = msg[type] as Record<string, unknown>;
      const expected: Record<string, unknown> = { id: expect.stringMatching(/^[1-9]\d{14,15}$/), mime_type: up.body.mimeType, sha256: createHash('sha256').update(f.bytes).digest('base64') };
      if (f.kind === 'image') expected.caption = 'Bleu ?';
      if (f.kind === 'voice') expected.voice = true;
      if (f.kind === 'audio') expected.voice = false;
      if (f.kind === 'document') Object.assign(expected, { filename: 'Facture n°42.pdf', caption: 'Facture' });
      if (f.kind === 'sticker') expected.animated = false;
      expect(obj).toEqual(expected);
      // The API media id is a graph node of this WABA standing for the medium (GET /{media_id} serves it).
      expect(await graphNode(obj.id as string)).toMatchObject({ kind: 'media', ref: up.body.id, waba_id: biz.wabaId });
      apiIds.push(obj.id as string);
    }
    expect((files[1]!.bytes.equals(files[2]!.bytes))).toBe(true);
    expect(new Set(apiIds).size).toBe(apiIds.length);

    // The same medium forwarded again keeps its API id.
    const again = await send({ kind: 'image', content: {}, mediaId: (await graphNode(apiIds[0]!))!.ref, forwarded: true });
    const { msg } = await inbound(byId(again.messageId));
    expect(msg.context).toEqual({ forwarded: true });
    expect((msg.image as { id: string }).id).toBe(apiIds[0]);
  });

  it('location, contact cards (wa_id for Parley numbers) and replies with context', async () => {
    const loc = await send({ kind: 'location', content: { latitude: 48.8566, longitude: 2.3522, name: 'Café', address: '1 rue de Rivoli' } });
    expect((await inbound(byId(loc.messageId))).msg.location).toEqual({ latitude: 48.8566, longitude: 2.3522, name: 'Café', address: '1 rue de Rivoli' });

    const friend = await signIn(server);
    const card = await send({ kind: 'contact', content: { contacts: [{ name: 'Zoë Martin', phones: [{ number: friend.phone, label: 'CELL' }, { number: '+1 202-555-0143' }], emails: ['zoe@example.com'], organization: 'Acme' }] } });
    expect((await inbound(byId(card.messageId))).msg.contacts).toEqual([
      {
        name: { formatted_name: 'Zoë Martin', first_name: 'Zoë Martin' },
        phones: [{ phone: friend.phone, wa_id: digits(friend.phone), type: 'CELL' }, { phone: '+1 202-555-0143' }],
        emails: [{ email: 'zoe@example.com' }],
        org: { company: 'Acme' },
      },
    ]);

    // A reply to the business's API message names it by the wamid the API returned.
    const wamid = await apiSend('Your order shipped.');
    const got = await fromBusiness();
    const reply = await send({ kind: 'text', content: { text: 'Thanks!' }, replyTo: got.update.message!.id });
    expect((await inbound(byId(reply.messageId))).msg.context).toEqual({ from: digits(biz.phone), id: wamid });
  });

  it('interactive button and list replies, and template quick replies, with the context of the business message', async () => {
    const buttons = await asBusiness('interactive', { type: 'button', body: 'Confirm?', buttons: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }] });
    const list = await asBusiness('interactive', {
      type: 'list',
      body: 'Delivery?',
      list: { button: 'Choose', sections: [{ title: 'Options', rows: [{ id: 'express', title: 'Express', description: 'Next day' }, { id: 'std', title: 'Standard' }] }] },
    });
    const template = await asBusiness('template', { name: 'promo', language: 'en_US', category: 'marketing', body: 'Sale!', buttons: [{ type: 'quick_reply', text: 'Stop promotions', payload: 'STOP_PROMO' }] });
    const ctxOf = (id: string) => ({ from: digits(biz.phone), id: toWamid(waId, id) });

    const b = await send({ kind: 'interactive_reply', content: { type: 'button_reply', id: 'yes', title: 'Yes' }, replyTo: buttons.message.id });
    expect((await inbound(byId(b.messageId))).msg).toEqual({
      from: waId,
      id: toWamid(waId, b.messageId),
      timestamp: expect.stringMatching(/^\d+$/),
      context: ctxOf(buttons.message.id),
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } },
    });
    const l = await send({ kind: 'interactive_reply', content: { type: 'list_reply', id: 'express', title: 'Express', description: 'Next day' }, replyTo: list.message.id });
    expect((await inbound(byId(l.messageId))).msg).toMatchObject({ context: ctxOf(list.message.id), type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'express', title: 'Express', description: 'Next day' } } });
    const l2 = await send({ kind: 'interactive_reply', content: { type: 'list_reply', id: 'std', title: 'Standard' }, replyTo: list.message.id });
    expect((await inbound(byId(l2.messageId))).msg.interactive).toEqual({ type: 'list_reply', list_reply: { id: 'std', title: 'Standard' } });
    const t = await send({ kind: 'interactive_reply', content: { type: 'button', id: 'STOP_PROMO', title: 'Stop promotions' }, replyTo: template.message.id });
    expect((await inbound(byId(t.messageId))).msg).toMatchObject({ context: ctxOf(template.message.id), type: 'button', button: { payload: 'STOP_PROMO', text: 'Stop promotions' } });
  });

  it('orders: catalog id (a catalog graph node of the business), retailer ids, prices in major units', async () => {
    const add = (body: Record<string, unknown>) => api<{ id: string }>(server, 'POST', '/v1/business/catalog/products', { token: biz.token, body });
    const tea = (await add({ name: 'Thé vert', price: '3.50', currency: 'EUR', retailerId: 'T1' })).body;
    const cake = (await add({ name: 'Gâteau', price: '12.25', currency: 'EUR' })).body;
    const placed = await api<{ message: { id: string } }>(server, 'POST', `/v1/chats/${chatId}/orders`, { token: customer.token, body: { clientId: 'o1', items: [{ productId: tea.id, quantity: 2 }, { productId: cake.id, quantity: 1 }], note: 'Sans sucre' } });
    expect(placed.status).toBe(201);
    const { msg } = await inbound(byId(placed.body.message.id));
    expect(msg).toMatchObject({
      type: 'order',
      order: {
        catalog_id: expect.stringMatching(/^[1-9]\d{14,15}$/),
        text: 'Sans sucre',
        product_items: [
          { product_retailer_id: 'T1', quantity: 2, item_price: 3.5, currency: 'EUR' },
          { product_retailer_id: cake.id, quantity: 1, item_price: 12.25, currency: 'EUR' },
        ],
      },
    });
    const catalogId = (msg.order as { catalog_id: string }).catalog_id;
    expect(await graphNode(catalogId)).toMatchObject({ kind: 'catalog', ref: biz.accountId, waba_id: biz.wabaId });
    const second = await api<{ message: { id: string } }>(server, 'POST', `/v1/chats/${chatId}/orders`, { token: customer.token, body: { clientId: 'o2', items: [{ productId: tea.id, quantity: 1 }] } });
    expect(((await inbound(byId(second.body.message.id))).msg.order as { catalog_id: string }).catalog_id).toBe(catalogId);

    // A reply to a product the business shared names it as the referred product.
    const shared = await api<{ id: string }>(server, 'POST', `/v1/chats/${chatId}/catalog/share`, { token: biz.token, body: { clientId: 's1', productId: tea.id } });
    expect(shared.status, JSON.stringify(shared.body)).toBeLessThan(300);
    const ask = await send({ kind: 'text', content: { text: 'Is it organic?' }, replyTo: shared.body.id });
    expect((await inbound(byId(ask.messageId))).msg.context).toEqual({ from: digits(biz.phone), id: toWamid(waId, shared.body.id), referred_product: { catalog_id: catalogId, product_retailer_id: 'T1' } });
  });

  it("reactions (removal: empty emoji), edits and revokes by the customer; the business's own reaction raises nothing", async () => {
    const wamid = await apiSend('Ready at 5.');
    const got = await fromBusiness();
    const target = got.update.message!.id as string;
    const isReaction = (emoji: string) => (m: Msg) => m.type === 'reaction' && (m.reaction as { emoji: string }).emoji === emoji;

    expect((await ws.request({ type: 'react', messageId: target, emoji: '👍🏽' })).type).toBe('reply');
    const liked = await inbound(isReaction('👍🏽'));
    expect(liked.msg).toEqual({ from: waId, id: expect.stringMatching(/^wamid\./), timestamp: String(clock.now() / 1000), type: 'reaction', reaction: { message_id: wamid, emoji: '👍🏽' } });
    expect(liked.req.body.toString('utf8')).toContain('\\ud83d\\udc4d\\ud83c\\udffd');
    expect((await ws.request({ type: 'react', messageId: target, emoji: null })).type).toBe('reply');
    const removed = await inbound(isReaction(''));
    expect(removed.msg.reaction).toEqual({ message_id: wamid, emoji: '' });
    expect(removed.msg.id).not.toBe(liked.msg.id);

    const mine = await send({ kind: 'text', content: { text: 'Bleu' } });
    await inbound(byId(mine.messageId));
    // The business reacting to the customer's message is not a webhook.
    const bizWs = await WsClient.connect(server, biz.token);
    sockets.push(bizWs);
    expect((await bizWs.request({ type: 'react', messageId: mine.messageId, emoji: '❤️' })).type).toBe('reply');

    expect((await ws.request({ type: 'edit', messageId: mine.messageId, content: { text: 'Bleu marine' } })).type).toBe('reply');
    const edit = await inbound((m) => m.type === 'edit');
    expect(edit.msg).toEqual({
      from: waId,
      id: expect.stringMatching(/^wamid\./),
      timestamp: expect.stringMatching(/^\d+$/),
      type: 'edit',
      edit: { original_message_id: toWamid(waId, mine.messageId), message: { type: 'text', text: { body: 'Bleu marine' } } },
    });
    expect((await ws.request({ type: 'delete', messageId: mine.messageId })).type).toBe('reply');
    const revoke = await inbound((m) => m.type === 'revoke');
    expect(revoke.msg).toMatchObject({ from: waId, type: 'revoke', revoke: { original_message_id: toWamid(waId, mine.messageId) } });
    await server.parley.webhooks.idle();
    expect(receiver.payloads().filter((p) => firstMessage(p.json)?.type === 'reaction')).toHaveLength(2);
  });

  it('delivered when the customer device acknowledges, then read; one conversation, its expiration on the first status only', async () => {
    const wamid = await apiSend('Hello from the API');
    const got = await fromBusiness();
    const [sent] = await waitStatuses(1, (s) => s.id === wamid && s.status === 'sent');
    expect(sent!.conversation).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), expiration_timestamp: String((clock.now() + 24 * 3600_000) / 1000), origin: { type: 'service' } });
    expect(sent!.pricing).toEqual({ billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' });

    clock.advance(5000);
    await ws.request({ type: 'ack', seq: got.seq });
    const [delivered] = await waitStatuses(1, (s) => s.id === wamid && s.status === 'delivered');
    expect(delivered).toEqual({
      id: wamid,
      status: 'delivered',
      timestamp: String(clock.now() / 1000),
      recipient_id: waId,
      conversation: { id: sent!.conversation!.id, origin: { type: 'service' } },
      pricing: { billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' },
    });

    clock.advance(5000);
    expect((await ws.request({ type: 'read', chatId, seq: got.update.message!.seq as number })).type).toBe('reply');
    const [read] = await waitStatuses(1, (s) => s.id === wamid && s.status === 'read');
    expect(read).toMatchObject({ status: 'read', timestamp: String(clock.now() / 1000), recipient_id: waId, conversation: { id: sent!.conversation!.id } });
    expect(read!.conversation).not.toHaveProperty('expiration_timestamp');

    // Acknowledging or reading again moves nothing: no second status.
    await ws.request({ type: 'read', chatId, seq: got.update.message!.seq as number });
    await server.parley.webhooks.idle();
    expect(statuses().filter((s) => s.id === wamid).map((s) => s.status).sort()).toEqual(['delivered', 'read', 'sent']);
  });

  it('a utility template inside the open service window is free on every status; outside it, charged; the callback data comes back on every status', async () => {
    const template = (callback: string) => ({ messaging_product: 'whatsapp', to: waId, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } }, biz_opaque_callback_data: callback });
    const sendTemplate = async (callback: string) => {
      const res = await graph<{ messages: { id: string }[] }>(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, template(callback));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.messages[0]!.id;
    };
    const free = { billable: false, pricing_model: 'PMP', category: 'utility', type: 'free_customer_service' };
    const charged = { billable: true, pricing_model: 'PMP', category: 'utility', type: 'regular' };

    // The customer wrote in beforeEach: the window is open.
    const inWindow = await sendTemplate('in-window');
    const got = await fromBusiness();
    clock.advance(1000);
    expect((await ws.request({ type: 'read', chatId, seq: got.update.message!.seq as number })).type).toBe('reply');
    const first = await waitStatuses(3, (s) => s.id === inWindow);
    expect(first.map((s) => s.status).sort()).toEqual(['delivered', 'read', 'sent']);
    for (const s of first) expect(s).toMatchObject({ pricing: free, biz_opaque_callback_data: 'in-window' });
    // A send without callback data or free pricing stores nothing extra (checked below).
    await apiSend('plain');
    await fromBusiness();

    // 24 hours later the window is closed: the same template is charged, on every status.
    clock.advance(24 * 3600_000);
    const outside = await sendTemplate('outside');
    const got2 = await fromBusiness();
    expect((await ws.request({ type: 'read', chatId, seq: got2.update.message!.seq as number })).type).toBe('reply');
    const second = await waitStatuses(3, (s) => s.id === outside);
    expect(second.map((s) => s.status).sort()).toEqual(['delivered', 'read', 'sent']);
    for (const s of second) expect(s).toMatchObject({ pricing: charged, biz_opaque_callback_data: 'outside' });

    const meta = await server.parley.ctx.db.selectFrom('api_message_meta').select(['callback_data', 'pricing_type']).orderBy('callback_data').execute();
    expect(meta).toEqual([
      { callback_data: 'in-window', pricing_type: 'free_customer_service' },
      { callback_data: 'outside', pricing_type: null },
    ]);
  });

  it('read implies delivered: one of each per message when both happen at once; messages of the business app count too', async () => {
    await ws.close();
    const w1 = await apiSend('one');
    const w2 = await apiSend('two');
    const other = await asBusiness('interactive', { type: 'button', body: 'Rate us', buttons: [{ id: 'good', title: 'Good' }] });
    const w3 = toWamid(waId, other.message.id);
    const again = await WsClient.connect(server, customer.token);
    sockets.push(again);
    expect((await again.request({ type: 'read', chatId, seq: other.message.seq })).type).toBe('reply');
    const moved = await waitStatuses(6, (s) => s.status === 'delivered' || s.status === 'read');
    expect(moved.map((s) => `${s.id === w1 ? 1 : s.id === w2 ? 2 : s.id === w3 ? 3 : '?'}:${s.status}`).sort()).toEqual(['1:delivered', '1:read', '2:delivered', '2:read', '3:delivered', '3:read']);
    // The outbox holds each status once.
    const rows = await server.parley.ctx.db.selectFrom('webhook_events').select('payload').execute();
    expect(rows.filter((r) => r.payload.includes('"status":"delivered"'))).toHaveLength(3);
  });

  it('messages the business sent before it had API access get no statuses', async () => {
    clock.advance(-60_000);
    const old = await asBusiness('interactive', { type: 'button', body: 'Old offer', buttons: [{ id: 'ok', title: 'OK' }] });
    clock.advance(60_000);
    const wamid = await apiSend('new');
    const got = await fromBusiness();
    expect(got.update.message!.id).toBe(old.message.id);
    const last = await fromBusiness();
    expect((await ws.request({ type: 'read', chatId, seq: last.update.message!.seq as number })).type).toBe('reply');
    await waitStatuses(1, (s) => s.status === 'read');
    await server.parley.webhooks.idle();
    expect(statuses().map((s) => `${s.id === wamid ? 'new' : s.id}:${s.status}`).sort()).toEqual(['new:delivered', 'new:read', 'new:sent']);
  });

  it('a customer with read receipts off yields delivered but never read', async () => {
    expect((await api(server, 'PATCH', '/v1/me/privacy', { token: customer.token, body: { readReceipts: false } })).status).toBe(200);
    const wamid = await apiSend('Are you there?');
    const got = await fromBusiness();
    await ws.request({ type: 'ack', seq: got.seq });
    await waitStatuses(1, (s) => s.id === wamid && s.status === 'delivered');
    expect((await ws.request({ type: 'read', chatId, seq: got.update.message!.seq as number })).type).toBe('reply');
    await new Promise((r) => setTimeout(r, 100));
    await server.parley.webhooks.idle();
    expect(statuses().filter((s) => s.id === wamid).map((s) => s.status).sort()).toEqual(['delivered', 'sent']);
    const rows = await server.parley.ctx.db.selectFrom('webhook_events').select('payload').execute();
    expect(rows.some((r) => r.payload.includes('"status":"read"'))).toBe(false);
  });

  it('the conversation id is stable within 24 hours of its opening and new after', async () => {
    const a = await apiSend('first');
    clock.advance(23 * 3600_000);
    const b = await apiSend('second, same window');
    clock.advance(2 * 3600_000);
    // 25 hours on, the customer-service window needs a new customer message (it opens no conversation).
    await customerWrites(server, customer, biz, 'Still open?');
    const c = await apiSend('third, new window');
    const sent = await waitStatuses(3, (s) => s.status === 'sent');
    const conv = (w: string) => sent.find((s) => s.id === w)!.conversation!;
    expect(conv(b).id).toBe(conv(a).id);
    expect(conv(b)).not.toHaveProperty('expiration_timestamp');
    expect(conv(c).id).not.toBe(conv(a).id);
    expect(conv(c).expiration_timestamp).toBe(String((clock.now() + 24 * 3600_000) / 1000));
  });

  it("another business's receiver and chats between people get nothing", async () => {
    const otherReceiver = await WebhookReceiver.start();
    try {
      await apiBusiness(server, otherReceiver);
      const friend = await signIn(server);
      const personal = await openChat(server, customer, friend);
      const before = await server.parley.ctx.db.selectFrom('webhook_events').select('id').execute();
      const r = await ws.request({ type: 'send', chatId: personal, clientId: 'p1', kind: 'text', content: { text: 'hi friend' } });
      expect(r.type).toBe('reply');
      expect(await server.parley.ctx.db.selectFrom('webhook_events').select('id').execute()).toHaveLength(before.length);
      const sent = await send({ kind: 'text', content: { text: 'to the shop' } });
      await inbound(byId(sent.messageId));
      await server.parley.webhooks.idle();
      expect(otherReceiver.posts()).toHaveLength(0);
    } finally {
      await otherReceiver.close();
    }
  });
});
