import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiAnalytics, CategoryCounts } from '#contracts/api-analytics.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, signIn, type Person } from '../helpers/clients.js';
import { firstStatus, WebhookReceiver } from '../helpers/webhook-receiver.js';
import { apiBusiness, customerWrites, digits, expectGraphError, graph, type ApiBusiness } from '../helpers/api-business.js';
import { signInBusiness } from '../helpers/business.js';
import { ManualClock } from '../../src/platform/clock.js';
import { markDelivered } from '../../src/domain/messaging/index.js';

const HOUR = 3600_000;
const DAY_S = 86_400;

const counts = (MARKETING: number, UTILITY: number, AUTHENTICATION: number, SERVICE: number): CategoryCounts => ({ MARKETING, UTILITY, AUTHENTICATION, SERVICE });

const promo = {
  name: 'weekly_promo',
  language: 'en_US',
  category: 'MARKETING',
  components: [{ type: 'BODY', text: 'Our weekly deals are here: 20% off every cake.' }],
};
const loginCode = {
  name: 'login_code',
  language: 'en_US',
  category: 'AUTHENTICATION',
  components: [{ type: 'BODY', add_security_recommendation: true }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] }],
};

type Status = { id: string; status: string; conversation?: { id: string; origin: { type: string } }; pricing?: { category: string } };

