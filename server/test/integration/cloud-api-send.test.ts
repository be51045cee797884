import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, signIn, WsClient, type Person } from '../helpers/clients.js';
import { firstStatus, WebhookReceiver } from '../helpers/webhook-receiver.js';
import { apiBusiness, customerWrites, digits, expectGraphError, graph, textExample, type ApiBusiness } from '../helpers/api-business.js';
import { makePdf, makePng, upload } from '../helpers/media-fixtures.js';
import { ManualClock } from '../../src/platform/clock.js';
import { apiMediaId, toWamid } from '../../src/domain/api/ids.js';

type Res = { status: number; body: Record<string, unknown> };
type Frame = Awaited<ReturnType<WsClient['nextUpdate']>>;

describe('Business API: POST /{phone_number_id}/messages — location, contacts, reaction, interactive', () => {
  let server: TestServer;
  let clock: ManualClock;
  let receiver: WebhookReceiver;
  let biz: ApiBusiness;
  let customer: Person;
  let ws: WsClient;
  let to: string;
  const sockets: WsClient[] = [];

  beforeEach(async () => {
    clock = new ManualClock(Date.now());
    server = await startServer({ clock });
    receiver = await WebhookReceiver.start();
    biz = await apiBusiness(server, receiver);
    customer = await signIn(server);
    to = digits(customer.phone);
    // The customer wrote first: free-form messages are allowed for 24 hours (the messaging policy).
    await customerWrites(server, customer, biz);
    ws = await WsClient.connect(server, customer.token);
    sockets.push(ws);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) await s.close();
    await server.close();
    await receiver.close();
  });

  const send = (body: Record<string, unknown>, who: ApiBusiness = biz) => graph(server, who.apiToken, 'POST', `/v23.0/${who.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to, ...body }) as Promise<Res>;

  /** The reference's success response; returns the wamid. */
  function expectAccepted(res: Res): string {
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(Object.keys(res.body)).toEqual(['messaging_product', 'contacts', 'messages']);
    expect(res.body).toEqual({ messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: expect.stringMatching(/^wamid\.[A-Za-z0-9+/]+=*$/) }] });
    return (res.body.messages as { id: string }[])[0]!.id;
  }

  /** The next message the customer receives from the business. */
  const received = (): Promise<Frame> =>
    ws.next((f) => f.type === 'update' && (f.update as { type: string }).type === 'message.created' && (f.update as { message: { senderId: string } }).message.senderId === biz.accountId) as Promise<Frame>;

  const sentStatus = async (wamid: string) => firstStatus((await receiver.waitFor((j) => firstStatus(j)?.id === wamid)).json);

  /** An API media id of this business's WABA for a medium it uploaded (the API media upload is another edge). */
  async function apiMedia(who: ApiBusiness, bytes: Buffer, kind: 'image' | 'document', contentType: string, fileName?: string): Promise<string> {
    const up = await upload<{ id: string }>(server, who.token, bytes, { kind, contentType, ...(fileName ? { fileName } : {}) });
    expect(up.status, JSON.stringify(up.body)).toBeLessThan(300);
    return server.parley.ctx.writes.run((tx) => apiMediaId(tx, who.wabaId, up.body.id, clock.now()));
  }

  async function catalogId(who: ApiBusiness): Promise<string> {
    const res = await graph<{ data: { id: string; name: string; product_count: number }[] }>(server, who.apiToken, 'GET', `/v23.0/${who.wabaId}/product_catalogs`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data[0]!.id;
  }

  const addProduct = async (who: Person, body: Record<string, unknown>) => {
    const res = await api<{ id: string }>(server, 'POST', '/v1/business/catalog/products', { token: who.token, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id;
  };

  /** Nothing reached the customer (for refused requests). */
  const nothingReceived = async () => expect(await ws.silentFor(150, (f) => f.type === 'update' && (f.update as { type: string }).type === 'message.created')).toBe(true);

  // ---- location ---------------------------------------------------------------------------------

  it('location: the reference example, numeric strings, and its limits', async () => {
    const wamid = expectAccepted(await send({ type: 'location', location: { latitude: 37.4847, longitude: -122.1486, name: 'Head office', address: '1 Main St' } }));
    const got = await received();
    expect(got.update.message).toMatchObject({ kind: 'location', content: { latitude: 37.4847, longitude: -122.1486, name: 'Head office', address: '1 Main St' } });
    expect(await sentStatus(wamid)).toMatchObject({ status: 'sent', recipient_id: to });

    expectAccepted(await send({ type: 'location', location: { latitude: '-33.8688', longitude: '151.2093' } }));
    expect((await received()).update.message!.content).toEqual({ latitude: -33.8688, longitude: 151.2093 });

    expectGraphError(await send({ type: 'location', location: { latitude: 91, longitude: 0 } }), 400, 131009);
    expectGraphError(await send({ type: 'location', location: { latitude: 0, longitude: -180.5 } }), 400, 131009);
    expectGraphError(await send({ type: 'location', location: { latitude: 'north', longitude: 0 } }), 400, 131009);
    expectGraphError(await send({ type: 'location', location: { latitude: 1 } }), 400, 131008);
    expectGraphError(await send({ type: 'location', location: { latitude: 1, longitude: 2, zoom: 3 } }), 400, 100);
    expectGraphError(await send({ type: 'location', location: { latitude: 1, longitude: 2, name: 'n'.repeat(257) } }), 400, 131009);
    await nothingReceived();
  });

  // ---- contacts ---------------------------------------------------------------------------------

  const anaRuiz = {
    name: { formatted_name: 'Ana Ruiz', first_name: 'Ana', last_name: 'Ruiz', middle_name: '', prefix: '', suffix: '' },
    birthday: '1990-04-02',
    phones: [{ phone: '+34 600 000 000', type: 'CELL', wa_id: '34600000000' }],
    emails: [{ email: 'ana@example.com', type: 'WORK' }],
    addresses: [{ street: 'C/ Mayor 1', city: 'Madrid', state: 'M', zip: '28013', country: 'Spain', country_code: 'es', type: 'WORK' }],
    org: { company: 'Acme', department: 'Sales', title: 'Lead' },
    urls: [{ url: 'https://acme.example', type: 'WORK' }],
  };

  it('contacts: the reference card arrives whole as a contact message', async () => {
    const wamid = expectAccepted(await send({ type: 'contacts', contacts: [anaRuiz] }));
    const got = await received();
    expect(got.update.message!.kind).toBe('contact');
    expect(got.update.message!.content).toEqual({
      contacts: [
        {
          name: 'Ana Ruiz',
          firstName: 'Ana',
          lastName: 'Ruiz',
          birthday: '1990-04-02',
          phones: [{ number: '+34 600 000 000', label: 'CELL', waId: '34600000000' }],
          emails: ['ana@example.com'],
          emailLabels: ['WORK'],
          addresses: [{ street: 'C/ Mayor 1', city: 'Madrid', state: 'M', zip: '28013', country: 'Spain', countryCode: 'es', label: 'WORK' }],
          organization: 'Acme',
          department: 'Sales',
          jobTitle: 'Lead',
          urls: [{ url: 'https://acme.example', label: 'WORK' }],
        },
      ],
    });
    expect(await sentStatus(wamid)).toMatchObject({ status: 'sent' });
  });

  it('contacts given as a JSON-encoded string (as whatsapp-api-js sends them) read like the array; a string that is no array is refused', async () => {
    expectAccepted(await send({ type: 'contacts', contacts: JSON.stringify([anaRuiz]) }));
    const got = await received();
    expect(got.update.message).toMatchObject({ kind: 'contact', content: { contacts: [{ name: 'Ana Ruiz', phones: [{ number: '+34 600 000 000', label: 'CELL', waId: '34600000000' }] }] } });
    expectGraphError(await send({ type: 'contacts', contacts: 'Ana Ruiz' }), 400, 100);
    expectGraphError(await send({ type: 'contacts', contacts: '[{"name":' }), 400, 100);
    expectGraphError(await send({ type: 'contacts', contacts: JSON.stringify([{ name: { first_name: 'Ana' } }]) }), 400, 131008);
    await nothingReceived();
  });

  it('contacts: up to 257 cards; the name rules and the limits', async () => {
    const small = (i: number) => ({ name: { formatted_name: `P${i}`, first_name: `P${i}` }, phones: [{ phone: `+1555000${String(i).padStart(4, '0')}` }] });
    expectAccepted(await send({ type: 'contacts', contacts: Array.from({ length: 257 }, (_, i) => small(i)) }));
    expect(((await received()).update.message!.content as { contacts: unknown[] }).contacts).toHaveLength(257);

    expectGraphError(await send({ type: 'contacts', contacts: Array.from({ length: 258 }, (_, i) => small(i)) }), 400, 131009);
    expectGraphError(await send({ type: 'contacts', contacts: [] }), 400, 131009);
    expectGraphError(await send({ type: 'contacts', contacts: { name: { formatted_name: 'A', first_name: 'A' } } }), 400, 100);
    expectGraphError(await send({ type: 'contacts', contacts: [{ name: { first_name: 'Ana' } }] }), 400, 131008);
    const onlyFormatted = expectGraphError(await send({ type: 'contacts', contacts: [{ name: { formatted_name: 'Ana Ruiz', middle_name: '' } }] }), 400, 131008);
    expect((onlyFormatted.error_data as { details: string }).details).toContain('first_name');
    expectGraphError(await send({ type: 'contacts', contacts: [{ ...anaRuiz, birthday: '1990-02-30' }] }), 400, 131009);
    expectGraphError(await send({ type: 'contacts', contacts: [{ ...anaRuiz, phones: [{ phone: '+1', wa_id: '+1 555' }] }] }), 400, 131009);
    expectGraphError(await send({ type: 'contacts', contacts: [{ ...anaRuiz, phones: Array.from({ length: 11 }, () => ({ phone: '+1555' })) }] }), 400, 131009);
    expectGraphError(await send({ type: 'contacts', contacts: [{ ...anaRuiz, nickname: 'A' }] }), 400, 100);
    await nothingReceived();
  });

  // ---- reaction ---------------------------------------------------------------------------------

  it('reaction: sets and removes the business reaction the customer sees; only a sent status, with a fresh wamid', async () => {
    const target = expectAccepted(await send({ type: 'text', text: { body: 'Your order is ready' } }));
    const targetMsg = (await received()).update.message!;
    await sentStatus(target);

    const res = await send({ type: 'reaction', reaction: { message_id: target, emoji: '👍' }, biz_opaque_callback_data: 'r-1' });
    const wamid = expectAccepted(res);
    expect(wamid).not.toBe(target);
    const updated = await ws.nextUpdate('message.updated');
    expect(updated.update.message).toMatchObject({ id: targetMsg.id, reactions: [{ accountId: biz.accountId, emoji: '👍' }] });
    expect(await sentStatus(wamid)).toMatchObject({ status: 'sent', recipient_id: to, biz_opaque_callback_data: 'r-1' });

    // A reaction to the customer's own message, then a change of emoji, then removal.
    const chat = await api<{ id: string }>(server, 'POST', '/v1/chats', { token: customer.token, body: { peer: biz.phone } });
    const mine = { message: { id: ((await ws.request({ type: 'send', chatId: chat.body.id, clientId: 'c1', kind: 'text', content: { text: 'Thanks!' } })).result as { messageId: string }).messageId } };
    const theirs = toWamid(to, mine.message.id);
    expectAccepted(await send({ type: 'reaction', reaction: { message_id: theirs, emoji: '❤️' } }));
    expect((await ws.nextUpdate('message.updated')).update.message).toMatchObject({ id: mine.message.id, reactions: [{ accountId: biz.accountId, emoji: '❤️' }] });
    expectAccepted(await send({ type: 'reaction', reaction: { message_id: theirs, emoji: '🇫🇷' } }));
    expect((await ws.nextUpdate('message.updated')).update.message).toMatchObject({ reactions: [{ emoji: '🇫🇷' }] });
    const removed = expectAccepted(await send({ type: 'reaction', reaction: { message_id: theirs, emoji: '' } }));
    expect((await ws.nextUpdate('message.updated')).update.message).toMatchObject({ id: mine.message.id, reactions: [] });
    await sentStatus(removed);

    // Reactions get `sent` only: no delivered/read for the reaction wamid, ever.
    await server.parley.webhooks.idle();
    const statuses = receiver.payloads().map((p) => firstStatus(p.json)).filter((s) => s?.id === wamid);
    expect(statuses.map((s) => s!.status)).toEqual(['sent']);
    // No new message was created by reacting.
    expect(ws.updates('message.created').filter((u) => u.update.message!.senderId === biz.accountId)).toHaveLength(1);
  });

  it('reaction: every refusal is 131009 and changes nothing', async () => {
    const target = expectAccepted(await send({ type: 'text', text: { body: 'Hello' } }));
    await received();
    const other = await signIn(server);
    await customerWrites(server, other, biz);
    const elsewhere = await graph<{ messages: { id: string }[] }>(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, textExample(digits(other.phone)));
    const otherBiz = await apiBusiness(server, null);
    await customerWrites(server, customer, otherBiz);
    const theirMsg = await graph<{ messages: { id: string }[] }>(server, otherBiz.apiToken, 'POST', `/${otherBiz.phoneNumberId}/messages`, textExample(to));

    expectGraphError(await send({ type: 'reaction', reaction: { message_id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA', emoji: '👍' } }), 400, 131009);
    // A message of the business's chat with someone else, and another business's message to this customer.
    expectGraphError(await send({ type: 'reaction', reaction: { message_id: elsewhere.body.messages[0]!.id, emoji: '👍' } }), 400, 131009);
    expectGraphError(await send({ type: 'reaction', reaction: { message_id: theirMsg.body.messages[0]!.id, emoji: '👍' } }), 400, 131009);
    expectGraphError(await send({ type: 'reaction', reaction: { message_id: target, emoji: 'ok' } }), 400, 131009);
    expectGraphError(await send({ type: 'reaction', reaction: { message_id: target, emoji: '👍👍' } }), 400, 131009);
    expectGraphError(await send({ type: 'reaction', reaction: { message_id: target } }), 400, 131008);
    expectGraphError(await send({ type: 'reaction', reaction: { emoji: '👍' } }), 400, 131008);
    expectGraphError(await send({ type: 'reaction', reaction: { message_id: target, emoji: '👍', extra: 1 } }), 400, 100);
    // To someone not on Parley: there is no such chat.
    expectGraphError(await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: '12025550143', type: 'reaction', reaction: { message_id: target, emoji: '👍' } }), 400, 131009);

    // Deleted by the customer.
    const chat = await api<{ id: string }>(server, 'POST', '/v1/chats', { token: customer.token, body: { peer: biz.phone } });
    const mine = { message: { id: ((await ws.request({ type: 'send', chatId: chat.body.id, clientId: 'c2', kind: 'text', content: { text: 'oops' } })).result as { messageId: string }).messageId } };
    expect((await ws.request({ type: 'delete', messageId: mine.message.id })).type).toBe('reply');
    const deleted = expectGraphError(await send({ type: 'reaction', reaction: { message_id: toWamid(to, mine.message.id), emoji: '👍' } }), 400, 131009);
    expect((deleted.error_data as { details: string }).details).toContain('deleted');

    // Older than 30 days.
    clock.advance(30 * 24 * 3600_000 + 1000);
    await customerWrites(server, customer, biz, 'Still there?');
    const old = expectGraphError(await send({ type: 'reaction', reaction: { message_id: target, emoji: '👍' } }), 400, 131009);
    expect((old.error_data as { details: string }).details).toContain('30 days');

    expect(ws.updates('message.updated').filter((u) => (u.update.message!.reactions as unknown[]).length > 0)).toHaveLength(0);
  });

  it('reaction: a customer who blocked the business gets nothing; the business gets a failed status', async () => {
    const target = expectAccepted(await send({ type: 'text', text: { body: 'Hello' } }));
    await received();
    expect((await api(server, 'PUT', `/v1/blocks/${biz.accountId}`, { token: customer.token })).status).toBeLessThan(300);
    const wamid = expectAccepted(await send({ type: 'reaction', reaction: { message_id: target, emoji: '👍' } }));
    expect(await sentStatus(wamid)).toMatchObject({ status: 'failed', errors: [{ code: 131026 }] });
    expect(await ws.silentFor(150, (f) => f.type === 'update' && (f.update as { type: string }).type === 'message.updated')).toBe(true);
  });

  // ---- interactive ------------------------------------------------------------------------------

  it('interactive button: the reference shape with an image header; the customer can tap a button', async () => {
    const imageId = await apiMedia(biz, makePng(8, 8, 3), 'image', 'image/png');
    const wamid = expectAccepted(
      await send({
        type: 'interactive',
        interactive: {
          type: 'button',
          header: { type: 'image', image: { id: imageId } },
          body: { text: 'Confirm your table for 8 pm?' },
          footer: { text: 'Chez Léa' },
          action: {
            buttons: [
              { type: 'reply', reply: { id: 'yes', title: 'Yes' } },
              { type: 'reply', reply: { id: 'no', title: 'No' } },
              { type: 'reply', reply: { id: 'later', title: 'Ask me later' } },
            ],
          },
        },
      }),
    );
    const got = await received();
    expect(got.update.message).toMatchObject({ kind: 'interactive', mediaId: expect.any(String) });
    expect(got.update.message!.content).toEqual({
      type: 'button',
      header: { type: 'image', mediaId: got.update.message!.mediaId },
      body: 'Confirm your table for 8 pm?',
      footer: 'Chez Léa',
      buttons: [
        { id: 'yes', title: 'Yes' },
        { id: 'no', title: 'No' },
        { id: 'later', title: 'Ask me later' },
      ],
    });
    expect(await sentStatus(wamid)).toMatchObject({ status: 'sent' });
    // The customer can download the header image.
    const media = await fetch(`${server.url}/v1/media/${got.update.message!.mediaId as string}`, { headers: { authorization: `Bearer ${customer.token}` } });
    expect(media.status).toBe(200);

    const tap = await ws.request({ type: 'send', chatId: got.update.chatId, clientId: 'tap1', kind: 'interactive_reply', content: { type: 'button_reply', id: 'no', title: 'No' }, replyTo: got.update.message!.id });
    expect(tap.type).toBe('reply');

    // A text header and a document header with a file name.
    const pdfId = await apiMedia(biz, makePdf(), 'document', 'application/pdf', 'menu.pdf');
    expectAccepted(await send({ type: 'interactive', interactive: { type: 'button', header: { type: 'text', text: 'Menu' }, body: { text: 'Pick one' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }] } } }));
    expect((await received()).update.message!.content).toMatchObject({ header: { type: 'text', text: 'Menu' } });
    expectAccepted(
      await send({ type: 'interactive', interactive: { type: 'button', header: { type: 'document', document: { id: pdfId, filename: 'menu.pdf' } }, body: { text: 'Our menu' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }] } } }),
    );
    expect((await received()).update.message!.content).toMatchObject({ header: { type: 'document', fileName: 'menu.pdf' } });
  });

  const listExample = (sections: unknown, extra: Record<string, unknown> = {}) => ({
    type: 'interactive',
    interactive: { type: 'list', header: { type: 'text', text: 'Our menu' }, body: { text: 'What would you like?' }, footer: { text: 'Open until 10 pm' }, action: { button: 'Choose', sections }, ...extra },
  });
  const rows = (n: number, prefix = 'r') => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, title: `Row ${i}` }));

  it('interactive list: the reference shape; the customer can pick a row', async () => {
    const wamid = expectAccepted(
      await send(
        listExample([
          { title: 'Mains', rows: [{ id: 'steak', title: 'Steak', description: 'With fries' }, { id: 'fish', title: 'Fish' }] },
          { title: 'Desserts', rows: [{ id: 'tart', title: 'Lemon tart', description: 'Homemade' }] },
        ]),
      ),
    );
    const got = await received();
    expect(got.update.message!.kind).toBe('interactive');
    expect(got.update.message!.content).toEqual({
      type: 'list',
      header: { type: 'text', text: 'Our menu' },
      body: 'What would you like?',
      footer: 'Open until 10 pm',
      list: {
        button: 'Choose',
        sections: [
          { title: 'Mains', rows: [{ id: 'steak', title: 'Steak', description: 'With fries' }, { id: 'fish', title: 'Fish' }] },
          { title: 'Desserts', rows: [{ id: 'tart', title: 'Lemon tart', description: 'Homemade' }] },
        ],
      },
    });
    expect(await sentStatus(wamid)).toMatchObject({ status: 'sent' });
    const tap = await ws.request({ type: 'send', chatId: got.update.chatId, clientId: 'tap2', kind: 'interactive_reply', content: { type: 'list_reply', id: 'tart', title: 'Lemon tart' }, replyTo: got.update.message!.id });
    expect(tap.type).toBe('reply');

    // One section needs no title; 10 rows in total is the maximum; a list body may be 4096 long.
    expectAccepted(await send(listExample([{ rows: rows(10) }], { body: { text: 'b'.repeat(4096) } })));
    expect((await received()).update.message!.content).toMatchObject({ list: { sections: [{ rows: rows(10) }] } });
  });

  it('interactive cta_url: the reference shape', async () => {
    const wamid = expectAccepted(
      await send({ type: 'interactive', interactive: { type: 'cta_url', header: { type: 'text', text: 'Order 42' }, body: { text: 'Your parcel is on its way.' }, footer: { text: 'Thanks' }, action: { name: 'cta_url', parameters: { display_text: 'Track', url: 'https://example.com/track/42' } } } }),
    );
    expect((await received()).update.message!.content).toEqual({ type: 'cta_url', header: { type: 'text', text: 'Order 42' }, body: 'Your parcel is on its way.', footer: 'Thanks', cta: { displayText: 'Track', url: 'https://example.com/track/42' } });
    expect(await sentStatus(wamid)).toMatchObject({ status: 'sent' });
  });

  it('interactive product and product_list: items of the business catalog, named by catalog_id and retailer id', async () => {
    const image = (await upload<{ id: string }>(server, biz.token, makePng(4, 4, 5), { kind: 'image', contentType: 'image/png' })).body.id;
    const croissant = await addProduct(biz, { name: 'Croissant', price: '1.20', currency: 'EUR', retailerId: 'SKU-1', imageMediaIds: [image] });
    const baguette = await addProduct(biz, { name: 'Baguette', price: '0.90', currency: 'EUR', retailerId: 'SKU-2' });
    const tart = await addProduct(biz, { name: 'Tart', price: '3.50', currency: 'EUR' });
    const catalog = await catalogId(biz);
    expect(catalog).toMatch(/^[1-9]\d{14,15}$/);
    expect(await catalogId(biz)).toBe(catalog);
    const node = await graph(server, biz.apiToken, 'GET', `/v23.0/${catalog}`);
    expect(node.body).toEqual({ id: catalog, name: 'Chez Léa catalog', product_count: 3 });

    const wamid = expectAccepted(await send({ type: 'interactive', interactive: { type: 'product', body: { text: 'Fresh this morning' }, footer: { text: 'While stocks last' }, action: { catalog_id: catalog, product_retailer_id: 'SKU-1' } } }));
    expect((await received()).update.message!.content).toEqual({
      type: 'product',
      body: 'Fresh this morning',
      footer: 'While stocks last',
      businessId: biz.accountId,
      productSections: [{ items: [{ productId: croissant, name: 'Croissant', price: 120, currency: 'EUR', imageMediaId: image, retailerId: 'SKU-1' }] }],
    });
    expect(await sentStatus(wamid)).toMatchObject({ status: 'sent' });
    // body and footer are optional for a single product.
    expectAccepted(await send({ type: 'interactive', interactive: { type: 'product', action: { catalog_id: catalog, product_retailer_id: 'SKU-2' } } }));
    expect((await received()).update.message!.content).toMatchObject({ type: 'product', productSections: [{ items: [{ productId: baguette }] }] });

    expectAccepted(
      await send({
        type: 'interactive',
        interactive: {
          type: 'product_list',
          header: { type: 'text', text: 'Bakery' },
          body: { text: 'Our best sellers' },
          action: {
            catalog_id: catalog,
            sections: [
              { title: 'Bread', product_items: [{ product_retailer_id: 'SKU-2' }] },
              { title: 'Pastry', product_items: [{ product_retailer_id: 'SKU-1' }, { product_retailer_id: tart }] },
            ],
          },
        },
      }),
    );
    expect((await received()).update.message!.content).toEqual({
      type: 'product_list',
      header: { type: 'text', text: 'Bakery' },
      body: 'Our best sellers',
      businessId: biz.accountId,
      productSections: [
        { title: 'Bread', items: [{ productId: baguette, name: 'Baguette', price: 90, currency: 'EUR', imageMediaId: null, retailerId: 'SKU-2' }] },
        {
          title: 'Pastry',
          items: [
            { productId: croissant, name: 'Croissant', price: 120, currency: 'EUR', imageMediaId: image, retailerId: 'SKU-1' },
            { productId: tart, name: 'Tart', price: 350, currency: 'EUR', imageMediaId: null },
          ],
        },
      ],
    });
  });

  it('the catalog endpoints refuse another WABA', async () => {
    const other = await apiBusiness(server, null);
    const theirs = await catalogId(other);
    expectGraphError(await graph(server, biz.apiToken, 'GET', `/v23.0/${other.wabaId}/product_catalogs`), 400, 100, { error_subcode: 33 });
    expectGraphError(await graph(server, biz.apiToken, 'GET', `/v23.0/${theirs}`), 400, 100, { error_subcode: 33 });
  });

  it('interactive: every limit violation is refused with its code, and nothing is sent', async () => {
    const btn = (id: string, title: string) => ({ type: 'reply', reply: { id, title } });
    const buttons = (action: unknown, extra: Record<string, unknown> = {}) => send({ type: 'interactive', interactive: { type: 'button', body: { text: 'Pick' }, action, ...extra } });
    const expectRefused = async (res: Promise<Res>, status: number, code: number, detail?: string) => {
      const err = expectGraphError(await res, status, code);
      if (detail) expect((err.error_data as { details: string }).details).toContain(detail);
    };

    // Reply buttons.
    await expectRefused(buttons({ buttons: [btn('a', 'A'), btn('b', 'B'), btn('c', 'C'), btn('d', 'D')] }), 400, 131009, '1 to 3');
    await expectRefused(buttons({ buttons: [] }), 400, 131009);
    await expectRefused(buttons({ buttons: [btn('a', 't'.repeat(21))] }), 400, 131009, '20');
    await expectRefused(buttons({ buttons: [btn('i'.repeat(257), 'A')] }), 400, 131009, '256');
    await expectRefused(buttons({ buttons: [btn('a', 'A'), btn('a', 'B')] }), 400, 131009, 'unique ids');
    await expectRefused(buttons({ buttons: [btn('a', 'Same'), btn('b', 'Same')] }), 400, 131009, 'unique titles');
    await expectRefused(buttons({ buttons: [btn(' a', 'A')] }), 400, 131009, 'spaces');
    await expectRefused(buttons({ buttons: [btn('a', ' ')] }), 400, 131009);
    await expectRefused(buttons({ buttons: [{ type: 'url', reply: { id: 'a', title: 'A' } }] }), 400, 131009);
    await expectRefused(buttons({ buttons: [btn('a', 'A')] }, { body: { text: 'x'.repeat(1025) } }), 400, 131009, '1024');
    await expectRefused(buttons({ buttons: [btn('a', 'A')] }, { footer: { text: 'x'.repeat(61) } }), 400, 131009, '60');
    await expectRefused(buttons({ buttons: [btn('a', 'A')] }, { header: { type: 'text', text: 'x'.repeat(61) } }), 400, 131009, '60');
    await expectRefused(send({ type: 'interactive', interactive: { type: 'button', action: { buttons: [btn('a', 'A')] } } }), 400, 131008);
    await expectRefused(send({ type: 'interactive', interactive: { type: 'button', body: { text: 'x' } } }), 400, 131008);
    await expectRefused(buttons({ buttons: [btn('a', 'A')], extra: true }), 400, 100);

    // Lists.
    await expectRefused(send(listExample([{ title: 'A', rows: rows(6, 'a') }, { title: 'B', rows: rows(5, 'b') }])), 400, 131009, 'at most 10 rows');
    await expectRefused(send(listExample([{ rows: rows(2, 'a') }, { title: 'B', rows: rows(2, 'b') }])), 400, 131008, 'title');
    await expectRefused(send(listExample([{ title: 'A', rows: [{ id: 'x', title: 'X' }] }, { title: 'B', rows: [{ id: 'x', title: 'Y' }] }])), 400, 131009, 'unique ids');
    await expectRefused(send(listExample([{ rows: [{ id: 'x', title: 't'.repeat(25) }] }])), 400, 131009, '24');
    await expectRefused(send(listExample([{ rows: [{ id: 'x', title: 'X', description: 'd'.repeat(73) }] }])), 400, 131009, '72');
    await expectRefused(send(listExample([{ rows: [{ id: 'i'.repeat(201), title: 'X' }] }])), 400, 131009, '200');
    await expectRefused(send(listExample([{ title: 's'.repeat(25), rows: rows(1) }])), 400, 131009, '24');
    await expectRefused(send(listExample([{ rows: [] }])), 400, 131009);
    await expectRefused(send(listExample(Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, rows: [{ id: `r${i}`, title: 'R' }] })))), 400, 131009);
    await expectRefused(send({ type: 'interactive', interactive: { type: 'list', body: { text: 'x' }, action: { button: 'b'.repeat(21), sections: [{ rows: rows(1) }] } } }), 400, 131009, '20');
    await expectRefused(send(listExample([{ rows: rows(1) }], { body: { text: 'x'.repeat(4097) } })), 400, 131009, '4096');
    const imageId = await apiMedia(biz, makePng(8, 8, 4), 'image', 'image/png');
    await expectRefused(send(listExample([{ rows: rows(1) }], { header: { type: 'image', image: { id: imageId } } })), 400, 131009, 'text header only');

    // Call-to-action URL.
    const cta = (parameters: unknown) => send({ type: 'interactive', interactive: { type: 'cta_url', body: { text: 'Go' }, action: { name: 'cta_url', parameters } } });
    await expectRefused(cta({ display_text: 'd'.repeat(21), url: 'https://example.com' }), 400, 131009, '20');
    await expectRefused(cta({ display_text: 'Open', url: 'ftp://example.com' }), 400, 131009, 'http');
    await expectRefused(cta({ display_text: 'Open', url: 'not a url' }), 400, 131009);
    await expectRefused(cta({ display_text: 'Open' }), 400, 131008);

    // Header media: another WABA's media id, a wrong kind, a link that cannot be fetched (fetched while the request waits).
    const other = await apiBusiness(server, null);
    const theirImage = await apiMedia(other, makePng(8, 8, 6), 'image', 'image/png');
    await expectRefused(buttons({ buttons: [btn('a', 'A')] }, { header: { type: 'image', image: { id: theirImage } } }), 400, 131009);
    await expectRefused(buttons({ buttons: [btn('a', 'A')] }, { header: { type: 'video', video: { id: imageId } } }), 400, 131009);
    await expectRefused(buttons({ buttons: [btn('a', 'A')] }, { header: { type: 'image', image: { link: 'http://127.0.0.1:9/a.png' } } }), 400, 131053);
    await expectRefused(buttons({ buttons: [btn('a', 'A')] }, { header: { type: 'sticker', sticker: { id: imageId } } }), 400, 131009);

    // Products.
    await addProduct(biz, { name: 'Croissant', price: '1.20', currency: 'EUR', retailerId: 'SKU-1' });
    await addProduct(biz, { name: 'Secret', price: '9.00', currency: 'EUR', retailerId: 'SKU-HIDDEN', hidden: true });
    await addProduct(other, { name: 'Theirs', price: '2.00', currency: 'EUR', retailerId: 'SKU-OTHER' });
    const catalog = await catalogId(biz);
    const theirCatalog = await catalogId(other);
    const product = (action: unknown, extra: Record<string, unknown> = {}) => send({ type: 'interactive', interactive: { type: 'product', action, ...extra } });
    const productList = (sections: unknown, extra: Record<string, unknown> = {}) =>
      send({ type: 'interactive', interactive: { type: 'product_list', header: { type: 'text', text: 'Shop' }, body: { text: 'Pick' }, action: { catalog_id: catalog, sections }, ...extra } });
    await expectRefused(product({ catalog_id: catalog, product_retailer_id: 'SKU-OTHER' }), 400, 131009, 'not a product of this business');
    await expectRefused(product({ catalog_id: catalog, product_retailer_id: 'SKU-HIDDEN' }), 400, 131009, 'hidden');
    await expectRefused(product({ catalog_id: theirCatalog, product_retailer_id: 'SKU-OTHER' }), 400, 131009, 'not the catalog of this business');
    await expectRefused(product({ catalog_id: '123456789012345', product_retailer_id: 'SKU-1' }), 400, 131009, 'catalog');
    await expectRefused(product({ catalog_id: catalog, product_retailer_id: 'SKU-1' }, { header: { type: 'text', text: 'No' } }), 400, 131009, 'no header');
    await expectRefused(product({ catalog_id: catalog }), 400, 131008);
    await expectRefused(send({ type: 'interactive', interactive: { type: 'product_list', body: { text: 'Pick' }, action: { catalog_id: catalog, sections: [{ title: 'A', product_items: [{ product_retailer_id: 'SKU-1' }] }] } } }), 400, 131008, 'header');
    await expectRefused(productList([{ title: 'A', product_items: [{ product_retailer_id: 'SKU-1' }] }], { body: undefined }), 400, 131008, 'body');
    await expectRefused(productList([{ title: 'A', product_items: Array.from({ length: 31 }, () => ({ product_retailer_id: 'SKU-1' })) }]), 400, 131009, '30');
    await expectRefused(productList(Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, product_items: [{ product_retailer_id: 'SKU-1' }] }))), 400, 131009, '10 sections');
    await expectRefused(productList([{ title: 'A', product_items: [{ product_retailer_id: 'SKU-OTHER' }] }]), 400, 131009);
    await expectRefused(productList([{ title: 'A', product_items: [{ product_retailer_id: 'SKU-1' }] }], { header: { type: 'image', image: { id: imageId } } }), 400, 131009);

    // Kinds: not offered by Parley → 131051; not a Cloud API kind → 131009.
    await expectRefused(send({ type: 'interactive', interactive: { type: 'flow', body: { text: 'x' }, action: { name: 'flow', parameters: {} } } }), 400, 131051, 'flow');
    await expectRefused(send({ type: 'interactive', interactive: { type: 'location_request_message', body: { text: 'x' }, action: { name: 'send_location' } } }), 400, 131051);
    await expectRefused(send({ type: 'interactive', interactive: { type: 'carousel', body: { text: 'x' }, action: {} } }), 400, 131009);
    await expectRefused(send({ type: 'interactive', interactive: { body: { text: 'x' } } }), 400, 131008);

    await nothingReceived();
  });
});
