/**
 * Cloud API management endpoints (reference §9, §6.1) against the real server: exact response
 * shapes, scopes, other WABAs' ids, two-step PIN and registration (a deregistered number neither
 * sends nor gets webhooks), business profile on Parley's profile, blocks with their effect on
 * customers' messages, QR codes opened through the real short-link route, commerce settings and
 * app subscriptions.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import QRCode from 'qrcode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, signIn, WsClient, type Person } from '../helpers/clients.js';
import { firstMessage, WebhookReceiver } from '../helpers/webhook-receiver.js';
import { signInBusiness } from '../helpers/business.js';
import { apiBusiness, digits, expectGraphError, graph, textExample, type ApiBusiness } from '../helpers/api-business.js';
import { makePng, upload } from '../helpers/media-fixtures.js';
import { ManualClock } from '../../src/platform/clock.js';

type Json = Record<string, unknown>;

describe('Cloud API management', { timeout: 60_000 }, () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let biz: ApiBusiness;
  let customer: Person;
  let clock: ManualClock;
  const sockets: WsClient[] = [];

  beforeEach(async () => {
    clock = new ManualClock(Date.now());
    server = await startServer({ clock });
    receiver = await WebhookReceiver.start();
    biz = await apiBusiness(server, receiver);
    customer = await signIn(server);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) await s.close();
    await server.close();
    await receiver.close();
  });

  async function ws(person: Person): Promise<WsClient> {
    const c = await WsClient.connect(server, person.token);
    sockets.push(c);
    return c;
  }

  /** The customer writes to the business (a real message through the ordinary send path). */
  async function customerWrites(text: string, socket?: WsClient): Promise<void> {
    const c = socket ?? (await ws(customer));
    const chat = await api<{ id: string }>(server, 'POST', '/v1/chats', { token: customer.token, body: { peer: biz.phone } });
    const r = await c.request({ type: 'send', chatId: chat.body.id, clientId: `c${Math.random()}`, kind: 'text', content: { text } });
    expect(r.type).toBe('reply');
  }

  const inboundTexts = () => receiver.payloads().flatMap(({ json }) => (firstMessage(json)?.type === 'text' ? [(firstMessage(json) as { text: { body: string } }).text.body] : []));
  const settle = async () => {
    await server.parley.webhooks.idle();
    await new Promise((r) => setTimeout(r, 150));
    await server.parley.webhooks.idle();
  };

  it('GET the WABA, its phone numbers (paging envelope) and a number with fields selection', async () => {
    const waba = await graph(server, biz.apiToken, 'GET', `/v23.0/${biz.wabaId}`);
    expect(waba.status, JSON.stringify(waba.body)).toBe(200);
    expect(Object.keys(waba.body)).toEqual(['id', 'name', 'timezone_id', 'message_template_namespace']);
    expect(waba.body).toMatchObject({ id: biz.wabaId, name: 'Chez Léa', message_template_namespace: expect.stringMatching(/^[0-9a-f]{8}(_[0-9a-f]{4}){3}_[0-9a-f]{12}$/) });
    const health = await graph(server, biz.apiToken, 'GET', `/${biz.wabaId}?fields=name,health_status`);
    expect(health.body).toEqual({ id: biz.wabaId, name: 'Chez Léa', health_status: { can_send_message: 'AVAILABLE', entities: [{ entity_type: 'WABA', id: biz.wabaId, can_send_message: 'AVAILABLE' }, { entity_type: 'PHONE_NUMBER', id: biz.phoneNumberId, can_send_message: 'AVAILABLE' }] } });

    const list = await graph<{ data: Json[]; paging: { cursors: { before: string; after: string } } }>(server, biz.apiToken, 'GET', `/v23.0/${biz.wabaId}/phone_numbers`);
    expect(list.status).toBe(200);
    expect(Object.keys(list.body)).toEqual(['data', 'paging']);
    const display = list.body.data[0]!.display_phone_number as string;
    expect(display.startsWith('+')).toBe(true);
    expect(digits(display)).toBe(digits(biz.phone));
    expect(list.body.data).toEqual([{ id: biz.phoneNumberId, display_phone_number: display, verified_name: 'Chez Léa', quality_rating: 'GREEN' }]);
    expect(list.body.paging.cursors).toEqual({ before: expect.any(String), after: expect.any(String) });
    expect((list.body.paging as Json).next).toBeUndefined();
    const listFields = await graph<{ data: Json[] }>(server, biz.apiToken, 'GET', `/${biz.wabaId}/phone_numbers?fields=verified_name,status`);
    expect(listFields.body.data).toEqual([{ id: biz.phoneNumberId, verified_name: 'Chez Léa', status: 'CONNECTED' }]);

    const num = await graph(server, biz.apiToken, 'GET', `/v23.0/${biz.phoneNumberId}`);
    expect(Object.keys(num.body)).toEqual(['id', 'display_phone_number', 'verified_name', 'quality_rating']);
    expect(num.body).toEqual({ id: biz.phoneNumberId, display_phone_number: display, verified_name: 'Chez Léa', quality_rating: 'GREEN' });
    const more = await graph(server, biz.apiToken, 'GET', `/v23.0/${biz.phoneNumberId}?fields=code_verification_status,platform_type,throughput{level},name_status,messaging_limit_tier,status,account_mode`);
    expect(more.body).toEqual({
      id: biz.phoneNumberId,
      code_verification_status: 'VERIFIED',
      platform_type: 'CLOUD_API',
      throughput: { level: 'STANDARD' },
      name_status: 'AVAILABLE_WITHOUT_REVIEW',
      messaging_limit_tier: 'TIER_250',
      status: 'CONNECTED',
      account_mode: 'LIVE',
    });
    const hook = await graph(server, biz.apiToken, 'GET', `/${biz.phoneNumberId}?fields=webhook_configuration,last_onboarded_time`);
    expect(hook.body).toEqual({ id: biz.phoneNumberId, webhook_configuration: { application: receiver.url }, last_onboarded_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/) });
    expectGraphError(await graph(server, biz.apiToken, 'GET', `/${biz.phoneNumberId}?fields=colour`), 400, 100, { message: '(#100) Tried accessing nonexisting field (colour) on node type (WhatsAppBusinessPhoneNumber)' });
    expectGraphError(await graph(server, biz.apiToken, 'GET', `/${biz.phoneNumberId}?fields=a{`), 400, 100);
  });

  it('every management endpoint needs the management scope (10); block_users takes either scope', async () => {
    const tok = await api<{ token: string }>(server, 'POST', '/v1/business/api/tokens', { token: biz.token, body: { scopes: ['messaging'] } });
    const messaging = tok.body.token;
    const n = biz.phoneNumberId;
    const calls: [string, string, unknown?][] = [
      ['GET', `/v23.0/${biz.wabaId}`],
      ['GET', `/v23.0/${biz.wabaId}/phone_numbers`],
      ['GET', `/v23.0/${biz.wabaId}/subscribed_apps`],
      ['POST', `/v23.0/${biz.wabaId}/subscribed_apps`, {}],
      ['DELETE', `/v23.0/${biz.wabaId}/subscribed_apps`],
      ['GET', `/v23.0/${n}`],
      ['POST', `/v23.0/${n}/`, { pin: '123456' }],
      ['POST', `/v23.0/${n}/register`, { messaging_product: 'whatsapp', pin: '123456' }],
      ['POST', `/v23.0/${n}/deregister`, {}],
      ['GET', `/v23.0/${n}/whatsapp_business_profile`],
      ['POST', `/v23.0/${n}/whatsapp_business_profile`, { messaging_product: 'whatsapp', about: 'x' }],
      ['GET', `/v23.0/${n}/message_qrdls`],
      ['POST', `/v23.0/${n}/message_qrdls?prefilled_message=hi`],
      ['GET', `/v23.0/${n}/whatsapp_commerce_settings`],
      ['POST', `/v23.0/${n}/whatsapp_commerce_settings?is_cart_enabled=false`],
    ];
    for (const [method, path, body] of calls) expectGraphError(await graph(server, messaging, method, path, body), 403, 10);
    // Nothing changed: still registered, no PIN, no QR code, cart still enabled, still subscribed.
    expect((await graph(server, biz.apiToken, 'GET', `/${n}?fields=status,is_pin_enabled`)).body).toEqual({ id: n, status: 'CONNECTED', is_pin_enabled: false });
    expect((await graph(server, biz.apiToken, 'GET', `/${n}/message_qrdls`)).body).toEqual({ data: [] });
    expect((await graph<{ data: Json[] }>(server, biz.apiToken, 'GET', `/${n}/whatsapp_commerce_settings`)).body.data[0]).toMatchObject({ is_cart_enabled: true });
    expect((await graph<{ data: Json[] }>(server, biz.apiToken, 'GET', `/${biz.wabaId}/subscribed_apps`)).body.data).toHaveLength(1);
    expect((await graph(server, messaging, 'GET', `/${n}/block_users`)).status).toBe(200);
    const mgmt = await api<{ token: string }>(server, 'POST', '/v1/business/api/tokens', { token: biz.token, body: { scopes: ['management'] } });
    expect((await graph(server, mgmt.body.token, 'GET', `/${n}/block_users`)).status).toBe(200);
    expect((await graph(server, mgmt.body.token, 'GET', `/${n}`)).status).toBe(200);
  });

  it("another WABA's ids answer like unknown nodes (100, subcode 33) on every endpoint", async () => {
    const other = await apiBusiness(server, null);
    const n = biz.phoneNumberId;
    const calls: [string, string, unknown?][] = [
      ['GET', `/v23.0/${biz.wabaId}`],
      ['GET', `/${biz.wabaId}/phone_numbers`],
      ['GET', `/${biz.wabaId}/subscribed_apps`],
      ['DELETE', `/${biz.wabaId}/subscribed_apps`],
      ['GET', `/${n}`],
      ['POST', `/${n}`, { pin: '123456' }],
      ['POST', `/${n}/register`, { messaging_product: 'whatsapp', pin: '123456' }],
      ['POST', `/${n}/deregister`],
      ['GET', `/${n}/whatsapp_business_profile`],
      ['POST', `/${n}/whatsapp_business_profile`, { messaging_product: 'whatsapp', about: 'Hacked' }],
      ['GET', `/${n}/block_users`],
      ['POST', `/${n}/block_users`, { messaging_product: 'whatsapp', block_users: [{ user: customer.phone }] }],
      ['GET', `/${n}/message_qrdls`],
      ['POST', `/${n}/message_qrdls?prefilled_message=hi`],
      ['GET', `/${n}/whatsapp_commerce_settings`],
      ['POST', `/${n}/whatsapp_commerce_settings?is_cart_enabled=false`],
      // A phone number id used as a WABA id and the other way round.
      ['GET', `/${n}/phone_numbers`],
    ];
    for (const [method, path, body] of calls) expectGraphError(await graph(server, other.apiToken, method, path, body), 400, 100, { error_subcode: 33, type: 'GraphMethodException' });
    expectGraphError(await graph(server, biz.apiToken, 'GET', `/${biz.phoneNumberId}/phone_numbers`), 400, 100, { error_subcode: 33 });
    expect((await graph<{ data: Json[] }>(server, biz.apiToken, 'GET', `/${n}/whatsapp_business_profile`)).body.data[0]).not.toHaveProperty('about');
    expect((await graph(server, biz.apiToken, 'GET', `/${n}?fields=status`)).body).toMatchObject({ status: 'CONNECTED' });
  });

  it('two-step PIN: set (stored as scrypt), register needs it, wrong PINs are counted and lock the number for an hour', async () => {
    expect((await graph(server, biz.apiToken, 'POST', `/v23.0/${biz.phoneNumberId}/`, { pin: '123456' })).body).toEqual({ success: true });
    const row = await server.parley.ctx.db.selectFrom('api_number_state').selectAll().where('phone_number_id', '=', biz.phoneNumberId).executeTakeFirstOrThrow();
    expect(row.pin_hash).toMatch(/^scrypt\$/);
    expect(row.pin_hash).not.toContain('123456');
    expectGraphError(await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}`, { pin: '12345' }), 400, 100);
    expectGraphError(await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}`, { pin: '123456', colour: 1 }), 400, 100);

    const register = (pin: string) => graph(server, biz.apiToken, 'POST', `/v23.0/${biz.phoneNumberId}/register`, { messaging_product: 'whatsapp', pin });
    expectGraphError(await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/register`, { pin: '123456' }), 400, 100);
    expectGraphError(await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/register`, { messaging_product: 'whatsapp' }), 400, 100, { message: '(#100) The parameter pin is required.' });
    expectGraphError(await register('000000'), 400, 133005, { message: '(#133005) Two-step PIN mismatch' });
    expect((await register('123456')).body).toEqual({ success: true });
    // The count restarts after a right PIN: four wrong ones in a row do not lock …
    for (let i = 0; i < 4; i++) expectGraphError(await register('999999'), 400, 133005);
    // … the fifth does, and then even the right PIN is refused until the hour is over.
    expectGraphError(await register('999999'), 400, 133008, { message: '(#133008) Too many PIN guesses' });
    const locked = expectGraphError(await register('123456'), 400, 133008);
    expect((locked.error_data as { details: string }).details).toMatch(/60 minutes/);
    clock.advance(60 * 60_000 + 1);
    expect((await register('123456')).body).toEqual({ success: true });
    // Changing the PIN with a management token takes effect at once.
    expect((await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}`, { pin: '654321' })).status).toBe(200);
    expectGraphError(await register('123456'), 400, 133005);
    expect((await register('654321')).status).toBe(200);
  });

  it('register without a PIN set makes the given PIN the number\'s PIN', async () => {
    expect((await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/register`, { messaging_product: 'whatsapp', pin: '246810' })).body).toEqual({ success: true });
    expect((await graph(server, biz.apiToken, 'GET', `/${biz.phoneNumberId}?fields=is_pin_enabled`)).body).toEqual({ id: biz.phoneNumberId, is_pin_enabled: true });
    expectGraphError(await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/register`, { messaging_product: 'whatsapp', pin: '111111' }), 400, 133005);
  });

  it('a deregistered number refuses sends with 133010 and gets no webhooks until registered again', async () => {
    const socket = await ws(customer);
    await customerWrites('before', socket);
    await receiver.waitFor((j) => firstMessage(j)?.type === 'text');

    expect((await graph(server, biz.apiToken, 'POST', `/v23.0/${biz.phoneNumberId}/deregister`)).body).toEqual({ success: true });
    expect((await graph(server, biz.apiToken, 'GET', `/${biz.phoneNumberId}?fields=status,platform_type`)).body).toEqual({ id: biz.phoneNumberId, status: 'DISCONNECTED', platform_type: 'NOT_APPLICABLE' });
    expectGraphError(await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, textExample(digits(customer.phone))), 400, 133010, {
      message: '(#133010) Phone number not registered on the platform',
    });
    // Another WABA still sees an unknown number, not a deregistered one.
    const other = await apiBusiness(server, null);
    expectGraphError(await graph(server, other.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, textExample(digits(customer.phone))), 400, 100, { error_subcode: 33 });

    await customerWrites('while deregistered', socket);
    await settle();
    expect(inboundTexts()).toEqual(['before']);

    expect((await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/register`, { messaging_product: 'whatsapp', pin: '123456' })).body).toEqual({ success: true });
    await customerWrites('after', socket);
    await receiver.waitFor((j) => (firstMessage(j) as { text?: { body: string } } | undefined)?.text?.body === 'after');
    expect(inboundTexts()).toEqual(['before', 'after']);
    expect((await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, textExample(digits(customer.phone)))).status).toBe(200);
  });

  it('business profile: the reference shapes on Parley\'s own profile; changes reach linked devices and customers', async () => {
    const path = `/v23.0/${biz.phoneNumberId}/whatsapp_business_profile`;
    const empty = await graph(server, biz.apiToken, 'GET', path);
    expect(empty.body).toEqual({ data: [{ messaging_product: 'whatsapp', websites: [], vertical: 'RESTAURANT' }] });

    const device = await ws(biz);
    const update = {
      messaging_product: 'whatsapp',
      about: 'Fresh bread daily',
      address: '1 Baker St',
      description: 'Family bakery since 1980',
      email: 'hi@bakery.example',
      websites: ['https://bakery.example'],
      vertical: 'GROCERY',
    };
    const res = await graph(server, biz.apiToken, 'POST', path, update);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ success: true });
    expect((await device.nextUpdate('business.changed')).update.area).toBe('profile');

    const got = await graph(server, biz.apiToken, 'GET', path);
    expect(got.body).toEqual({ data: [{ messaging_product: 'whatsapp', about: 'Fresh bread daily', address: '1 Baker St', description: 'Family bakery since 1980', email: 'hi@bakery.example', websites: ['https://bakery.example'], vertical: 'GROCERY' }] });
    const some = await graph(server, biz.apiToken, 'GET', `${path}?fields=about,vertical`);
    expect(some.body).toEqual({ data: [{ messaging_product: 'whatsapp', about: 'Fresh bread daily', vertical: 'GROCERY' }] });

    // The customer sees it in Parley's public profile; Parley's category follows the vertical.
    const pub = await api<Json>(server, 'GET', `/v1/accounts/${biz.accountId}/business`, { token: customer.token });
    expect(pub.body).toMatchObject({ about: 'Fresh bread daily', address: '1 Baker St', description: 'Family bakery since 1980', email: 'hi@bakery.example', websites: ['https://bakery.example'], category: 'food_grocery' });

    // Only sent fields change; a vertical without a Parley category is stored as other.
    expect((await graph(server, biz.apiToken, 'POST', path, { messaging_product: 'whatsapp', vertical: 'ALCOHOL' })).status).toBe(200);
    expect((await graph<{ data: Json[] }>(server, biz.apiToken, 'GET', path)).body.data[0]).toMatchObject({ about: 'Fresh bread daily', vertical: 'OTHER' });

    // Refusals change nothing.
    const bad: Json[] = [
      { messaging_product: 'whatsapp', websites: ['https://a.example', 'https://b.example', 'https://c.example'] },
      { messaging_product: 'whatsapp', websites: ['ftp://a.example'] },
      { messaging_product: 'whatsapp', email: 'not-an-email' },
      { messaging_product: 'whatsapp', about: 'a'.repeat(140) },
      { messaging_product: 'whatsapp', about: '' },
      { messaging_product: 'whatsapp', vertical: 'BAKERY' },
      { messaging_product: 'whatsapp', description: 'd'.repeat(513), about: 'changed' },
      { messaging_product: 'whatsapp', colour: 'blue' },
      { about: 'no product' },
      { messaging_product: 'whatsapp', profile_picture_handle: '4::aW1hZ2UvanBlZw==:ARY' },
    ];
    for (const b of bad) expectGraphError(await graph(server, biz.apiToken, 'POST', path, b), 400, 100);
    expect((await graph<{ data: Json[] }>(server, biz.apiToken, 'GET', path)).body.data[0]).toMatchObject({ about: 'Fresh bread daily', email: 'hi@bakery.example', websites: ['https://bakery.example'] });
  });

  it('profile picture: an uploaded image of the business becomes the photo, served at profile_picture_url', async () => {
    const png = makePng(8, 8, 5);
    const up = await upload<{ id: string }>(server, biz.token, png, { kind: 'image', contentType: 'image/png', fileName: 'logo.png' });
    const apiId = await server.parley.ctx.writes.run(async (tx) => (await import('../../src/domain/api/ids.js')).apiMediaId(tx, biz.wabaId, up.body.id, Date.now()));
    const path = `/${biz.phoneNumberId}/whatsapp_business_profile`;
    expect((await graph(server, biz.apiToken, 'POST', path, { messaging_product: 'whatsapp', profile_picture_handle: apiId })).status).toBe(200);
    const url = (await graph<{ data: { profile_picture_url: string }[] }>(server, biz.apiToken, 'GET', path)).body.data[0]!.profile_picture_url;
    expect(url).toMatch(new RegExp(`/v1/api-assets/profile-pictures/${biz.phoneNumberId}`));
    const img = await fetch(new URL(new URL(url).pathname + new URL(url).search, server.url));
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await img.arrayBuffer()).equals(png)).toBe(true);
    const pub = await api<Json>(server, 'GET', `/v1/accounts/${biz.accountId}/business`, { token: customer.token });
    expect(pub.body.photoMediaId).toBe(up.body.id);
  });

  it('block_users: only customers who wrote in the last 24 hours; the exact shapes; a blocked customer\'s messages no longer arrive', async () => {
    const path = `/v23.0/${biz.phoneNumberId}/block_users`;
    const input = customer.phone;
    const wa = digits(customer.phone);

    // Never wrote: refused per user with 131047, the whole answer 400 with 139100.
    const never = await graph<Json>(server, biz.apiToken, 'POST', path, { messaging_product: 'whatsapp', block_users: [{ user: input }] });
    expect(never.status).toBe(400);
    expect(Object.keys(never.body)).toEqual(['messaging_product', 'block_users', 'error']);
    expect(never.body.block_users).toEqual({
      added_users: [],
      failed_users: [{ input, wa_id: wa, errors: [{ message: 'Re-engagement message', code: 131047, error_data: { details: 'User has not messaged this business in the last 24 hours.' } }] }],
    });
    expect(never.body.error).toMatchObject({ message: '(#139100) Failed to block/unblock users', type: 'OAuthException', code: 139100, fbtrace_id: expect.any(String) });
    expect((await api<{ blocked: unknown[] }>(server, 'GET', '/v1/blocks', { token: biz.token })).body.blocked).toEqual([]);

    const socket = await ws(customer);
    await customerWrites('hello', socket);
    await receiver.waitFor((j) => firstMessage(j)?.type === 'text');

    // 25 hours later the window is closed again.
    clock.advance(25 * 3600_000);
    expect((await graph(server, biz.apiToken, 'POST', path, { messaging_product: 'whatsapp', block_users: [{ user: input }] })).status).toBe(400);
    await customerWrites('hello again', socket);
    await receiver.waitFor((j) => (firstMessage(j) as { text?: { body: string } } | undefined)?.text?.body === 'hello again');

    const stranger = '+12025550143';
    const mixed = await graph<Json>(server, biz.apiToken, 'POST', path, { messaging_product: 'whatsapp', block_users: [{ user: input }, { user: stranger }, { user: 'nope' }] });
    expect(mixed.status).toBe(400);
    expect(mixed.body.block_users).toEqual({
      added_users: [{ input, wa_id: wa }],
      failed_users: [
        { input: stranger, wa_id: '12025550143', errors: [{ message: 'Re-engagement message', code: 131047, error_data: { details: expect.any(String) } }] },
        { input: 'nope', errors: [{ message: 'Parameter value is not valid', code: 131009, error_data: { details: expect.any(String) } }] },
      ],
    });
    // Blocking again is fine: 200, the exact reference shape.
    const again = await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/block_users`, { messaging_product: 'whatsapp', block_users: [{ user: input }] });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ messaging_product: 'whatsapp', block_users: { added_users: [{ input, wa_id: wa }] } });

    const list = await graph<Json>(server, biz.apiToken, 'GET', path);
    expect(list.body).toEqual({ data: [{ messaging_product: 'whatsapp', wa_id: wa }], paging: { cursors: { before: expect.any(String), after: expect.any(String) } } });
    // The same block as one made in the web app.
    expect((await api<{ blocked: { id: string }[] }>(server, 'GET', '/v1/blocks', { token: biz.token })).body.blocked.map((p) => p.id)).toEqual([customer.accountId]);

    // The blocked customer's messages no longer arrive: no webhook.
    await customerWrites('let me in', socket);
    await settle();
    expect(inboundTexts()).toEqual(['hello', 'hello again']);

    const removed = await graph(server, biz.apiToken, 'DELETE', path, { messaging_product: 'whatsapp', block_users: [{ user: input }] });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ messaging_product: 'whatsapp', block_users: { removed_users: [{ input, wa_id: wa }] } });
    expect((await graph(server, biz.apiToken, 'GET', path)).body).toMatchObject({ data: [] });
    await customerWrites('thanks', socket);
    await receiver.waitFor((j) => (firstMessage(j) as { text?: { body: string } } | undefined)?.text?.body === 'thanks');
    expect(inboundTexts()).toEqual(['hello', 'hello again', 'thanks']);

    // Bad bodies are refused before anything happens.
    expectGraphError(await graph(server, biz.apiToken, 'POST', path, { block_users: [{ user: input }] }), 400, 100);
    expectGraphError(await graph(server, biz.apiToken, 'POST', path, { messaging_product: 'whatsapp' }), 400, 100);
    expectGraphError(await graph(server, biz.apiToken, 'POST', path, { messaging_product: 'whatsapp', block_users: [{ phone: input }] }), 400, 100);
    expect((await api<{ blocked: unknown[] }>(server, 'GET', '/v1/blocks', { token: biz.token })).body.blocked).toEqual([]);
  });

  it('block_users list pages with limit/after/before', async () => {
    const people: Person[] = [];
    for (let i = 0; i < 3; i++) people.push(await signIn(server));
    for (const p of people) {
      const c = await ws(p);
      const chat = await api<{ id: string }>(server, 'POST', '/v1/chats', { token: p.token, body: { peer: biz.phone } });
      await c.request({ type: 'send', chatId: chat.body.id, clientId: 'x', kind: 'text', content: { text: 'hi' } });
      clock.advance(1000);
      expect((await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/block_users`, { messaging_product: 'whatsapp', block_users: [{ user: p.phone }] })).status).toBe(200);
    }
    const first = await graph<{ data: { wa_id: string }[]; paging: { cursors: { after: string; before: string }; next?: string } }>(server, biz.apiToken, 'GET', `/${biz.phoneNumberId}/block_users?limit=2`);
    expect(first.body.data.map((d) => d.wa_id)).toEqual([digits(people[2]!.phone), digits(people[1]!.phone)]);
    expect(first.body.paging.next).toContain('after=');
    expect(first.body.paging.next).not.toContain('access_token');
    const second = await graph<{ data: { wa_id: string }[]; paging: { cursors: { before: string }; next?: string } }>(server, biz.apiToken, 'GET', `/${biz.phoneNumberId}/block_users?limit=2&after=${first.body.paging.cursors.after}`);
    expect(second.body.data.map((d) => d.wa_id)).toEqual([digits(people[0]!.phone)]);
    expect(second.body.paging.next).toBeUndefined();
    const back = await graph<{ data: { wa_id: string }[] }>(server, biz.apiToken, 'GET', `/${biz.phoneNumberId}/block_users?limit=2&before=${second.body.paging.cursors.before}`);
    expect(back.body.data.map((d) => d.wa_id)).toEqual([digits(people[2]!.phone), digits(people[1]!.phone)]);
    expectGraphError(await graph(server, biz.apiToken, 'GET', `/${biz.phoneNumberId}/block_users?after=garbage`), 400, 100);
  });

  it('message_qrdls: create, list, update, delete; the deep link opens through the real short-link route and the image is a real QR code', async () => {
    const base = `/v23.0/${biz.phoneNumberId}/message_qrdls`;
    const created = await graph<{ code: string; prefilled_message: string; deep_link_url: string; qr_image_url: string }>(
      server,
      biz.apiToken,
      'POST',
      `${base}?prefilled_message=${encodeURIComponent('Bonjour, je voudrais réserver')}&generate_qr_image=SVG`,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(Object.keys(created.body)).toEqual(['code', 'prefilled_message', 'deep_link_url', 'qr_image_url']);
    const { code } = created.body;
    expect(code).toMatch(/^[A-Z0-9]{14}$/);
    expect(created.body).toEqual({ code, prefilled_message: 'Bonjour, je voudrais réserver', deep_link_url: `${server.url}/l/${code}`, qr_image_url: `${server.url}/v1/api-assets/qr/${code}.svg` });

    // The real short-link route: anyone opening the link gets the business and the prefilled text.
    const link = await api<Json>(server, 'GET', `/v1/links/${code}`);
    expect(link.status).toBe(200);
    expect(link.body).toEqual({ businessId: biz.accountId, phone: biz.phone, name: 'Chez Léa', verified: false, photoMediaId: null, prefilledText: 'Bonjour, je voudrais réserver' });
    // The business's own short link is unaffected.
    const own = await api<{ code: string; prefilledText: string }>(server, 'GET', '/v1/business/short-link', { token: biz.token });
    expect(own.body.code).not.toBe(code);

    const svg = await fetch(created.body.qr_image_url);
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await svg.text()).toBe(await QRCode.toString(created.body.deep_link_url, { errorCorrectionLevel: 'M', margin: 2, type: 'svg' }));

    // JSON body works too; PNG by default.
    const second = await graph<{ code: string; qr_image_url: string }>(server, biz.apiToken, 'POST', base, { prefilled_message: 'Menu?' });
    expect(second.body.qr_image_url).toMatch(/\.png$/);
    const png = await fetch(second.body.qr_image_url);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await png.arrayBuffer()).subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);

    const list = await graph<{ data: { code: string }[] }>(server, biz.apiToken, 'GET', base);
    expect(Object.keys(list.body)).toEqual(['data']);
    expect(list.body.data.map((d) => d.code).sort()).toEqual([code, second.body.code].sort());
    expect((await graph(server, biz.apiToken, 'GET', `${base}?code=${code}`)).body).toEqual({ data: [created.body] });
    expect((await graph(server, biz.apiToken, 'GET', `${base}/${code}`)).body).toEqual({ data: [created.body] });

    const updated = await graph(server, biz.apiToken, 'POST', `${base}/${code}?prefilled_message=${encodeURIComponent('Une table pour deux')}`);
    expect(updated.body).toEqual({ ...created.body, prefilled_message: 'Une table pour deux' });
    expect((await api<Json>(server, 'GET', `/v1/links/${code}`)).body.prefilledText).toBe('Une table pour deux');

    expectGraphError(await graph(server, biz.apiToken, 'POST', `${base}?prefilled_message=${'x'.repeat(141)}`), 400, 100);
    expectGraphError(await graph(server, biz.apiToken, 'POST', base, {}), 400, 100);
    expectGraphError(await graph(server, biz.apiToken, 'POST', `${base}?prefilled_message=hi&generate_qr_image=gif`), 400, 100);
    expectGraphError(await graph(server, biz.apiToken, 'POST', `${base}/AAAAAAAAAAAAAA?prefilled_message=hi`), 400, 100);
    // Another business cannot touch this code through its own number.
    const other = await apiBusiness(server, null);
    expectGraphError(await graph(server, other.apiToken, 'DELETE', `/${other.phoneNumberId}/message_qrdls/${code}`), 400, 100);

    expect((await graph(server, biz.apiToken, 'DELETE', `${base}/${code}`)).body).toEqual({ success: true });
    const gone = await api<{ error: { code: string } }>(server, 'GET', `/v1/links/${code}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('LINK_NOT_FOUND');
    expect((await fetch(created.body.qr_image_url)).status).toBe(404);
    expectGraphError(await graph(server, biz.apiToken, 'DELETE', `${base}/${code}`), 400, 100);
  });

  it('whatsapp_commerce_settings: get with an id, update by query or body', async () => {
    const path = `/v23.0/${biz.phoneNumberId}/whatsapp_commerce_settings`;
    const got = await graph<{ data: { id: string }[] }>(server, biz.apiToken, 'GET', path);
    expect(got.body).toEqual({ data: [{ id: expect.stringMatching(/^[1-9]\d{14,15}$/), is_cart_enabled: true, is_catalog_visible: true }] });
    const id = got.body.data[0]!.id;
    expect((await graph(server, biz.apiToken, 'POST', `${path}?is_cart_enabled=false&is_catalog_visible=true`)).body).toEqual({ success: true });
    expect((await graph(server, biz.apiToken, 'GET', path)).body).toEqual({ data: [{ id, is_cart_enabled: false, is_catalog_visible: true }] });
    expect((await graph(server, biz.apiToken, 'POST', path, { is_catalog_visible: false })).status).toBe(200);
    expect((await graph(server, biz.apiToken, 'GET', path)).body).toEqual({ data: [{ id, is_cart_enabled: false, is_catalog_visible: false }] });
    expectGraphError(await graph(server, biz.apiToken, 'POST', `${path}?is_cart_enabled=maybe`), 400, 100);
    expectGraphError(await graph(server, biz.apiToken, 'POST', path, {}), 400, 100);
    expectGraphError(await graph(server, biz.apiToken, 'POST', path, { is_cart_enabled: true, colour: 1 }), 400, 100);
  });

  it('subscribed_apps: list, unsubscribe (webhooks stop), subscribe again with a verified override_callback_uri', async () => {
    const path = `/v23.0/${biz.wabaId}/subscribed_apps`;
    const list = await graph(server, biz.apiToken, 'GET', path);
    expect(list.body).toEqual({ data: [{ whatsapp_business_api_data: { id: biz.appId, name: 'Shop backend', link: server.url }, override_callback_uri: receiver.url }] });

    expect((await graph(server, biz.apiToken, 'DELETE', path)).body).toEqual({ success: true });
    expect((await graph(server, biz.apiToken, 'GET', path)).body).toEqual({ data: [] });
    const socket = await ws(customer);
    await customerWrites('nobody listens', socket);
    await settle();
    expect(inboundTexts()).toEqual([]);

    expectGraphError(await graph(server, biz.apiToken, 'POST', path, {}), 400, 100);
    const wrong = expectGraphError(await graph(server, biz.apiToken, 'POST', path, { override_callback_uri: receiver.url, verify_token: 'wrong' }), 400, 2200);
    expect(wrong.message).toMatch(/^\(#2200\) Callback verification failed/);
    expect((await graph(server, biz.apiToken, 'GET', path)).body).toEqual({ data: [] });
    expect((await graph(server, biz.apiToken, 'POST', path, { override_callback_uri: receiver.url, verify_token: receiver.verifyToken })).body).toEqual({ success: true });
    expect((await graph<{ data: unknown[] }>(server, biz.apiToken, 'GET', path)).body.data).toHaveLength(1);
    // Subscribed already: POST without a URL keeps it.
    expect((await graph(server, biz.apiToken, 'POST', path)).body).toEqual({ success: true });
    await customerWrites('listening again', socket);
    await receiver.waitFor((j) => (firstMessage(j) as { text?: { body: string } } | undefined)?.text?.body === 'listening again');
    expect(inboundTexts()).toEqual(['listening again']);

    // With several apps, the app is named by app_id.
    const app2 = await api<{ id: string }>(server, 'POST', '/v1/business/api/apps', { token: biz.token, body: { name: 'Second' } });
    expectGraphError(await graph(server, biz.apiToken, 'DELETE', path), 400, 100);
    expect((await graph(server, biz.apiToken, 'DELETE', `${path}?app_id=${app2.body.id}`)).body).toEqual({ success: true });
    expect((await graph<{ data: unknown[] }>(server, biz.apiToken, 'GET', path)).body.data).toHaveLength(1);
  });
});

describe('parley api (CLI)', { timeout: 120_000 }, () => {
  const bin = path.resolve(import.meta.dirname, '../../../bin/parley.js');
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    await server.close();
  });

  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [bin, 'api', ...args], {
      env: { ...process.env, PARLEY_DATA_DIR: server.dataDir, DATABASE_URL: server.parley.ctx.config.DATABASE_URL, PARLEY_LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('enables the API, creates an app and issues a token that works on the Graph routes; secrets are printed once', async () => {
    const shop = await signInBusiness(server);
    const enabled = cli('enable', '--phone', shop.phone);
    expect(enabled.status, enabled.stderr).toBe(0);
    const wabaId = /WABA id:\s+(\d+)/.exec(enabled.stdout)?.[1];
    const pnid = /phone_number_id:\s+(\d+)/.exec(enabled.stdout)?.[1];
    const state = await api<{ wabaId: string; numbers: { phoneNumberId: string }[] }>(server, 'GET', '/v1/business/api', { token: shop.token });
    expect(wabaId).toBe(state.body.wabaId);
    expect(pnid).toBe(state.body.numbers[0]!.phoneNumberId);

    const app = cli('app', '--phone', shop.phone, '--name', 'CRM');
    expect(app.status, app.stderr).toBe(0);
    const secret = /App secret:\s+([0-9a-f]{32})/.exec(app.stdout)?.[1];
    expect(secret).toBeDefined();

    const tok = cli('token', '--phone', shop.phone, '--scopes', 'messaging,management', '--name', 'ops');
    expect(tok.status, tok.stderr).toBe(0);
    const token = tok.stdout.split('\n').find((l) => l.startsWith('EAA'))!;
    expect(token).toMatch(/^EAA[\w-]+$/);
    const me = await graph(server, token, 'GET', `/v23.0/${pnid}?fields=verified_name`);
    expect(me.status, JSON.stringify(me.body)).toBe(200);
    expect(me.body).toEqual({ id: pnid, verified_name: 'Chez Léa' });

    // Only hashes are stored; the web settings list the app and the token without their secrets.
    const listed = await api(server, 'GET', '/v1/business/api', { token: shop.token });
    expect(listed.body).toMatchObject({ apps: [{ name: 'CRM' }], tokens: [{ name: 'ops', scopes: ['messaging', 'management'] }] });
    expect(JSON.stringify(listed.body)).not.toContain(token);
    expect(JSON.stringify(listed.body)).not.toContain(secret!);

    const mgmtOnly = cli('token', '--phone', shop.phone, '--scopes', 'management');
    const token2 = mgmtOnly.stdout.split('\n').find((l) => l.startsWith('EAA'))!;
    expectGraphError(await graph(server, token2, 'POST', `/${pnid}/messages`, textExample('33612345678')), 403, 10);
  });

  it('refuses bad input with a message and exit code 2, changing nothing', async () => {
    const person = await signIn(server);
    const shop = await signInBusiness(server);
    const noPhone = cli('enable');
    expect(noPhone.status).toBe(2);
    expect(noPhone.stderr).toMatch(/--phone/);
    const unknown = cli('enable', '--phone', '+12025550143');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/No Parley account/);
    const notBusiness = cli('enable', '--phone', person.phone);
    expect(notBusiness.status).toBe(2);
    expect(notBusiness.stderr).toMatch(/business/i);
    expect(cli('enable', '--phone', shop.phone).status).toBe(0);
    const badScopes = cli('token', '--phone', shop.phone, '--scopes', 'admin');
    expect(badScopes.status).toBe(2);
    expect(badScopes.stderr).toMatch(/messaging, management/);
    expect(await server.parley.ctx.db.selectFrom('api_tokens').select('id').execute()).toEqual([]);
    expect(await server.parley.ctx.db.selectFrom('wabas').select('account_id').execute()).toEqual([{ account_id: shop.accountId }]);
  });
});
