/**
 * The business's reach tools: short link and QR code, statistics per day in the business's time
 * zone, broadcast lists and broadcasts.

 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import QRCode from 'qrcode';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, nextPhone, openChat, signIn, type Person } from '../helpers/clients.js';
import { newBusiness as registerBusiness } from '../helpers/business.js';
import { ManualClock } from '../../src/platform/clock.js';
import { markDelivered } from '../../src/domain/messaging/index.js';
import type { Broadcast, BroadcastList, BusinessStats, LinkTarget, ShortLink } from '#contracts/reach.js';

/** A new business (Boulangerie Martin, food and grocery) registered through the real code flow. */
async function newBusiness(server: TestServer, opts: { name?: string; timezone?: string } = {}): Promise<Person> {
  return registerBusiness(server, { name: opts.name ?? 'Boulangerie Martin', category: 'food_grocery', profile: opts.timezone ? { timezone: opts.timezone } : undefined });
}

let n = 0;
async function send(server: TestServer, from: Person, chatId: string, text: string) {
  const res = await api<{ message: { id: string; seq: number } }>(server, 'POST', `/v1/chats/${chatId}/messages`, {
    token: from.token,
    body: { clientId: `c${++n}`, kind: 'text', content: { text } },
  });
  expect(res.status).toBe(200);
  return res.body.message;
}

async function saveContact(server: TestServer, owner: Person, phone: string, name = 'The shop') {
  expect((await api(server, 'PUT', '/v1/contacts', { token: owner.token, body: { phone, name } })).status).toBe(200);
}

