import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, openChat, signIn, WsClient, type Person } from '../helpers/clients.js';
import { newBusiness } from '../helpers/business.js';
import { ManualClock } from '../../src/platform/clock.js';
import { reactToCustomerMessage } from '../../src/domain/automation/engine.js';

type ErrorBody = { error: { code: string; details?: Record<string, unknown> } };
type Msg = { id: string; seq: number; senderId: string; senderDeviceId?: string; content: { text?: string }; createdAt: number };

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const everyDay = (open: string, close: string) => Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, { mode: 'open', ranges: [{ open, close }] }]));

describe('greeting and away messages', () => {
  let server: TestServer;
  let clock: ManualClock;
  const sockets: WsClient[] = [];

  async function setup(start = Date.UTC(2026, 0, 5, 12), profile: { timezone?: string; hours?: unknown } = {}) {
    clock = new ManualClock(start);
    server = await startServer({ clock });
    return newBusiness(server, { profile });
  }
  afterEach(async () => {
    for (const s of sockets.splice(0)) await s.close();
    await server.close();
  });

  /** The customer writes to the business; resolves once automation has reacted. */
  async function say(from: Person, to: Person, text = 'Hello'): Promise<Msg> {
    const res = await api<{ message: Msg }>(server, 'POST', '/v1/chats', { token: from.token, body: { peer: to.phone } });
    const chatId = (res.body as unknown as { id: string }).id;
    const sent = await api<{ message: Msg }>(server, 'POST', `/v1/chats/${chatId}/messages`, { token: from.token, body: { clientId: randomUUID(), kind: 'text', content: { text } } });
    if (sent.status !== 200) throw new Error(JSON.stringify(sent.body));
    await server.parley.ctx.hooks.idle();
    return sent.body.message;
  }

  /** Texts of the chat between a and b, in order, as "who: text". */
  async function transcript(a: Person, b: Person): Promise<string[]> {
    const chatId = await openChat(server, a, b);
    const res = await api<{ messages: Msg[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: a.token });
    return res.body.messages.map((m) => `${m.senderId === a.accountId ? 'A' : 'B'}: ${m.content.text}`);
  }

  const greeting = (biz: Person, body: Record<string, unknown>) => api(server, 'PUT', '/v1/business/automation/greeting', { token: biz.token, body: { enabled: true, text: 'Welcome!', recipients: 'everyone', ...body } });
  const away = (biz: Person, body: Record<string, unknown>) => api(server, 'PUT', '/v1/business/automation/away', { token: biz.token, body: { enabled: true, text: 'We are away.', schedule: 'always', recipients: 'everyone', ...body } });

  it('greets on the first message ever, live, as the business', async () => {
    const biz = await setup();
    const customer = await signIn(server);
    expect((await greeting(biz, {})).status).toBe(200);
    const ws = await WsClient.connect(server, customer.token);
    sockets.push(ws);

    await say(customer, biz, 'Hi there');
    const [mine, greet] = [await ws.nextUpdate('message.created'), await ws.nextUpdate('message.created')];
    expect(mine.update.message).toMatchObject({ senderId: customer.accountId, content: { text: 'Hi there' } });
    expect(greet.update.message).toMatchObject({ senderId: biz.accountId, content: { text: 'Welcome!' } });
    await say(customer, biz, 'Anyone?');
    expect(await transcript(customer, biz)).toEqual(['A: Hi there', 'B: Welcome!', 'A: Anyone?']);
  });

  it('greets again only after exactly 14 days without any message', async () => {
    const biz = await setup();
    const customer = await signIn(server);
    await greeting(biz, {});
    await say(customer, biz, 'one'); // greeted; the greeting is the chat's last message
    clock.advance(14 * DAY - MIN); // 13 days 23 h 59 min
    await say(customer, biz, 'two');
    expect(await transcript(customer, biz)).toEqual(['A: one', 'B: Welcome!', 'A: two']);
    clock.advance(14 * DAY); // exactly 14 days after "two"
    await say(customer, biz, 'three');
    expect(await transcript(customer, biz)).toEqual(['A: one', 'B: Welcome!', 'A: two', 'A: three', 'B: Welcome!']);
  });

  it('counts the business\'s own messages as chat activity', async () => {
    const biz = await setup();
    const customer = await signIn(server);
    await greeting(biz, {});
    await say(biz, customer, 'Your order is ready'); // the business writes first
    await say(customer, biz, 'Thanks');
    expect(await transcript(customer, biz)).toEqual(['B: Your order is ready', 'A: Thanks']);
  });

  it('greets only the chosen recipients', async () => {
    const biz = await setup();
    const saved = await signIn(server);
    const other = await signIn(server);
    const got = async (p: Person) => (await transcript(p, biz)).includes('B: Welcome!');

    await api(server, 'PUT', '/v1/contacts', { token: biz.token, body: { phone: saved.phone, name: 'Regular' } });
    await greeting(biz, { recipients: 'not_in_contacts' });
    await say(saved, biz);
    await say(other, biz);
    expect([await got(saved), await got(other)]).toEqual([false, true]);

    const [a, b] = [await signIn(server), await signIn(server)];
    const res = await greeting(biz, { recipients: 'except', phones: [a.phone] });
    expect((res.body as { greeting: { phones: string[] } }).greeting.phones).toEqual([a.phone]);
    await say(a, biz);
    await say(b, biz);
    expect([await got(a), await got(b)]).toEqual([false, true]);

    const [c, d] = [await signIn(server), await signIn(server)];
    await greeting(biz, { recipients: 'only', phones: [c.phone] });
    await say(c, biz);
    await say(d, biz);
    expect([await got(c), await got(d)]).toEqual([true, false]);

    const e = await signIn(server);
    await greeting(biz, { enabled: false });
    await say(e, biz);
    expect(await got(e)).toBe(false);
  });

  it('validates the settings', async () => {
    const biz = await setup();
    const bad = [
      ['greeting', { enabled: true, text: '  ', recipients: 'everyone' }],
      ['greeting', { enabled: true, text: 'x'.repeat(4097), recipients: 'everyone' }],
      ['greeting', { enabled: true, text: 'x', recipients: 'friends' }],
      ['greeting', { enabled: true, text: 'x', recipients: 'only', phones: ['not a phone'] }],
      ['away', { enabled: true, text: 'x', schedule: 'custom', start: 2000, end: 1000, recipients: 'everyone' }],
      ['away', { enabled: true, text: 'x', schedule: 'custom', recipients: 'everyone' }],
      ['away', { enabled: true, text: 'x', schedule: 'sometimes', recipients: 'everyone' }],
    ] as const;
    for (const [which, body] of bad) {
      const res = await api<ErrorBody>(server, 'PUT', `/v1/business/automation/${which}`, { token: biz.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(['VALIDATION_FAILED', 'PHONE_INVALID']).toContain(res.body.error.code);
    }
    const settings = await api(server, 'GET', '/v1/business/automation', { token: biz.token });
    expect(settings.body).toEqual({
      greeting: { enabled: false, text: '', recipients: 'everyone', phones: [] },
      away: { enabled: false, text: '', schedule: 'always', start: null, end: null, recipients: 'everyone', phones: [] },
    });
    const person = await signIn(server);
    expect((await api<ErrorBody>(server, 'GET', '/v1/business/automation', { token: person.token })).body.error.code).toBe('NOT_A_BUSINESS');
  });

  it("sends the greeting then the away message, the away message once per period, and again after it is turned on again", async () => {
    const biz = await setup();
    const customer = await signIn(server);
    await greeting(biz, {});
    await away(biz, {});
    await say(customer, biz, 'one');
    clock.advance(HOUR);
    await say(customer, biz, 'two');
    expect(await transcript(customer, biz)).toEqual(['A: one', 'B: Welcome!', 'B: We are away.', 'A: two']);

    await away(biz, { text: 'Still away.' }); // editing the text keeps the period
    await say(customer, biz, 'three');
    await away(biz, { enabled: false });
    await away(biz, {}); // turned on again: a new period
    await say(customer, biz, 'four');
    await say(customer, biz, 'five');
    expect((await transcript(customer, biz)).slice(4)).toEqual(['A: three', 'A: four', 'B: We are away.', 'A: five']);
  });

  it("sends the away message in a custom range only", async () => {
    const t0 = Date.UTC(2026, 0, 5, 12);
    const biz = await setup(t0);
    const customer = await signIn(server);
    await away(biz, { schedule: 'custom', start: t0 + HOUR, end: t0 + 2 * HOUR });
    await say(customer, biz, 'before');
    clock.set(t0 + HOUR);
    await say(customer, biz, 'start');
    clock.set(t0 + 90 * MIN);
    await say(customer, biz, 'during');
    clock.set(t0 + 2 * HOUR);
    await say(customer, biz, 'end');
    expect(await transcript(customer, biz)).toEqual(['A: before', 'A: start', 'B: We are away.', 'A: during', 'A: end']);
  });

  it('uses the business\'s time zone for outside_hours (Asia/Tokyo business, UTC server clock)', async () => {
    // Open Mondays 09:00–18:00 in Tokyo (00:00–09:00 UTC).
    const biz = await setup(Date.UTC(2026, 0, 4, 23, 30), { timezone: 'Asia/Tokyo', hours: { mon: { mode: 'open', ranges: [{ open: '09:00', close: '18:00' }] } } });
    await away(biz, { schedule: 'outside_hours' });
    const awayAt = async (t: number) => {
      clock.set(t);
      const c = await signIn(server);
      await say(c, biz);
      return (await transcript(c, biz)).includes('B: We are away.');
    };
    expect(await awayAt(Date.UTC(2026, 0, 4, 23, 30))).toBe(true); // Sunday in UTC, Monday 08:30 in Tokyo: closed
    expect(await awayAt(Date.UTC(2026, 0, 5, 0, 30))).toBe(false); // Monday 09:30 in Tokyo: open
    expect(await awayAt(Date.UTC(2026, 0, 5, 8, 59))).toBe(false); // 17:59
    expect(await awayAt(Date.UTC(2026, 0, 5, 9, 0))).toBe(true); // 18:00: closed (still Monday 09:00 in UTC)

    // One chat: one away message per closed interval.
    clock.set(Date.UTC(2026, 0, 4, 23, 0));
    const c = await signIn(server);
    await say(c, biz, 'a'); // Monday 08:00 JST: away
    clock.set(Date.UTC(2026, 0, 4, 23, 50));
    await say(c, biz, 'b'); // same closed interval
    clock.set(Date.UTC(2026, 0, 5, 1));
    await say(c, biz, 'c'); // open
    clock.set(Date.UTC(2026, 0, 5, 10));
    await say(c, biz, 'd'); // Monday 19:00 JST: a new closed interval
    expect(await transcript(c, biz)).toEqual(['A: a', 'B: We are away.', 'A: b', 'A: c', 'A: d', 'B: We are away.']);
  });

  it('follows the daylight-saving changes of the business\'s zone (Europe/Paris)', async () => {
    const biz = await setup(Date.UTC(2026, 2, 28, 12), { timezone: 'Europe/Paris', hours: everyDay('09:00', '18:00') });
    await away(biz, { schedule: 'outside_hours' });
    const awayAt = async (t: number) => {
      clock.set(t);
      const c = await signIn(server);
      await say(c, biz);
      return (await transcript(c, biz)).includes('B: We are away.');
    };
    // Spring forward: Sunday 29 March 2026 02:00 CET → 03:00 CEST.
    expect(await awayAt(Date.UTC(2026, 2, 28, 16, 59))).toBe(false); // Saturday 17:59 CET
    expect(await awayAt(Date.UTC(2026, 2, 28, 17, 0))).toBe(true); // Saturday 18:00 CET
    expect(await awayAt(Date.UTC(2026, 2, 29, 6, 59))).toBe(true); // Sunday 08:59 CEST
    expect(await awayAt(Date.UTC(2026, 2, 29, 7, 0))).toBe(false); // Sunday 09:00 CEST (08:00 with last week's offset)
    expect(await awayAt(Date.UTC(2026, 2, 29, 16, 0))).toBe(true); // Sunday 18:00 CEST (17:00 with last week's offset)
    // Fall back: Sunday 25 October 2026 03:00 CEST → 02:00 CET.
    expect(await awayAt(Date.UTC(2026, 9, 25, 7, 30))).toBe(true); // Sunday 08:30 CET (09:30 with the summer offset)
    expect(await awayAt(Date.UTC(2026, 9, 25, 8, 0))).toBe(false); // Sunday 09:00 CET
    expect(await awayAt(Date.UTC(2026, 9, 25, 16, 30))).toBe(false); // Sunday 17:30 CET (18:30 with the summer offset)

    // One chat across the spring change: Saturday evening to Sunday morning is one away period.
    clock.set(Date.UTC(2026, 2, 28, 19));
    const c = await signIn(server);
    await say(c, biz, 'sat');
    clock.set(Date.UTC(2026, 2, 29, 6, 30));
    await say(c, biz, 'sun early');
    clock.set(Date.UTC(2026, 2, 29, 16, 30));
    await say(c, biz, 'sun evening');
    expect(await transcript(c, biz)).toEqual(['A: sat', 'B: We are away.', 'A: sun early', 'A: sun evening', 'B: We are away.']);
  });

  it('never answers a blocked or blocking customer, never sends twice for one message', async () => {
    const biz = await setup();
    const blocker = await signIn(server);
    const blocked = await signIn(server);
    const regular = await signIn(server);
    await greeting(biz, {});
    await away(biz, {});

    // The business blocked this customer: the message is withheld, nothing is sent.
    await api(server, 'PUT', `/v1/blocks/${blocked.accountId}`, { token: biz.token });
    await say(blocked, biz, 'let me in');
    expect(await transcript(blocked, biz)).toEqual(['A: let me in']);

    // The customer blocked the business after writing: a late (or repeated) reaction sends nothing.
    await greeting(biz, { enabled: false });
    await away(biz, { enabled: false });
    const msg = await say(blocker, biz, 'hello');
    await greeting(biz, {});
    await away(biz, {});
    await api(server, 'PUT', `/v1/blocks/${biz.accountId}`, { token: blocker.token });
    const chatId = await openChat(server, blocker, biz);
    const event = { chatId, memberIds: [blocker.accountId, biz.accountId], senderId: blocker.accountId, senderDeviceId: blocker.deviceId, message: msg as never, withheld: false };
    await reactToCustomerMessage(server.parley.ctx, event);
    const bizView = await api<{ messages: Msg[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: biz.token });
    expect(bizView.body.messages.map((m) => m.content.text)).toEqual(['hello']);

    // The same customer message handled twice (a retry) answers once.
    const first = await say(regular, biz, 'hi');
    const regularChat = await openChat(server, regular, biz);
    await reactToCustomerMessage(server.parley.ctx, { ...event, chatId: regularChat, memberIds: [regular.accountId, biz.accountId], senderId: regular.accountId, senderDeviceId: regular.deviceId, message: first as never });
    expect(await transcript(regular, biz)).toEqual(['A: hi', 'B: Welcome!', 'B: We are away.']);
  });

  it('does not react to automated messages (two businesses greeting each other)', async () => {
    const a = await setup();
    const b = await newBusiness(server);
    await greeting(a, {});
    await away(a, {});
    await greeting(b, {});
    await away(b, {});
    await say(b, a, 'Hello from B');
    await server.parley.ctx.hooks.idle();
    expect(await transcript(b, a)).toEqual(['A: Hello from B', 'B: Welcome!', 'B: We are away.']);
  });
});
