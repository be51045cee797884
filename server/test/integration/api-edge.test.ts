/**
 * The Business API listener (PARLEY_API_PORT): a thread of its own owns the port. Sends go to the
 * main thread without the HTTP framework; everything else runs through the same routes as on PORT.
 * Every request here is also made on PORT, and both answers must be the same.
 */
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { signIn, WsClient, type Person } from '../helpers/clients.js';
import { firstStatus, WebhookReceiver } from '../helpers/webhook-receiver.js';
import { apiBusiness, customerWrites, digits, expectGraphError, type ApiBusiness } from '../helpers/api-business.js';
import { makePng } from '../helpers/media-fixtures.js';
import { Text } from 'whatsapp-api-js/messages';
import { kapso, whatsappApiJs } from '../conformance/setup.js';

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
  text: string;
}

async function call(base: string, method: string, path: string, opts: { token?: string; body?: string | Uint8Array | FormData; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(base + path, { method, headers, body: opts.body });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // not JSON
  }
  return { status: res.status, body, headers: res.headers, text };
}

const json = (value: unknown) => ({ body: typeof value === 'string' ? value : JSON.stringify(value), headers: { 'content-type': 'application/json' } });

/** The Graph error body without its random trace id. */
function untraced(body: Record<string, unknown>): unknown {
  const error = body.error as Record<string, unknown> | undefined;
  if (!error) return body;
  const { fbtrace_id: _trace, ...rest } = error;
  return { error: rest };
}

