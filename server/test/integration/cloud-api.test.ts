import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, signIn, WsClient, type Person } from '../helpers/clients.js';
import { signInBusiness } from '../helpers/business.js';
import { firstMessage, firstStatus, WebhookReceiver } from '../helpers/webhook-receiver.js';
import { apiBusiness, customerWrites, digits, expectGraphError, graph, helloWorld, textExample, type ApiBusiness } from '../helpers/api-business.js';
import { ManualClock } from '../../src/platform/clock.js';

describe('Business API: set-up', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    server = await startServer();
    receiver = await WebhookReceiver.start();
  });
  afterEach(async () => {
    await server.close();
    await receiver.close();
  });

  it('turns API access on with numeric node ids, shows the secret and the token once, and lists them without secrets', async () => {
    const biz = await signInBusiness(server);
    const before = await api<{ enabled: boolean }>(server, 'GET', '/v1/business/api', { token: biz.token });
    expect(before.body).toMatchObject({ enabled: false, wabaId: null });
    const on = await api<{ wabaId: string; numbers: { phoneNumberId: string; displayPhoneNumber: string }[] }>(server, 'POST', '/v1/business/api/enable', { token: biz.token });
    expect(on.body.wabaId).toMatch(/^[1-9]\d{14,15}$/);
    expect(on.body.numbers).toEqual([{ phoneNumberId: expect.stringMatching(/^[1-9]\d{14,15}$/), displayPhoneNumber: digits(biz.phone), registered: true }]);
    const again = await api<{ wabaId: string }>(server, 'POST', '/v1/business/api/enable', { token: biz.token });
    expect(again.body.wabaId).toBe(on.body.wabaId);

    const app = await api<{ id: string; appSecret: string }>(server, 'POST', '/v1/business/api/apps', { token: biz.token, body: { name: 'CRM' } });
    expect(app.body.id).toMatch(/^[1-9]\d{14,15}$/);
    expect(app.body.appSecret).toMatch(/^[0-9a-f]{32}$/);
    const tok = await api<{ id: string; token: string; scopes: string[] }>(server, 'POST', '/v1/business/api/tokens', { token: biz.token, body: { scopes: ['management', 'messaging'] } });
    expect(tok.body.token).toMatch(/^EAA/);
    expect(tok.body.scopes).toEqual(['messaging', 'management']);
    const state = await api(server, 'GET', '/v1/business/api', { token: biz.token });
    const text = JSON.stringify(state.body);
    expect(text).not.toContain(tok.body.token);
    expect(text).not.toContain(app.body.appSecret);
    expect(state.body).toMatchObject({ enabled: true, apps: [{ id: app.body.id, name: 'CRM', webhook: null }], tokens: [{ id: tok.body.id, scopes: ['messaging', 'management'], revokedAt: null }] });

    const bad = await api<{ error: { code: string } }>(server, 'POST', '/v1/business/api/tokens', { token: biz.token, body: { scopes: ['admin'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('API_SCOPES_INVALID');
  });

  it('refuses people and other businesses', async () => {
    const person = await signIn(server);
    const res = await api<{ error: { code: string } }>(server, 'POST', '/v1/business/api/enable', { token: person.token });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('NOT_A_BUSINESS');
    const a = await apiBusiness(server, null);
    const b = await signInBusiness(server);
    await api(server, 'POST', '/v1/business/api/enable', { token: b.token });
    const revoke = await api<{ error: { code: string } }>(server, 'DELETE', `/v1/business/api/tokens/${a.tokenId}`, { token: b.token });
    expect(revoke.body.error.code).toBe('API_TOKEN_NOT_FOUND');
    const hook = await api<{ error: { code: string } }>(server, 'PUT', `/v1/business/api/apps/${a.appId}/webhook`, { token: b.token, body: { callbackUrl: receiver.url, verifyToken: 'x' } });
    expect(hook.body.error.code).toBe('API_APP_NOT_FOUND');
    const deliveries = await api<{ error: { code: string } }>(server, 'GET', `/v1/business/api/apps/${a.appId}/deliveries`, { token: b.token });
    expect(deliveries.body.error.code).toBe('API_APP_NOT_FOUND');
    expect(receiver.requests).toHaveLength(0);
  });

  it('saves a webhook only after the hub.challenge handshake succeeds', async () => {
    const biz = await apiBusiness(server, null);
    const wrong = await api<{ error: { code: string; details: { reason: string; status: number } } }>(server, 'PUT', `/v1/business/api/apps/${biz.appId}/webhook`, {
      token: biz.token,
      body: { callbackUrl: receiver.url, verifyToken: 'not-the-token' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'WEBHOOK_VERIFICATION_FAILED', details: { reason: 'status', status: 403 } });
    const state1 = await api<{ apps: { webhook: unknown }[] }>(server, 'GET', '/v1/business/api', { token: biz.token });
    expect(state1.body.apps[0]!.webhook).toBeNull();

    const unreachable = await api<{ error: { code: string } }>(server, 'PUT', `/v1/business/api/apps/${biz.appId}/webhook`, { token: biz.token, body: { callbackUrl: 'http://127.0.0.1:1/hook', verifyToken: 'x' } });
    expect(unreachable.body.error.code).toBe('WEBHOOK_VERIFICATION_FAILED');
    const badUrl = await api<{ error: { code: string } }>(server, 'PUT', `/v1/business/api/apps/${biz.appId}/webhook`, { token: biz.token, body: { callbackUrl: 'ftp://example.com', verifyToken: 'x' } });
    expect(badUrl.body.error.code).toBe('WEBHOOK_URL_INVALID');

    const ok = await api(server, 'PUT', `/v1/business/api/apps/${biz.appId}/webhook`, { token: biz.token, body: { callbackUrl: receiver.url, verifyToken: receiver.verifyToken } });
    expect(ok.status).toBe(200);
    const handshake = receiver.requests.at(-1)!;
    expect(handshake.method).toBe('GET');
    const q = new URL(handshake.url, 'http://x').searchParams;
    expect(q.get('hub.mode')).toBe('subscribe');
    expect(q.get('hub.challenge')).toMatch(/^\d+$/);
    expect(q.get('hub.verify_token')).toBe(receiver.verifyToken);
    const state2 = await api<{ apps: { webhook: { callbackUrl: string } }[] }>(server, 'GET', '/v1/business/api', { token: biz.token });
    expect(state2.body.apps[0]!.webhook.callbackUrl).toBe(receiver.url);
  });
});

describe('Business API: POST /{phone_number_id}/messages', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let biz: ApiBusiness;
  let customer: Person;
  const sockets: WsClient[] = [];
  beforeEach(async () => {
    server = await startServer();
    receiver = await WebhookReceiver.start();
    biz = await apiBusiness(server, receiver);
    customer = await signIn(server);
    // The customer wrote first: free-form messages are allowed for 24 hours (the messaging policy).
    await customerWrites(server, customer, biz);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) await s.close();
    await server.close();
    await receiver.close();
  });

  it('sends the reference text example: exact response, the customer sees it live, a signed sent status follows', async () => {
    const ws = await WsClient.connect(server, customer.token);
    sockets.push(ws);
    const to = digits(customer.phone);
    const res = await graph(server, biz.apiToken, 'POST', `/v23.0/${biz.phoneNumberId}/messages`, textExample(to));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['messaging_product', 'contacts', 'messages']);
    expect(res.body).toEqual({ messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: expect.stringMatching(/^wamid\.[A-Za-z0-9+/]+=*$/) }] });
    const wamid = (res.body as { messages: { id: string }[] }).messages[0]!.id;

    const got = await ws.nextUpdate('message.created');
    expect(got.update.message).toMatchObject({ senderId: biz.accountId, kind: 'text', content: { text: 'See https://example.com/order/42', linkPreview: true } });

    const { req, json } = await receiver.waitFor((j) => firstStatus(j)?.status === 'sent');
    expect(json).toMatchObject({
      object: 'whatsapp_business_account',
      entry: [{ id: biz.wabaId, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: digits(biz.phone), phone_number_id: biz.phoneNumberId } } }] }],
    });
    expect(firstStatus(json)).toMatchObject({ id: wamid, status: 'sent', recipient_id: to, timestamp: expect.stringMatching(/^\d+$/), pricing: { category: 'service' } });
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['content-length']).toBe(String(req.body.length));
    expect(req.headers['transfer-encoding']).toBeUndefined();
    expect(req.headers['x-hub-signature-256']).toBe('sha256=' + createHmac('sha256', biz.appSecret).update(req.body).digest('hex'));
    expect(req.headers['x-hub-signature']).toBe('sha1=' + createHmac('sha1', biz.appSecret).update(req.body).digest('hex'));
  });

  it('accepts the unversioned path, a trailing slash, the access_token query, a missing type and null fields', async () => {
    const to = `+${digits(customer.phone).slice(0, 2)} ${digits(customer.phone).slice(2)}`;
    const a = await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages/`, { messaging_product: 'whatsapp', to, text: { body: 'no type' } });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(a.body).toMatchObject({ contacts: [{ input: to, wa_id: digits(customer.phone) }] });
    const b = await api(server, 'POST', `/v19.0/${biz.phoneNumberId}/messages?access_token=${encodeURIComponent(biz.apiToken)}`, {
      body: { messaging_product: 'whatsapp', recipient_type: 'individual', to: customer.phone, type: 'text', context: null, biz_opaque_callback_data: null, text: { body: 'nulls', preview_url: null } },
    });
    expect(b.status, JSON.stringify(b.body)).toBe(200);
  });

  it('answers every refusal in the Graph envelope with the reference code and status, and sends nothing', async () => {
    const path = `/v23.0/${biz.phoneNumberId}/messages`;
    const to = digits(customer.phone);
    const ws = await WsClient.connect(server, customer.token);
    sockets.push(ws);

    const e104 = expectGraphError(await graph(server, null, 'POST', path, textExample(to)), 401, 104);
    expect(e104.error_data).toBeUndefined();
    expectGraphError(await graph(server, 'EAAnonsense', 'POST', path, textExample(to)), 401, 190, { message: 'Invalid OAuth access token - Cannot parse access token' });

    const other = await apiBusiness(server, null);
    expectGraphError(await graph(server, other.apiToken, 'POST', path, textExample(to)), 400, 100, { error_subcode: 33, type: 'GraphMethodException' });
    expectGraphError(await graph(server, biz.apiToken, 'POST', `/v23.0/999999999999999/messages`, textExample(to)), 400, 100, { error_subcode: 33 });

    const mgmt = await api<{ token: string }>(server, 'POST', '/v1/business/api/tokens', { token: biz.token, body: { scopes: ['management'] } });
    expectGraphError(await graph(server, mgmt.body.token, 'POST', path, textExample(to)), 403, 10);

    const unknown = expectGraphError(await graph(server, biz.apiToken, 'POST', path, { ...textExample(to), colour: 'blue' }), 400, 100, { message: '(#100) Invalid parameter' });
    expect(unknown.error_data).toEqual({ messaging_product: 'whatsapp', details: 'Unexpected key "colour" on param "message".' });
    expectGraphError(await graph(server, biz.apiToken, 'POST', path, { ...textExample(to), text: { body: 'x', bold: true } }), 400, 100);

    const long = expectGraphError(await graph(server, biz.apiToken, 'POST', path, { ...textExample(to), text: { body: 'a'.repeat(4097) } }), 400, 131009, { message: '(#131009) Parameter value is not valid' });
    expect((long.error_data as { details: string }).details).toContain('4096');
    expect((await graph(server, biz.apiToken, 'POST', path, { ...textExample(to), text: { body: 'a'.repeat(4096) } })).status).toBe(200);

    expectGraphError(await graph(server, biz.apiToken, 'POST', path, { messaging_product: 'whatsapp', to, type: 'text', text: {} }), 400, 131008, { message: '(#131008) Required parameter is missing' });
    expectGraphError(await graph(server, biz.apiToken, 'POST', path, { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } }), 400, 131008);
    expectGraphError(await graph(server, biz.apiToken, 'POST', path, { to, type: 'text', text: { body: 'x' } }), 400, 100);
    expectGraphError(await graph(server, biz.apiToken, 'POST', path, { messaging_product: 'whatsapp', to, type: 'interactive', interactive: { type: 'flow', body: { text: 'x' }, action: { name: 'flow', parameters: {} } } }), 400, 131051);
    expectGraphError(await graph(server, biz.apiToken, 'POST', path, { messaging_product: 'whatsapp', to: 'hello', type: 'text', text: { body: 'x' } }), 400, 131009);
    expectGraphError(await graph(server, biz.apiToken, 'POST', path, { messaging_product: 'whatsapp', to: digits(biz.phone), type: 'text', text: { body: 'x' } }), 400, 131021);
    expectGraphError(await graph(server, biz.apiToken, 'POST', path, { ...textExample(to), context: { message_id: 'wamid.bm9wZQ==' } }), 400, 100);
    expectGraphError(await api(server, 'POST', path, { token: biz.apiToken, body: '{"messaging_product":', headers: { 'content-type': 'application/json' } }), 400, 100);
    expectGraphError(await graph(server, biz.apiToken, 'GET', `/v23.0/${biz.phoneNumberId}/nothing_here`), 400, 2500);

    // The revoked token stops working at once.
    await api(server, 'DELETE', `/v1/business/api/tokens/${biz.tokenId}`, { token: biz.token });
    expectGraphError(await graph(server, biz.apiToken, 'POST', path, textExample(to)), 401, 190);

    // Only the one valid 4096-character message reached the customer.
    const created = ws.updates('message.created');
    expect(created).toHaveLength(1);
    expect((created[0]!.update.message!.content as { text: string }).text).toHaveLength(4096);
    // Parley's own API keeps its own envelope.
    const parley = await api<{ error: { code: string } }>(server, 'GET', '/v1/chats');
    expect(parley.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('an unknown number is accepted, then reported failed with 131026', async () => {
    const res = await graph<{ messages: { id: string }[]; contacts: { wa_id: string }[] }>(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, textExample('+1 202-555-0143'));
    expect(res.status).toBe(200);
    expect(res.body.contacts[0]!.wa_id).toBe('12025550143');
    const { json } = await receiver.waitFor((j) => firstStatus(j)?.status === 'failed');
    expect(firstStatus(json)).toMatchObject({ id: res.body.messages[0]!.id, recipient_id: '12025550143', errors: [{ code: 131026, title: 'Message undeliverable' }] });
  });

  it('a customer who blocked the business does not get API messages; the business gets a failed status', async () => {
    const ws = await WsClient.connect(server, customer.token);
    sockets.push(ws);
    expect((await api(server, 'PUT', `/v1/blocks/${biz.accountId}`, { token: customer.token })).status).toBeLessThan(300);
    const res = await graph<{ messages: { id: string }[] }>(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, textExample(digits(customer.phone)));
    expect(res.status).toBe(200);
    const { json } = await receiver.waitFor((j) => !!firstStatus(j));
    expect(firstStatus(json)).toMatchObject({ id: res.body.messages[0]!.id, status: 'failed', errors: [{ code: 131026 }] });
    expect(await ws.silentFor(200, (f) => f.type === 'update' && (f.update as { type: string }).type === 'message.created')).toBe(true);
  });

  it('a customer reply arrives as a messages webhook, ASCII-escaped and signed; replies and mark-as-read work with its wamid', async () => {
    const to = digits(customer.phone);
    const sent = await graph<{ messages: { id: string }[] }>(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, textExample(to));
    const ws = await WsClient.connect(server, customer.token);
    sockets.push(ws);
    expect((await api(server, 'PATCH', '/v1/me', { token: customer.token, body: { displayName: 'Zoë' } })).status).toBe(200);
    const chat = await api<{ id: string }>(server, 'POST', '/v1/chats', { token: customer.token, body: { peer: biz.phone } });
    const text = 'Ça coûte combien ? 😀 你好';
    const mine = await ws.request({ type: 'send', chatId: chat.body.id, clientId: 'c1', kind: 'text', content: { text } });
    expect(mine.type).toBe('reply');

    const { req, json } = await receiver.waitFor((j) => firstMessage(j)?.text?.body === text);
    const raw = req.body.toString('utf8');
    expect(/^[\x20-\x7e]*$/.test(raw)).toBe(true);
    expect(raw).toContain('\\u00c7a co\\u00fbte combien ? \\ud83d\\ude00 \\u4f60\\u597d');
    expect(req.headers['x-hub-signature-256']).toBe('sha256=' + createHmac('sha256', biz.appSecret).update(req.body).digest('hex'));
    expect(json.entry[0]!.id).toBe(biz.wabaId);
    expect(json.entry[0]!.changes).toHaveLength(1);
    const value = json.entry[0]!.changes[0]!.value;
    expect(value.metadata).toEqual({ display_phone_number: digits(biz.phone), phone_number_id: biz.phoneNumberId });
    expect(value.contacts).toEqual([{ profile: { name: 'Zoë' }, wa_id: to }]);
    expect(value.messages).toHaveLength(1);
    const inbound = value.messages![0]!;
    expect(inbound).toMatchObject({ from: to, type: 'text', text: { body: text }, timestamp: expect.stringMatching(/^\d+$/), id: expect.stringMatching(/^wamid\./) });

    // A reply quoting the customer's message, by its wamid.
    const reply = await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to, type: 'text', text: { body: 'Dix euros.' }, context: { message_id: inbound.id } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const quoted = (await ws.next((f) => f.type === 'update' && (f.update as { type: string; message?: { senderId: string } }).type === 'message.created' && (f.update as { message: { senderId: string } }).message.senderId === biz.accountId && (f.update as { message: { content: { text: string } } }).message.content.text === 'Dix euros.')) as unknown as { update: { message: unknown } };
    expect(quoted.update.message).toMatchObject({ content: { text: 'Dix euros.' }, replyTo: ws.updates('message.created').find((u) => u.update.message?.senderId === customer.accountId)!.update.message!.id });

    // Mark as read (reference 3.10 body): the customer sees the business's read receipt.
    const receipt = ws.next((f) => f.type === 'update' && (f.update as { type: string; accountId?: string; readSeq?: number }).type === 'chat.receipts' && (f.update as { accountId: string }).accountId === biz.accountId && (f.update as { readSeq: number }).readSeq >= 3);
    const read = await graph(server, biz.apiToken, 'POST', `/v23.0/${biz.phoneNumberId}/messages`, { messaging_product: 'whatsapp', status: 'read', message_id: inbound.id, typing_indicator: { type: 'text' } });
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body).toEqual({ success: true });
    // Seq 1: the customer's first message (beforeEach), 2: the business's, 3: this reply.
    expect((await receipt).update).toMatchObject({ chatId: chat.body.id, readSeq: 3 });
    const typing = await ws.next((f) => f.type === 'typing');
    expect(typing).toMatchObject({ chatId: chat.body.id, accountId: biz.accountId });

    expectGraphError(await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA' }), 400, 100);
    // Another business cannot read or quote this chat's messages by wamid.
    const other = await apiBusiness(server, null);
    expectGraphError(await graph(server, other.apiToken, 'POST', `/${other.phoneNumberId}/messages`, { messaging_product: 'whatsapp', status: 'read', message_id: inbound.id }), 400, 100);
    expect(sent.status).toBe(200);
  });

  it('a slow receiver does not slow sending', async () => {
    receiver.mode = { status: 200, delayMs: 1500 };
    const to = digits(customer.phone);
    const started = Date.now();
    for (let i = 0; i < 5; i++) {
      const res = await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, { ...textExample(to), text: { body: `m${i}` } });
      expect(res.status).toBe(200);
    }
    expect(Date.now() - started).toBeLessThan(1000);
    await receiver.waitFor((j) => firstStatus(j)?.status === 'sent', 5000);
  });
});

describe('Business API: webhook retries', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  const clock = new ManualClock();
  beforeEach(async () => {
    server = await startServer({ clock, config: { PARLEY_WEBHOOK_RETRY_BASE_MS: 60_000, PARLEY_WEBHOOK_POLL_MS: 20, PARLEY_WEBHOOK_TIMEOUT_MS: 2000 } });
    receiver = await WebhookReceiver.start();
  });
  afterEach(async () => {
    await server.close();
    await receiver.close();
  });

  it('a receiver that is down gets the event once it is up, with the same bytes; attempts are listed', async () => {
    const biz = await apiBusiness(server, receiver);
    const customer = await signIn(server);
    receiver.mode = { status: 500 };
    const res = await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, helloWorld(digits(customer.phone)));
    expect(res.status).toBe(200);
    await receiver.waitFor((j) => firstStatus(j)?.status === 'sent');
    await server.parley.webhooks.idle();
    let d = await api<Deliveries>(server, 'GET', `/v1/business/api/apps/${biz.appId}/deliveries`, { token: biz.token });
    expect(d.body.deliveries).toHaveLength(1);
    expect(d.body.deliveries[0]).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500, nextAttemptAt: clock.now() + 60_000, recentAttempts: [{ statusCode: 500 }] });

    // Not due yet: nothing more is sent.
    await new Promise((r) => setTimeout(r, 100));
    expect(receiver.posts()).toHaveLength(1);

    receiver.mode = { status: 200 };
    clock.advance(60_000);
    const until = Date.now() + 5000;
    while (receiver.posts().length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const [first, second] = receiver.posts();
    expect(second).toBeDefined();
    expect(second!.body.equals(first!.body)).toBe(true);
    expect(second!.headers['x-hub-signature-256']).toBe(first!.headers['x-hub-signature-256']);
    await server.parley.webhooks.idle();
    d = await api<Deliveries>(server, 'GET', `/v1/business/api/apps/${biz.appId}/deliveries`, { token: biz.token });
    expect(d.body.deliveries[0]).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 200, nextAttemptAt: null });
    // Newest first: the successful attempt (kept on the event row), then the failed one.
    expect(d.body.deliveries[0]!.recentAttempts).toEqual([
      { at: clock.now(), statusCode: 200, error: null, durationMs: expect.any(Number) },
      { at: clock.now() - 60_000, statusCode: 500, error: 'The receiver answered 500; only 200 counts as delivered.', durationMs: expect.any(Number) },
    ]);
  });

  it('drops an event still failing after 7 days', async () => {
    const biz = await apiBusiness(server, receiver);
    const customer = await signIn(server);
    receiver.mode = { status: 503 };
    await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, helloWorld(digits(customer.phone)));
    await receiver.waitFor((j) => firstStatus(j)?.status === 'sent');
    await server.parley.webhooks.idle();
    clock.advance(7 * 24 * 3600_000);
    const until = Date.now() + 5000;
    while (receiver.posts().length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await server.parley.webhooks.idle();
    const d = await api<Deliveries>(server, 'GET', `/v1/business/api/apps/${biz.appId}/deliveries`, { token: biz.token });
    expect(d.body.deliveries[0]).toMatchObject({ status: 'dropped', attempts: 2, lastStatusCode: 503, nextAttemptAt: null });
    clock.advance(24 * 3600_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(receiver.posts()).toHaveLength(2);
  });
});

/** GET /v1/business/api/apps/{id}/deliveries */
type Deliveries = { deliveries: { eventId: string; status: string; attempts: number; nextAttemptAt: number | null; lastStatusCode: number | null; lastError: string | null; recentAttempts: { at: number; statusCode: number | null; error: string | null; durationMs: number }[] }[] };

describe('Business API: a receiver that does not answer in time', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  const clock = new ManualClock();
  beforeEach(async () => {
    server = await startServer({ clock, config: { PARLEY_WEBHOOK_RETRY_BASE_MS: 60_000, PARLEY_WEBHOOK_POLL_MS: 20, PARLEY_WEBHOOK_TIMEOUT_MS: 300 } });
    receiver = await WebhookReceiver.start();
  });
  afterEach(async () => {
    await server.close();
    await receiver.close();
  });

  it('the attempt fails after the timeout, is listed with the reason, and the retry delivers the same bytes', async () => {
    const biz = await apiBusiness(server, receiver);
    const customer = await signIn(server);
    receiver.mode = { status: 200, delayMs: 2000 };
    expect((await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, helloWorld(digits(customer.phone)))).status).toBe(200);
    await receiver.waitFor((j) => firstStatus(j)?.status === 'sent');
    await server.parley.webhooks.idle();
    let d = await api<Deliveries>(server, 'GET', `/v1/business/api/apps/${biz.appId}/deliveries`, { token: biz.token });
    expect(d.body.deliveries[0]).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null, lastError: 'No answer within 300 ms.', nextAttemptAt: clock.now() + 60_000 });
    expect(d.body.deliveries[0]!.recentAttempts).toEqual([{ at: clock.now(), statusCode: null, error: 'No answer within 300 ms.', durationMs: expect.any(Number) }]);
    expect(d.body.deliveries[0]!.recentAttempts[0]!.durationMs).toBeGreaterThanOrEqual(250);

    receiver.mode = { status: 200 };
    clock.advance(60_000);
    const until = Date.now() + 5000;
    while (receiver.posts().length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await server.parley.webhooks.idle();
    const [first, second] = receiver.posts();
    expect(second!.body.equals(first!.body)).toBe(true);
    d = await api<Deliveries>(server, 'GET', `/v1/business/api/apps/${biz.appId}/deliveries`, { token: biz.token });
    expect(d.body.deliveries[0]).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 200, lastError: null });
    expect(d.body.deliveries[0]!.recentAttempts.map((a) => a.statusCode)).toEqual([200, null]);
  });

  it('an event delivered before migration 0022 (its successful attempt stored as a row) lists that attempt once', async () => {
    const biz = await apiBusiness(server, receiver);
    const customer = await signIn(server);
    expect((await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, helloWorld(digits(customer.phone)))).status).toBe(200);
    await receiver.waitFor((j) => firstStatus(j)?.status === 'sent');
    await server.parley.webhooks.idle();
    const db = server.parley.ctx.db;
    const [event] = await db.selectFrom('webhook_events').select(['id', 'delivered_at']).where('app_id', '=', biz.appId).execute();
    expect(event!.delivered_at).toBe(clock.now());
    // As the code before it left such an event: a webhook_attempts row for the success, no duration on the event.
    await db.updateTable('webhook_events').set({ last_duration_ms: null }).where('id', '=', event!.id).execute();
    await db.insertInto('webhook_attempts').values({ id: 'wha_legacy', event_id: event!.id, app_id: biz.appId, at: clock.now(), status_code: 200, error: null, duration_ms: 42 }).execute();
    const d = await api<Deliveries>(server, 'GET', `/v1/business/api/apps/${biz.appId}/deliveries`, { token: biz.token });
    expect(d.body.deliveries[0]!.recentAttempts).toEqual([{ at: clock.now(), statusCode: 200, error: null, durationMs: 42 }]);
  });
});