describe('short link and QR code', () => {
  let server: TestServer;
  let biz: Person;
  beforeEach(async () => {
    server = await startServer();
    biz = await newBusiness(server);
  });
  afterEach(async () => server.close());

  it('gives the business a random link, editable text within 140 characters, resolvable signed out', async () => {
    const first = await api<ShortLink>(server, 'GET', '/v1/business/short-link', { token: biz.token });
    expect(first.status).toBe(200);
    expect(first.body.code).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(first.body.path).toBe(`/l/${first.body.code}`);
    expect(first.body.url).toBe(`${server.url}/l/${first.body.code}`);
    expect(first.body.prefilledText).toBe('');
    // Asking again gives the same link.
    expect((await api<ShortLink>(server, 'GET', '/v1/business/short-link', { token: biz.token })).body.code).toBe(first.body.code);

    const tooLong = await api<{ error: { code: string; details: { max: number } } }>(server, 'PATCH', '/v1/business/short-link', {
      token: biz.token,
      body: { prefilledText: 'x'.repeat(141) },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error).toMatchObject({ code: 'PREFILLED_TEXT_TOO_LONG', details: { max: 140 } });

    // 140 characters, emoji counting as one each.
    const text = '🥐'.repeat(10) + 'a'.repeat(130);
    const ok = await api<ShortLink>(server, 'PATCH', '/v1/business/short-link', { token: biz.token, body: { prefilledText: text } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ code: first.body.code, prefilledText: text });

    // Resolved without any token.
    const resolved = await api<LinkTarget>(server, 'GET', `/v1/links/${first.body.code}`);
    expect(resolved.status).toBe(200);
    expect(resolved.body).toEqual({ businessId: biz.accountId, phone: biz.phone, name: 'Boulangerie Martin', verified: false, photoMediaId: null, prefilledText: text });

    // Signed in as someone else, too.
    const someone = await signIn(server);
    expect((await api<LinkTarget>(server, 'GET', `/v1/links/${first.body.code}`, { token: someone.token })).body.businessId).toBe(biz.accountId);
    expect((await api<{ error: { code: string } }>(server, 'GET', '/v1/links/nothing-here')).body.error.code).toBe('LINK_NOT_FOUND');
  });

  it('reset makes the old link stop working at once and keeps the text', async () => {
    const old = (await api<ShortLink>(server, 'PATCH', '/v1/business/short-link', { token: biz.token, body: { prefilledText: 'Hello!' } })).body;
    const reset = await api<ShortLink>(server, 'POST', '/v1/business/short-link/reset', { token: biz.token });
    expect(reset.status).toBe(200);
    expect(reset.body.code).not.toBe(old.code);
    expect(reset.body.prefilledText).toBe('Hello!');
    const gone = await api<{ error: { code: string } }>(server, 'GET', `/v1/links/${old.code}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('LINK_NOT_FOUND');
    expect((await api<LinkTarget>(server, 'GET', `/v1/links/${reset.body.code}`)).body.prefilledText).toBe('Hello!');
  });

  it('serves the QR code of the current link as PNG and SVG attachments', async () => {
    const link = (await api<ShortLink>(server, 'GET', '/v1/business/short-link', { token: biz.token })).body;
    const png = await fetch(`${server.url}/v1/business/short-link/qr.png`, { headers: { authorization: `Bearer ${biz.token}` } });
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(png.headers.get('content-disposition')).toBe(`attachment; filename="parley-link-${link.code}.png"`);
    const bytes = Buffer.from(await png.arrayBuffer());
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect(bytes.readUInt32BE(16)).toBe(512);
    expect(bytes.readUInt32BE(20)).toBe(512);

    const svg = await fetch(`${server.url}/v1/business/short-link/qr.svg`, { headers: { authorization: `Bearer ${biz.token}` } });
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(svg.headers.get('content-disposition')).toBe(`attachment; filename="parley-link-${link.code}.svg"`);
    const body = await svg.text();
    expect(body).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // It encodes exactly the link: the same library draws the same code for the same URL.
    expect(body).toBe(await QRCode.toString(link.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));

    // After a reset the code encodes the new link.
    const reset = (await api<ShortLink>(server, 'POST', '/v1/business/short-link/reset', { token: biz.token })).body;
    const after = await (await fetch(`${server.url}/v1/business/short-link/qr.svg`, { headers: { authorization: `Bearer ${biz.token}` } })).text();
    expect(after).toBe(await QRCode.toString(reset.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
    expect(after).not.toBe(body);

    expect((await fetch(`${server.url}/v1/business/short-link/qr.png`)).status).toBe(401);
  });

  it('is for businesses only', async () => {
    const person = await signIn(server);
    for (const [method, path] of [
      ['GET', '/v1/business/short-link'],
      ['POST', '/v1/business/short-link/reset'],
      ['GET', '/v1/business/short-link/qr.png'],
      ['GET', '/v1/business/stats?from=2026-01-01&to=2026-01-02'],
      ['GET', '/v1/business/broadcast-lists'],
    ] as const) {
      const res = await api<{ error: { code: string } }>(server, method, path, { token: person.token });
      expect(res.status, path).toBe(403);
      expect(res.body.error.code).toBe('NOT_A_BUSINESS');
    }
    expect((await api(server, 'GET', '/v1/business/short-link')).status).toBe(401);
  });

  it('limits how fast links can be resolved', async () => {
    const link = (await api<ShortLink>(server, 'GET', '/v1/business/short-link', { token: biz.token })).body;
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await api(server, 'GET', `/v1/links/${link.code}`)).status);
    expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true);
    expect(statuses[60]).toBe(429);
  });
});

describe('short link with a configured public URL', () => {
  it('builds the link on PARLEY_PUBLIC_URL', async () => {
    const server = await startServer({ config: { PARLEY_PUBLIC_URL: 'https://chat.example.com/' } });
    try {
      const biz = await newBusiness(server);
      const link = (await api<ShortLink>(server, 'GET', '/v1/business/short-link', { token: biz.token })).body;
      expect(link.url).toBe(`https://chat.example.com/l/${link.code}`);
    } finally {
      await server.close();
    }
  });
});

describe('statistics', () => {
  let server: TestServer;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 0, 10, 12, 0));
    server = await startServer({ clock });
  });
  afterEach(async () => server.close());

  const stats = (p: Person, from: string, to: string) => api<BusinessStats & { error: { code: string } }>(server, 'GET', `/v1/business/stats?from=${from}&to=${to}`, { token: p.token });

  it('counts sent, delivered, read and received per day in the business time zone', async () => {
    const biz = await newBusiness(server, { timezone: 'Europe/Paris' });
    const alice = await signIn(server);
    const bob = await signIn(server);
    await api(server, 'PATCH', '/v1/me/privacy', { token: bob.token, body: { readReceipts: false } });
    const chatA = await openChat(server, alice, biz);
    const chatB = await openChat(server, bob, biz);

    // 2026-01-10, 12:00 UTC (13:00 in Paris)
    await send(server, alice, chatA, 'Hello'); // seq 1, received
    await send(server, biz, chatA, 'Hi Alice'); // seq 2
    await send(server, biz, chatA, 'How can I help?'); // seq 3
    // 2026-01-10, 23:30 UTC = 2026-01-11, 00:30 in Paris
    clock.set(Date.UTC(2026, 0, 10, 23, 30));
    await send(server, biz, chatA, 'Late answer'); // seq 4
    // 2026-01-12, 10:00 UTC
    clock.set(Date.UTC(2026, 0, 12, 10, 0));
    await send(server, bob, chatB, 'Bonjour'); // seq 1
    await send(server, bob, chatB, 'Still there?'); // seq 2
    await send(server, biz, chatB, 'Yes'); // seq 3

    // Alice's devices got up to seq 3; she read up to seq 2. Bob got and read everything, receipts off.
    await markDelivered(server.parley.ctx, alice.accountId, new Map([[chatA, 3]]));
    expect((await api(server, 'POST', `/v1/chats/${chatA}/read`, { token: alice.token, body: { seq: 2 } })).status).toBe(200);
    await markDelivered(server.parley.ctx, bob.accountId, new Map([[chatB, 3]]));
    expect((await api(server, 'POST', `/v1/chats/${chatB}/read`, { token: bob.token, body: { seq: 3 } })).status).toBe(200);

    // Another business's traffic is not counted.
    const other = await newBusiness(server);
    await send(server, other, await openChat(server, other, alice), 'Not yours');

    const res = await stats(biz, '2026-01-09', '2026-01-12');
    expect(res.status).toBe(200);
    expect(res.body.timezone).toBe('Europe/Paris');
    expect(res.body.days).toEqual([
      { date: '2026-01-09', sent: 0, delivered: 0, read: 0, received: 0 },
      { date: '2026-01-10', sent: 2, delivered: 2, read: 1, received: 1 },
      { date: '2026-01-11', sent: 1, delivered: 0, read: 0, received: 0 },
      // Bob read it, but with read receipts off his reading is not visible.
      { date: '2026-01-12', sent: 1, delivered: 1, read: 0, received: 2 },
    ]);
    expect(res.body.totals).toEqual({ sent: 4, delivered: 3, read: 1, received: 3 });

    // In UTC the 23:30 message belongs to the 10th.
    expect((await api(server, 'PATCH', '/v1/business/profile', { token: biz.token, body: { timezone: 'UTC' } })).status).toBe(200);
    const utc = await stats(biz, '2026-01-10', '2026-01-11');
    expect(utc.body.days).toEqual([
      { date: '2026-01-10', sent: 3, delivered: 2, read: 1, received: 1 },
      { date: '2026-01-11', sent: 0, delivered: 0, read: 0, received: 0 },
    ]);

    // A business with its own read receipts off sees no reads.
    await api(server, 'PATCH', '/v1/me/privacy', { token: biz.token, body: { readReceipts: false } });
    expect((await stats(biz, '2026-01-10', '2026-01-10')).body.totals.read).toBe(0);
  });

  it('refuses periods that are malformed, reversed or longer than 366 days', async () => {
    const biz = await newBusiness(server);
    for (const [from, to] of [
      ['2026-01-10', '2026-01-09'],
      ['2026-02-30', '2026-03-01'],
      ['2025-01-01', '2026-01-02'],
      ['10/01/2026', '2026-01-11'],
    ]) {
      const res = await stats(biz, from!, to!);
      expect(res.status, `${from}..${to}`).toBe(400);
      expect(res.body.error.code).toBe('STATS_RANGE_INVALID');
    }
    const longest = await stats(biz, '2025-01-01', '2026-01-01');
    expect(longest.status).toBe(200);
    expect(longest.body.days).toHaveLength(366);
  });
});