describe('Business API listener on PARLEY_API_PORT', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let biz: ApiBusiness;
  let customer: Person;
  let edge: string;
  const sockets: WsClient[] = [];

  beforeEach(async () => {
    server = await startServer({ config: { PARLEY_API_PORT: 0 } });
    receiver = await WebhookReceiver.start();
    biz = await apiBusiness(server, receiver);
    customer = await signIn(server);
    await customerWrites(server, customer, biz);
    edge = server.parley.apiUrl!;
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) await s.close();
    await server.close();
    await receiver.close();
  });

  it('listens on a port of its own, next to PORT', () => {
    expect(edge).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(edge).not.toBe(server.url);
  });

  it('stores a text send, answers as on PORT and delivers its sent status', async () => {
    const ws = await WsClient.connect(server, customer.token);
    sockets.push(ws);
    const to = digits(customer.phone);
    const res = await call(edge, 'POST', `/v23.0/${biz.phoneNumberId}/messages`, { token: biz.apiToken, ...json({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'Bonjour 👋 from the API port' } }) });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Object.keys(res.body)).toEqual(['messaging_product', 'contacts', 'messages']);
    expect(res.body.contacts).toEqual([{ input: to, wa_id: to }]);
    const wamid = (res.body.messages as { id: string }[])[0]!.id;
    expect(wamid).toMatch(/^wamid\./);

    // The customer gets it like any send, and the app gets its `sent` status.
    const frame = await ws.nextUpdate('message.created');
    expect(frame.update).toMatchObject({ message: { senderId: biz.accountId, content: { text: 'Bonjour 👋 from the API port' } } });
    const hook = await receiver.waitFor((j) => firstStatus(j)?.id === wamid && firstStatus(j)?.status === 'sent');
    expect(firstStatus(hook.json)).toMatchObject({ recipient_id: to });

    // The same request on PORT: the same answer, with another wamid.
    const onPort = await call(server.url, 'POST', `/v23.0/${biz.phoneNumberId}/messages`, { token: biz.apiToken, ...json({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'and from PORT' } }) });
    expect(onPort.status).toBe(200);
    expect({ ...onPort.body, messages: null }).toEqual({ ...res.body, messages: null });
    expect(onPort.headers.get('content-type')).toBe(res.headers.get('content-type'));
  });

  it('answers every refused send exactly as PORT does, and stores nothing', async () => {
    const to = digits(customer.phone);
    const path = `/v23.0/${biz.phoneNumberId}/messages`;
    const cases: { name: string; path?: string; token?: string | null; body: string; type?: string; status: number; code: number }[] = [
      { name: 'no token', token: null, body: JSON.stringify({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'x' } }), status: 401, code: 104 },
      { name: 'a revoked or unknown token', token: 'EAAG-not-a-token', body: JSON.stringify({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'x' } }), status: 401, code: 190 },
      { name: 'a body that is not JSON', body: '{"messaging_product": "whatsapp", ', status: 400, code: 100 },
      { name: 'prototype poisoning', body: '{"messaging_product":"whatsapp","__proto__":{"x":1}}', status: 400, code: 100 },
      { name: 'a JSON null', body: 'null', status: 400, code: 100 },
      { name: 'an unknown phone number id', path: '/v23.0/123456789012/messages', body: JSON.stringify({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'x' } }), status: 400, code: 100 },
      { name: 'a missing recipient', body: JSON.stringify({ messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } }), status: 400, code: 131008 },
      { name: 'a bad parameter', body: JSON.stringify({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'x', preview_url: 'yes' } }), status: 400, code: 131009 },
      { name: 'an unknown key', body: JSON.stringify({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'x' }, surprise: 1 }), status: 400, code: 100 },
      { name: 'a text/plain body', type: 'text/plain', body: JSON.stringify({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'x' } }), status: 400, code: 100 },
      { name: 'a body over 1 MiB', body: JSON.stringify({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'x'.repeat(1024 * 1024) } }), status: 400, code: 100 },
    ];
    for (const c of cases) {
      const opts = { ...(c.token === null ? {} : { token: c.token ?? biz.apiToken }), body: c.body, headers: { 'content-type': c.type ?? 'application/json' } };
      const a = await call(edge, 'POST', c.path ?? path, opts);
      const b = await call(server.url, 'POST', c.path ?? path, opts);
      expect({ name: c.name, status: a.status }).toEqual({ name: c.name, status: b.status });
      expect(untraced(a.body), c.name).toEqual(untraced(b.body));
      expect(a.headers.get('content-type'), c.name).toBe(b.headers.get('content-type'));
      const err = expectGraphError(a, a.status, c.code);
      expect({ name: c.name, status: a.status, code: err.code }).toEqual({ name: c.name, status: c.status, code: c.code });
    }
    // Nothing was sent: once every webhook is out, the receiver holds no status (only the customer's message).
    await server.parley.webhooks.idle();
    expect(receiver.requests.length).toBeGreaterThan(0);
    expect(receiver.requests.filter((r) => r.body.toString('utf8').includes('"statuses"'))).toEqual([]);
  });

  it('takes every form of the send path: unversioned, trailing slash, charset, token in the query, mark as read', async () => {
    const to = digits(customer.phone);
    const body = JSON.stringify({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'forms' } });
    for (const [p, headers, token] of [
      [`/${biz.phoneNumberId}/messages`, { 'content-type': 'application/json' }, biz.apiToken],
      [`/v24.0/${biz.phoneNumberId}/messages/`, { 'content-type': 'application/json; charset=UTF-8' }, biz.apiToken],
      [`/v23.0/${biz.phoneNumberId}/messages?access_token=${encodeURIComponent(biz.apiToken)}`, { 'content-type': 'application/json' }, undefined],
      [`/v23.0/${biz.phoneNumberId}/messages`, { 'content-type': 'application/json', authorization: `OAuth ${biz.apiToken}` }, undefined],
    ] as const) {
      const res = await call(edge, 'POST', p, { ...(token ? { token } : {}), body, headers });
      expect(res.status, `${p}: ${res.text}`).toBe(200);
      expect((res.body.messages as { id: string }[])[0]!.id).toMatch(/^wamid\./);
    }
    const inbound = await receiver.waitFor((j) => Boolean(j.entry[0]?.changes[0]?.value.messages?.[0]));
    const wamid = inbound.json.entry[0]!.changes[0]!.value.messages![0]!.id;
    const read = await call(edge, 'POST', `/v23.0/${biz.phoneNumberId}/messages`, { token: biz.apiToken, ...json({ messaging_product: 'whatsapp', status: 'read', message_id: wamid, typing_indicator: { type: 'text' } }) });
    expect(read.status, read.text).toBe(200);
    expect(read.body).toEqual({ success: true });
  });

  it('serves the other Graph routes unchanged: media upload, retrieval and download, node reads, unknown paths', async () => {
    const png = makePng(4, 4, 9);
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('file', new Blob([png], { type: 'image/png' }), 'photo.png');
    const up = await call(edge, 'POST', `/v23.0/${biz.phoneNumberId}/media`, { token: biz.apiToken, body: form });
    expect(up.status, up.text).toBe(200);
    const mediaId = up.body.id as string;

    const meta = await call(edge, 'GET', `/v23.0/${mediaId}`, { token: biz.apiToken });
    const metaOnPort = await call(server.url, 'GET', `/v23.0/${mediaId}`, { token: biz.apiToken });
    expect(meta.status).toBe(200);
    expect({ ...meta.body, url: null }).toEqual({ ...metaOnPort.body, url: null });
    expect(meta.body).toMatchObject({ mime_type: 'image/png', file_size: png.length, id: mediaId });

    // The signed URL works on the API port with or without the bearer.
    const link = new URL(meta.body.url as string);
    const bytes = await fetch(edge + link.pathname + link.search);
    expect(bytes.status).toBe(200);
    expect(bytes.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await bytes.arrayBuffer()).equals(png)).toBe(true);

    const number = await call(edge, 'GET', `/v23.0/${biz.phoneNumberId}`, { token: biz.apiToken });
    expect(number.status).toBe(200);
    expect(number.body).toEqual((await call(server.url, 'GET', `/v23.0/${biz.phoneNumberId}`, { token: biz.apiToken })).body);

    const unknown = await call(edge, 'GET', '/v23.0/no/such/edge', { token: biz.apiToken });
    expectGraphError(unknown, 400, 2500);
    const openapi = await call(edge, 'GET', '/v1/openapi/cloud-api.json');
    expect(openapi.status).toBe(200);
    expect(openapi.body.openapi).toMatch(/^3\./);

    const del = await call(edge, 'DELETE', `/v23.0/${mediaId}`, { token: biz.apiToken });
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ success: true });
    expect((await call(server.url, 'GET', `/v23.0/${mediaId}`, { token: biz.apiToken })).status).toBe(400);
  });

  it('serves the published client libraries with the API port as their base URL', async () => {
    const atEdge = { ...server, url: edge };
    const wa = whatsappApiJs(atEdge, biz);
    const sent = (await wa.sendMessage(biz.phoneNumberId, customer.phone, new Text('Commande prête ✅'))) as { messages: { id: string }[] };
    expect(sent.messages[0]!.id).toMatch(/^wamid\./);
    const refused = (await wa.sendMessage('999999999999999', customer.phone, new Text('hi'))) as unknown as { error?: { code: number; error_subcode?: number } };
    expect(refused.error).toMatchObject({ code: 100, error_subcode: 33 });

    const client = kapso(atEdge, biz);
    const viaKapso = await client.messages.sendText({ phoneNumberId: biz.phoneNumberId, to: customer.phone, body: 'Votre colis arrive demain 📦' });
    expect(viaKapso.contacts[0]).toMatchObject({ input: customer.phone, waId: digits(customer.phone) });
    await expect(client.messages.sendText({ phoneNumberId: biz.phoneNumberId, to: customer.phone, body: 'x'.repeat(4097) })).rejects.toMatchObject({ httpStatus: 400 });
    for (const id of [sent.messages[0]!.id, viaKapso.messages[0]!.id]) await receiver.waitFor((j) => firstStatus(j)?.id === id && firstStatus(j)?.status === 'sent');
  });

  it('answers many sends at once, each with its own wamid', async () => {
    const to = digits(customer.phone);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => call(edge, 'POST', `/${biz.phoneNumberId}/messages`, { token: biz.apiToken, ...json({ messaging_product: 'whatsapp', to, type: 'text', text: { body: `n°${i}` } }) })),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    const ids = answers.map((a) => (a.body.messages as { id: string }[])[0]!.id);
    expect(new Set(ids).size).toBe(40);
    for (const id of ids) await receiver.waitFor((j) => firstStatus(j)?.id === id);
  });

  it('replaces a listener thread that died, on the same port', async () => {
    const thread = server.parley.apiEdge!.thread!;
    const before = thread.threadId;
    await thread.terminate();
    const deadline = Date.now() + 10_000;
    let res: Answer | null = null;
    while (Date.now() < deadline) {
      try {
        res = await call(edge, 'POST', `/${biz.phoneNumberId}/messages`, { token: biz.apiToken, ...json({ messaging_product: 'whatsapp', to: digits(customer.phone), type: 'text', text: { body: 'after the restart' } }) });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(res?.status).toBe(200);
    expect(server.parley.apiEdge!.thread!.threadId).not.toBe(before);
    expect(server.parley.apiUrl).toBe(edge);
  });

  it('keeps trying to take its port back while something else holds it', async () => {
    const port = Number(new URL(edge).port);
    await server.parley.apiEdge!.thread!.terminate();
    // Something else takes the port before the new thread starts (one second later).
    const squatter = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve, reject) => {
      squatter.once('error', reject);
      squatter.listen(port, '127.0.0.1', resolve);
    });
    // (Had the listener taken it back already, listen would have failed with EADDRINUSE.) Two tries fail.
    await new Promise((r) => setTimeout(r, 2500));
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
    const deadline = Date.now() + 10_000;
    let res: Answer | null = null;
    while (!res && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      res = await call(edge, 'GET', `/v23.0/${biz.phoneNumberId}`, { token: biz.apiToken }).catch(() => null);
    }
    expect(res?.status).toBe(200);
    expect(res?.body.id).toBe(biz.phoneNumberId);
  });

  it('stops listening when the server stops', async () => {
    const port = Number(new URL(edge).port);
    await server.close();
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
    // afterEach closes again: closing twice is harmless.
  });
});

describe('PARLEY_API_PORT taken', () => {
  it('stops the start with an error that names the port', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await expect(startServer({ config: { PARLEY_API_PORT: port } })).rejects.toThrow(`The API listener cannot listen on 127.0.0.1:${port}`);
    } finally {
      blocker.close();
    }
  });
});

describe('PARLEY_API_PORT off (the default)', () => {
  it('starts no listener', async () => {
    const server = await startServer();
    try {
      expect(server.parley.apiUrl).toBeNull();
      expect(server.parley.apiEdge).toBeNull();
    } finally {
      await server.close();
    }
  });
});