describe('Business API: conversation and message analytics by category', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let clock: ManualClock;
  let biz: ApiBusiness;

  const send = async (to: Person, body: Record<string, unknown>) => {
    const res = await graph<{ messages: { id: string }[] }>(server, biz.apiToken, 'POST', `/v23.0/${biz.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: digits(to.phone), ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.messages[0]!.id;
  };
  const template = (to: Person, name: string) => send(to, { type: 'template', template: { name, language: { code: 'en_US' } } });
  const otp = (to: Person) =>
    send(to, {
      type: 'template',
      template: { name: 'login_code', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: '481516' }] }, { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '481516' }] }] },
    });
  const text = (to: Person, body: string) => send(to, { type: 'text', text: { body } });
  /** The customer's chat with the business and the seqs of the business's messages, oldest first. */
  const chatOf = async (who: Person) => {
    const chat = await api<{ id: string }>(server, 'POST', '/v1/chats', { token: who.token, body: { peer: biz.phone } });
    const page = await api<{ messages: { seq: number; senderId: string }[] }>(server, 'GET', `/v1/chats/${chat.body.id}/messages`, { token: who.token });
    return { chatId: chat.body.id, seqs: page.body.messages.filter((m) => m.senderId === biz.accountId).map((m) => m.seq).sort((a, b) => a - b) };
  };
  const read = async (who: Person, chatId: string, seq: number) => expect((await api(server, 'POST', `/v1/chats/${chatId}/read`, { token: who.token, body: { seq } })).status).toBe(200);
  const owner = (token: string, from: number | string, to: number | string) => api<ApiAnalytics & { error: { code: string; message: string } }>(server, 'GET', `/v1/business/api/analytics?from=${from}&to=${to}`, { token });
  const wabaFields = (token: string, fields: string, wabaId = biz.wabaId) => graph<Record<string, unknown>>(server, token, 'GET', `/v23.0/${wabaId}?fields=${encodeURIComponent(fields)}`);

  // Days of Asia/Tokyo (UTC+9): 2 March starts at 1 March 15:00 UTC.
  const MAR2 = Date.UTC(2026, 2, 1, 15) / 1000;
  const MAR3 = MAR2 + DAY_S;
  const MAR4 = MAR3 + DAY_S;

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 2, 2, 10)); // 2 March, 19:00 in Tokyo
    server = await startServer({ clock });
    receiver = await WebhookReceiver.start();
    biz = await apiBusiness(server, receiver);
    expect((await api(server, 'PATCH', '/v1/business/profile', { token: biz.token, body: { timezone: 'Asia/Tokyo' } })).status).toBe(200);
  });
  afterEach(async () => {
    await server.close();
    await receiver.close();
  });

  it('counts conversations opened and messages sent, delivered and read per local day and category, as the status webhooks report them', async () => {
    for (const t of [promo, loginCode]) expect((await graph(server, biz.apiToken, 'POST', `/v23.0/${biz.wabaId}/message_templates`, t)).status).toBe(200);
    const [c1, c2, c3, c4] = [await signIn(server), await signIn(server), await signIn(server), await signIn(server)];

    // 2 March (Tokyo): a template of each category to customers who never wrote, free-form inside a window.
    await template(c1!, 'weekly_promo'); // MARKETING conversation + message
    await template(c2!, 'hello_world'); // UTILITY
    await otp(c3!); // AUTHENTICATION
    await customerWrites(server, c4!, biz, 'Do you deliver?');
    await text(c4!, 'Yes, every day.'); // SERVICE conversation + message
    await text(c4!, 'Anything else?'); // SERVICE message, same conversation

    // 16:00 UTC is 3 March 01:00 in Tokyo (still 2 March in UTC). The conversations of the 2nd are still open.
    clock.set(Date.UTC(2026, 2, 2, 16));
    await template(c1!, 'hello_world'); // UTILITY message in c1's marketing conversation
    await template(c2!, 'weekly_promo'); // MARKETING message in c2's utility conversation

    // 3 March, 21:00 in Tokyo: c4's conversation expired; c4 writes again and gets a reply.
    clock.set(Date.UTC(2026, 2, 3, 12));
    await customerWrites(server, c4!, biz, 'Back again');
    await text(c4!, 'Welcome back'); // new SERVICE conversation

    // Deliveries and reads: c1 got both and read the first; c2 read both; c3 nothing; c4 read the first reply only.
    const [k1, k2, k4] = [await chatOf(c1!), await chatOf(c2!), await chatOf(c4!)];
    await markDelivered(server.parley.ctx, c1!.accountId, new Map([[k1.chatId, k1.seqs[1]!]]));
    await read(c1!, k1.chatId, k1.seqs[0]!);
    await read(c2!, k2.chatId, k2.seqs[1]!);
    await read(c4!, k4.chatId, k4.seqs[0]!);

    const day2 = {
      date: '2026-03-02',
      conversations: counts(1, 1, 1, 1),
      messages: { sent: counts(1, 1, 1, 2), delivered: counts(1, 1, 0, 1), read: counts(1, 1, 0, 1) },
    };
    const day3 = {
      date: '2026-03-03',
      conversations: counts(0, 0, 0, 1),
      messages: { sent: counts(1, 1, 0, 1), delivered: counts(1, 1, 0, 0), read: counts(1, 0, 0, 0) },
    };
    const empty = { conversations: counts(0, 0, 0, 0), messages: { sent: counts(0, 0, 0, 0), delivered: counts(0, 0, 0, 0), read: counts(0, 0, 0, 0) } };

    // The owner's endpoint: 1 March 10:00 Tokyo … 3 March 23:59 Tokyo.
    const res = await owner(biz.token, Date.UTC(2026, 2, 1, 1), MAR4 * 1000 - 1);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      timeZone: 'Asia/Tokyo',
      days: [{ date: '2026-03-01', ...empty }, day2, day3],
      totals: { conversations: counts(1, 1, 1, 2), messages: { sent: counts(2, 2, 1, 3), delivered: counts(2, 2, 0, 1), read: counts(2, 1, 0, 1) } },
    });

    // Consistent with the status webhooks: `sent` statuses per pricing.category, conversations per origin.
    const allStatuses = () =>
      receiver
        .payloads()
        .map((p) => firstStatus(p.json) as Status | undefined)
        .filter((s): s is Status => !!s);
    // Webhooks are delivered asynchronously: wait until the 8 `sent` and 4 `read` statuses are in.
    await expect.poll(() => allStatuses().filter((x) => x.status === 'sent').length, { timeout: 5000 }).toBe(8);
    await expect.poll(() => allStatuses().filter((x) => x.status === 'read').length, { timeout: 5000 }).toBe(4);
    const statuses = allStatuses();
    const sentBy: Record<string, number> = {};
    for (const s of statuses.filter((x) => x.status === 'sent')) sentBy[s.pricing!.category.toUpperCase()] = (sentBy[s.pricing!.category.toUpperCase()] ?? 0) + 1;
    expect(sentBy).toEqual({ MARKETING: 2, UTILITY: 2, AUTHENTICATION: 1, SERVICE: 3 });
    const origins = new Map(statuses.map((s) => [s.conversation!.id, s.conversation!.origin.type.toUpperCase()]));
    expect([...origins.values()].sort()).toEqual(['AUTHENTICATION', 'MARKETING', 'SERVICE', 'SERVICE', 'UTILITY']);
    const readBy: Record<string, number> = {};
    for (const s of statuses.filter((x) => x.status === 'read')) readBy[s.pricing!.category.toUpperCase()] = (readBy[s.pricing!.category.toUpperCase()] ?? 0) + 1;
    expect(readBy).toEqual({ MARKETING: 2, UTILITY: 1, SERVICE: 1 });

    // In UTC the 01:00-Tokyo sends belong to 2 March.
    expect((await api(server, 'PATCH', '/v1/business/profile', { token: biz.token, body: { timezone: 'UTC' } })).status).toBe(200);
    const utc = await owner(biz.token, Date.UTC(2026, 2, 2), Date.UTC(2026, 2, 2, 23));
    expect(utc.body.days.map((d) => d.messages.sent)).toEqual([counts(2, 2, 1, 2)]);
    expect((await api(server, 'PATCH', '/v1/business/profile', { token: biz.token, body: { timezone: 'Asia/Tokyo' } })).status).toBe(200);

    // The Graph fields of the WABA, in Meta's shapes; days without counts are left out.
    const analytics = await wabaFields(biz.apiToken, `analytics.start(${MAR2 - DAY_S}).end(${MAR4}).granularity(DAY)`);
    expect(analytics.status, JSON.stringify(analytics.body)).toBe(200);
    expect(analytics.body).toEqual({
      id: biz.wabaId,
      analytics: {
        phone_numbers: [digits(biz.phone)],
        granularity: 'DAY',
        data_points: [
          { start: MAR2, end: MAR3, sent: 5, delivered: 3 },
          { start: MAR3, end: MAR4, sent: 3, delivered: 2 },
        ],
      },
    });

    const conv = await wabaFields(biz.apiToken, `name,conversation_analytics.start(${MAR2}).end(${MAR4}).granularity(DAILY).phone_numbers([]).dimensions(["CONVERSATION_CATEGORY"])`);
    expect(conv.status, JSON.stringify(conv.body)).toBe(200);
    expect(conv.body.name).toEqual(expect.any(String));
    expect(conv.body.conversation_analytics).toEqual({
      data: [
        {
          data_points: [
            { start: MAR2, end: MAR3, conversation: 1, conversation_category: 'MARKETING', cost: 0 },
            { start: MAR2, end: MAR3, conversation: 1, conversation_category: 'UTILITY', cost: 0 },
            { start: MAR2, end: MAR3, conversation: 1, conversation_category: 'AUTHENTICATION', cost: 0 },
            { start: MAR2, end: MAR3, conversation: 1, conversation_category: 'SERVICE', cost: 0 },
            { start: MAR3, end: MAR4, conversation: 1, conversation_category: 'SERVICE', cost: 0 },
          ],
        },
      ],
    });

    // Without dimensions: one point per day; a category filter; the direction dimension merges business-initiated ones.
    const plain = await wabaFields(biz.apiToken, `conversation_analytics.start(${MAR2}).end(${MAR4}).granularity(DAILY)`);
    expect((plain.body.conversation_analytics as { data: { data_points: unknown[] }[] }).data[0]!.data_points).toEqual([
      { start: MAR2, end: MAR3, conversation: 4, cost: 0 },
      { start: MAR3, end: MAR4, conversation: 1, cost: 0 },
    ]);
    const direction = await wabaFields(biz.apiToken, `conversation_analytics.start(${MAR2}).end(${MAR3}).granularity(DAILY).conversation_categories([MARKETING,UTILITY,SERVICE]).dimensions(["CONVERSATION_DIRECTION"])`);
    expect((direction.body.conversation_analytics as { data: { data_points: unknown[] }[] }).data[0]!.data_points).toEqual([
      { start: MAR2, end: MAR3, conversation: 2, conversation_direction: 'BUSINESS_INITIATED', cost: 0 },
      { start: MAR2, end: MAR3, conversation: 1, conversation_direction: 'USER_INITIATED', cost: 0 },
    ]);

    // pricing_analytics: delivered messages per pricing category.
    const pricing = await wabaFields(biz.apiToken, `pricing_analytics.start(${MAR2}).end(${MAR4}).granularity(DAILY).dimensions(["PRICING_CATEGORY","PRICING_TYPE"])`);
    expect(pricing.status, JSON.stringify(pricing.body)).toBe(200);
    expect((pricing.body.pricing_analytics as { data: { data_points: unknown[] }[] }).data[0]!.data_points).toEqual([
      { start: MAR2, end: MAR3, volume: 1, pricing_type: 'REGULAR', pricing_category: 'MARKETING', cost: 0 },
      { start: MAR2, end: MAR3, volume: 1, pricing_type: 'REGULAR', pricing_category: 'UTILITY', cost: 0 },
      { start: MAR2, end: MAR3, volume: 1, pricing_type: 'FREE_CUSTOMER_SERVICE', pricing_category: 'SERVICE', cost: 0 },
      { start: MAR3, end: MAR4, volume: 1, pricing_type: 'REGULAR', pricing_category: 'MARKETING', cost: 0 },
      { start: MAR3, end: MAR4, volume: 1, pricing_type: 'REGULAR', pricing_category: 'UTILITY', cost: 0 },
    ]);

    // Another number of the WABA asked for: nothing.
    const other = await wabaFields(biz.apiToken, `analytics.start(${MAR2}).end(${MAR4}).granularity(DAY).phone_numbers(["15550001111"])`);
    expect(other.body.analytics).toEqual({ phone_numbers: [], granularity: 'DAY', data_points: [] });
  });

  it('prices a utility template sent inside the service window as free, as its status webhooks do', async () => {
    const [inside, outside] = [await signIn(server), await signIn(server)];
    await customerWrites(server, inside!, biz, 'Where is my parcel?');
    await template(inside!, 'hello_world'); // inside the window: free
    await template(outside!, 'hello_world'); // the customer never wrote: regular
    for (const who of [inside!, outside!]) {
      const k = await chatOf(who);
      await read(who, k.chatId, k.seqs.at(-1)!);
    }
    const pricing = await wabaFields(biz.apiToken, `pricing_analytics.start(${MAR2}).end(${MAR3}).granularity(DAILY).dimensions(["PRICING_CATEGORY","PRICING_TYPE"])`);
    expect(pricing.status, JSON.stringify(pricing.body)).toBe(200);
    expect((pricing.body.pricing_analytics as { data: { data_points: unknown[] }[] }).data[0]!.data_points).toEqual([
      { start: MAR2, end: MAR3, volume: 1, pricing_type: 'REGULAR', pricing_category: 'UTILITY', cost: 0 },
      { start: MAR2, end: MAR3, volume: 1, pricing_type: 'FREE_CUSTOMER_SERVICE', pricing_category: 'UTILITY', cost: 0 },
    ]);
    // Without the pricing type, the two are one utility point.
    const byCategory = await wabaFields(biz.apiToken, `pricing_analytics.start(${MAR2}).end(${MAR3}).granularity(DAILY).dimensions(["PRICING_CATEGORY"])`);
    expect((byCategory.body.pricing_analytics as { data: { data_points: unknown[] }[] }).data[0]!.data_points).toEqual([{ start: MAR2, end: MAR3, volume: 2, pricing_category: 'UTILITY', cost: 0 }]);
    // The statuses agree.
    await server.parley.webhooks.idle();
    const types = receiver.payloads().flatMap(({ json }) => (json as { entry: { changes: { value: { statuses?: { status: string; pricing?: { type: string } }[] } }[] }[] }).entry.flatMap((e) => e.changes.flatMap((c) => c.value.statuses ?? [])));
    expect(types.filter((t) => t.status === 'read').map((t) => t.pricing?.type).sort()).toEqual(['free_customer_service', 'regular']);
  });

  it('refuses bad periods and malformed fields with clear errors', async () => {
    const now = clock.now();
    for (const [from, to, code] of [
      [now, now - 1, 'ANALYTICS_RANGE_INVALID'],
      [now - 90 * 24 * HOUR, now, 'ANALYTICS_RANGE_INVALID'], // 91 local days
      ['yesterday', now, 'VALIDATION_FAILED'],
    ] as const) {
      const res = await owner(biz.token, from, to);
      expect(res.status, `${from}..${to}`).toBe(400);
      expect(res.body.error.code).toBe(code);
    }
    const tooLong = await owner(biz.token, now - 90 * 24 * HOUR, now);
    expect(tooLong.body.error.message).toContain('90 days');
    expect((await owner(biz.token, now - 89 * 24 * HOUR, now)).body.days).toHaveLength(90);
    expect((await api(server, 'GET', `/v1/business/api/analytics?from=${now}`, { token: biz.token })).status).toBe(400);

    const start = Math.floor(now / 1000) - 7 * DAY_S;
    const end = Math.floor(now / 1000);
    for (const [fields, words] of [
      [`analytics.start(${start}).end(${start - 1}).granularity(DAY)`, 'must be after start'],
      [`analytics.start(${end - 91 * DAY_S}).end(${end}).granularity(DAY)`, '90 days'],
      [`analytics.start(${start}).end(${end}`, 'Syntax error'],
      [`analytics.start(${start}).end(${end}).granularity(MONTH)`, 'granularity'],
      [`analytics.start(${start}).granularity(DAY)`, 'end is required'],
      [`analytics.start(last_week).end(${end}).granularity(DAY)`, 'UNIX timestamp'],
      [`analytics.start(${start}).end(${end}).granularity(DAY).colour(red)`, 'Unknown modifier colour'],
      [`conversation_analytics.start(${start}).end(${end}).granularity(DAILY).dimensions(["COUNTRY"])`, 'COUNTRY is not supported'],
      [`conversation_analytics.start(${start}).end(${end}).granularity(DAILY).dimensions(["CONVERSATION_CATEGORY"){x}`, 'sub-fields'],
    ] as const) {
      const err = expectGraphError(await wabaFields(biz.apiToken, fields), 400, 100);
      expect(err.message, fields).toContain(words);
    }
  });

  it('shows a business only its own analytics', async () => {
    const customer = await signIn(server);
    await template(customer, 'hello_world');
    const now = clock.now();

    // Another API business: its own (empty) analytics over the owner endpoint; the first WABA looks missing on the Graph.
    const intruder = await apiBusiness(server, null);
    const own = await owner(intruder.token, now - HOUR, now);
    expect(own.status).toBe(200);
    expect(own.body.totals.messages.sent).toEqual(counts(0, 0, 0, 0));
    expect(own.body.totals.conversations).toEqual(counts(0, 0, 0, 0));
    expect((await owner(biz.token, now - HOUR, now)).body.totals.messages.sent).toEqual(counts(0, 1, 0, 0));
    const fields = `analytics.start(${Math.floor(now / 1000) - DAY_S}).end(${Math.floor(now / 1000) + 60}).granularity(DAY)`;
    expectGraphError(await wabaFields(intruder.apiToken, fields), 400, 100, { error_subcode: 33 });
    expect((await wabaFields(biz.apiToken, fields)).status).toBe(200);

    // Conversations are recorded without any app subscribed to webhooks (the intruder has none).
    const res0 = await graph(server, intruder.apiToken, 'POST', `/v23.0/${intruder.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: digits(customer.phone), type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
    expect(res0.status).toBe(200);
    expect((await owner(intruder.token, now - HOUR, now)).body.totals).toMatchObject({ conversations: counts(0, 1, 0, 0), messages: { sent: counts(0, 1, 0, 0) } });
    expect((await owner(biz.token, now - HOUR, now)).body.totals.conversations).toEqual(counts(0, 1, 0, 0));

    // A person's account, and a business that never turned API access on.
    const person = await signIn(server);
    const res = await owner(person.token, now - HOUR, now);
    expect([res.status, res.body.error.code]).toEqual([403, 'NOT_A_BUSINESS']);
    const plain = await signInBusiness(server);
    const noApi = await owner(plain.token, now - HOUR, now);
    expect([noApi.status, noApi.body.error.code]).toEqual([409, 'API_NOT_ENABLED']);
    expect((await api(server, 'GET', `/v1/business/api/analytics?from=${now - HOUR}&to=${now}`)).status).toBe(401);
  });
});