describe('broadcast lists', () => {
  let server: TestServer;
  let biz: Person;
  beforeEach(async () => {
    server = await startServer();
    biz = await newBusiness(server);
  });
  afterEach(async () => server.close());

  const createList = (owner: Person, name: string, phones: string[]) =>
    api<BroadcastList & { error: { code: string; details?: Record<string, unknown> } }>(server, 'POST', '/v1/business/broadcast-lists', { token: owner.token, body: { name, phones } });

  it('reaches only recipients who saved the business number, says why the others were not, and sends nothing twice', async () => {
    const saved = await signIn(server);
    const notSaved = await signIn(server);
    const blocker = await signIn(server);
    const notOnParley = nextPhone();
    await saveContact(server, saved, biz.phone);
    await saveContact(server, blocker, biz.phone);
    expect((await api(server, 'PUT', `/v1/blocks/${biz.accountId}`, { token: blocker.token })).status).toBe(204);
    await saveContact(server, biz, saved.phone, 'Alice (customer)');

    // Numbers are normalised (spaces, national format is not accepted without +) and de-duplicated.
    const spaced = saved.phone.replace(/^(\+33)(\d)(\d{2})(\d{2})(\d{2})(\d{2})$/, '$1 $2 $3 $4 $5 $6');
    const list = await createList(biz, 'Regulars', [spaced, saved.phone, notSaved.phone, blocker.phone, notOnParley]);
    expect(list.status).toBe(201);
    expect(list.body.recipients).toEqual([
      { phone: saved.phone, accountId: saved.accountId, name: 'Alice (customer)' },
      // No saved name and no profile name yet.
      { phone: notSaved.phone, accountId: notSaved.accountId, name: null },
      { phone: blocker.phone, accountId: blocker.accountId, name: null },
      { phone: notOnParley, accountId: null, name: null },
    ]);

    const body = { clientId: 'promo-1', kind: 'text', content: { text: 'Fresh croissants today!' } };
    const sent = await api<Broadcast>(server, 'POST', `/v1/business/broadcast-lists/${list.body.id}/broadcasts`, { token: biz.token, body });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ listId: list.body.id, listName: 'Regulars', reachedCount: 1, notReachedCount: 3, kind: 'text' });
    const byPhone = Object.fromEntries(sent.body.results.map((r) => [r.phone, r]));
    expect(byPhone[saved.phone]).toMatchObject({ reached: true, reason: null, accountId: saved.accountId });
    expect(byPhone[notSaved.phone]).toMatchObject({ reached: false, reason: 'not_in_contacts', messageId: null });
    expect(byPhone[blocker.phone]).toMatchObject({ reached: false, reason: 'blocked', messageId: null });
    expect(byPhone[notOnParley]).toMatchObject({ reached: false, reason: 'not_on_parley', accountId: null });

    // It arrived as an ordinary 1:1 message from the business.
    const chatId = byPhone[saved.phone]!.chatId!;
    const history = await api<{ messages: { id: string; senderId: string; content: { text: string } }[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: saved.token });
    expect(history.body.messages).toHaveLength(1);
    expect(history.body.messages[0]).toMatchObject({ id: byPhone[saved.phone]!.messageId, senderId: biz.accountId, content: { text: 'Fresh croissants today!' } });
    // The others have no chat with the business at all.
    for (const p of [notSaved, blocker]) {
      const chats = await api<{ chats: { members: { accountId: string }[] }[] }>(server, 'GET', '/v1/chats', { token: p.token });
      expect(chats.body.chats.some((c) => c.members.some((m) => m.accountId === biz.accountId))).toBe(false);
    }

    // A retry of the same broadcast sends nothing again.
    const again = await api<Broadcast>(server, 'POST', `/v1/business/broadcast-lists/${list.body.id}/broadcasts`, { token: biz.token, body });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(sent.body.id);
    expect((await api<{ messages: unknown[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: saved.token })).body.messages).toHaveLength(1);

    // The customer's reply comes back into the normal chat.
    await send(server, saved, chatId, 'Two please!');
    const bizView = await api<{ messages: { senderId: string; content: { text: string } }[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: biz.token });
    expect(bizView.body.messages.map((m) => [m.senderId, m.content.text])).toEqual([
      [biz.accountId, 'Fresh croissants today!'],
      [saved.accountId, 'Two please!'],
    ]);
    const bizChats = await api<{ chats: { id: string }[] }>(server, 'GET', '/v1/chats', { token: biz.token });
    expect(bizChats.body.chats.map((c) => c.id)).toEqual([chatId]);

    // The history keeps the broadcast and its results.
    const historyList = await api<{ broadcasts: Broadcast[] }>(server, 'GET', `/v1/business/broadcast-lists/${list.body.id}/broadcasts`, { token: biz.token });
    expect(historyList.body.broadcasts).toHaveLength(1);
    expect(historyList.body.broadcasts[0]).toMatchObject({ id: sent.body.id, reachedCount: 1, notReachedCount: 3, content: { text: 'Fresh croissants today!' } });
    expect(historyList.body.broadcasts[0]!.results).toEqual(sent.body.results);

    // A second broadcast (new clientId) reaches the customer once more, in the same chat.
    const second = await api<Broadcast>(server, 'POST', `/v1/business/broadcast-lists/${list.body.id}/broadcasts`, {
      token: biz.token,
      body: { clientId: 'promo-2', kind: 'text', content: { text: 'Closed Monday' } },
    });
    expect(second.body.results.find((r) => r.phone === saved.phone)!.chatId).toBe(chatId);
  });

  it('holds at most 256 recipients and changes nothing when a change would exceed it', async () => {
    const phones = Array.from({ length: 257 }, (_, i) => `+3361${String(2000000 + i).padStart(7, '0')}`);
    const full = await createList(biz, 'Too many', phones);
    expect(full.status).toBe(409);
    expect(full.body.error).toMatchObject({ code: 'BROADCAST_LIST_FULL', details: { max: 256, count: 257 } });
    expect((await api<{ lists: unknown[] }>(server, 'GET', '/v1/business/broadcast-lists', { token: biz.token })).body.lists).toHaveLength(0);

    const ok = await createList(biz, 'Everyone', phones.slice(0, 256));
    expect(ok.status).toBe(201);
    expect(ok.body.recipients).toHaveLength(256);
    const patch = await api<{ error: { code: string } }>(server, 'PATCH', `/v1/business/broadcast-lists/${ok.body.id}`, { token: biz.token, body: { name: 'Renamed', phones } });
    expect(patch.body.error.code).toBe('BROADCAST_LIST_FULL');
    const unchanged = await api<BroadcastList>(server, 'GET', `/v1/business/broadcast-lists/${ok.body.id}`, { token: biz.token });
    expect(unchanged.body).toMatchObject({ name: 'Everyone' });
    expect(unchanged.body.recipients).toHaveLength(256);

    // Invalid numbers and empty names are refused.
    expect((await createList(biz, 'Bad', ['12'])).body.error.code).toBe('PHONE_INVALID');
    expect((await createList(biz, '   ', [])).body.error.code).toBe('VALIDATION_FAILED');
    expect((await createList(biz, 'Me', [biz.phone])).body.error.code).toBe('VALIDATION_FAILED');
  });

  it('edits and deletes lists; another business gets LIST_NOT_FOUND for all of it', async () => {
    const a = await signIn(server);
    const b = await signIn(server);
    const list = (await createList(biz, 'VIP', [a.phone])).body;
    const edited = await api<BroadcastList>(server, 'PATCH', `/v1/business/broadcast-lists/${list.id}`, { token: biz.token, body: { name: 'VIP customers', phones: [b.phone] } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ name: 'VIP customers', recipients: [{ phone: b.phone, accountId: b.accountId }] });

    const other = await newBusiness(server, { name: 'Competitor' });
    for (const [method, path, body] of [
      ['GET', `/v1/business/broadcast-lists/${list.id}`, undefined],
      ['PATCH', `/v1/business/broadcast-lists/${list.id}`, { name: 'Mine now' }],
      ['DELETE', `/v1/business/broadcast-lists/${list.id}`, undefined],
      ['POST', `/v1/business/broadcast-lists/${list.id}/broadcasts`, { kind: 'text', content: { text: 'spam' } }],
      ['GET', `/v1/business/broadcast-lists/${list.id}/broadcasts`, undefined],
    ] as const) {
      const res = await api<{ error: { code: string } }>(server, method, path, { token: other.token, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe('LIST_NOT_FOUND');
    }
    expect((await api<{ lists: unknown[] }>(server, 'GET', '/v1/business/broadcast-lists', { token: other.token })).body.lists).toHaveLength(0);
    expect((await api<BroadcastList>(server, 'GET', `/v1/business/broadcast-lists/${list.id}`, { token: biz.token })).body.name).toBe('VIP customers');

    // A person cannot use broadcast lists at all.
    expect((await api<{ error: { code: string } }>(server, 'GET', `/v1/business/broadcast-lists/${list.id}`, { token: a.token })).body.error.code).toBe('NOT_A_BUSINESS');

    // Bad content is refused before anything is sent.
    const bad = await api<{ error: { code: string } }>(server, 'POST', `/v1/business/broadcast-lists/${list.id}/broadcasts`, { token: biz.token, body: { kind: 'text', content: {} } });
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');

    expect((await api(server, 'DELETE', `/v1/business/broadcast-lists/${list.id}`, { token: biz.token })).status).toBe(204);
    expect((await api<{ error: { code: string } }>(server, 'GET', `/v1/business/broadcast-lists/${list.id}`, { token: biz.token })).body.error.code).toBe('LIST_NOT_FOUND');
  });

  it('tells the business’s other devices that its lists changed', async () => {
    const { WsClient } = await import('../helpers/clients.js');
    const second = await signIn(server, biz.phone, 'Second device');
    const ws = await WsClient.connect(server, second.token);
    try {
      const changed = ws.next((f) => f.type === 'update' && (f.update as { type: string; area?: string }).type === 'business.changed' && (f.update as { area: string }).area === 'broadcasts');
      await createList(biz, 'Morning', []);
      await changed;
    } finally {
      await ws.close();
    }
  });
});
