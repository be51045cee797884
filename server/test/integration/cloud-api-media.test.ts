/**
 * Business API media (reference §3.4, §5): upload, retrieve, the signed download URL, delete, and
 * the media message types by id and by link (fetched asynchronously, with its SSRF guard).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { signIn, WsClient, type Person } from '../helpers/clients.js';
import { firstStatus, WebhookReceiver } from '../helpers/webhook-receiver.js';
import { apiBusiness, customerWrites, digits, expectGraphError, graph, type ApiBusiness } from '../helpers/api-business.js';
import { download, makeOggOpus, makePdf, makePng, makeWebp, mediaFiles, sha256 } from '../helpers/media-fixtures.js';
import { ManualClock } from '../../src/platform/clock.js';
import { apiMediaId, fromWamid } from '../../src/domain/api/ids.js';
import { GraphError } from '../../src/domain/api/graph-error.js';
import { resolveMedia } from '../../src/domain/api/message-types/index.js';
import type { BuildContext } from '../../src/domain/api/message-types/index.js';

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]), Buffer.alloc(64, 7), Buffer.from([0xff, 0xd9])]);
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom', 'latin1'), Buffer.from([0, 0, 2, 0]), Buffer.from('isommp41', 'latin1'), Buffer.from([0, 0, 0, 8]), Buffer.from('free', 'latin1')]);
const MP3 = Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([3, 0, 0, 0, 0, 0, 0]), Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(413)]);
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const TEXT = Buffer.from('Order 42: 3 items\n', 'utf8');

type Part = [name: string, value: string | { bytes: Buffer; fileName?: string; type?: string }];

/** POST /{pnid}/media as multipart/form-data, the parts in the given order. */
async function uploadApi(server: TestServer, token: string | null, pnid: string, parts: Part[], query = '') {
  const form = new FormData();
  for (const [name, value] of parts) {
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, new Blob([value.bytes], { type: value.type ?? '' }), value.fileName ?? 'file.bin');
  }
  const res = await fetch(`${server.url}/v23.0/${pnid}/media${query}`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {}, body: form });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> & { id: string }, headers: res.headers };
}

const file = (bytes: Buffer, type?: string, fileName = 'file.bin'): Part => ['file', { bytes, fileName, ...(type !== undefined ? { type } : {}) }];
const product: Part = ['messaging_product', 'whatsapp'];

interface MediaView {
  messaging_product: string;
  url: string;
  mime_type: string;
  sha256: string;
  file_size: number;
  id: string;
}

async function until(pred: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A GET through node:http, so the Host header can be anything. */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: Buffer; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
      })
      .on('error', reject);
  });
}

/** A local file server for `link` sends: path → [status, content-type, bytes]; records the paths asked. */
class FileServer {
  readonly hits: string[] = [];
  readonly files = new Map<string, [number, string, Buffer]>();
  /** path → location: answered 302. */
  readonly redirects = new Map<string, string>();
  /** Milliseconds before any answer. */
  delayMs = 0;
  /** When set, answers wait for it. */
  hold: Promise<void> | null = null;
  url = '';
  private readonly server = http.createServer((req, res) => {
    this.hits.push(req.url ?? '');
    const answer = () => {
      const to = this.redirects.get(req.url ?? '');
      if (to) return res.writeHead(302, { location: to }).end();
      const f = this.files.get(req.url ?? '');
      if (!f) return res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      res.writeHead(f[0], { 'content-type': f[1], 'content-length': String(f[2].length) }).end(f[2]);
    };
    const later = () => (this.delayMs ? setTimeout(answer, this.delayMs) : answer());
    if (this.hold) void this.hold.then(later);
    else later();
  });
  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

describe('Business API media: upload, retrieve, download, delete', () => {
  let server: TestServer;
  let biz: ApiBusiness;
  beforeEach(async () => {
    server = await startServer();
    biz = await apiBusiness(server, null);
  });
  afterEach(async () => {
    await server.close();
  });

  it('uploads each kind, with or without a type part, fields in any order, and retrieves the reference shape', async () => {
    const png = makePng(8, 8, 3);
    const up = await uploadApi(server, biz.apiToken, biz.phoneNumberId, [product, file(png, 'image/png', 'photo.png'), ['type', 'image/png']]);
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(Object.keys(up.body)).toEqual(['id']);
    expect(up.body.id).toMatch(/^[1-9]\d{14,15}$/);

    const got = await graph<MediaView>(server, biz.apiToken, 'GET', `/v23.0/${up.body.id}`);
    expect(got.status).toBe(200);
    expect(Object.keys(got.body)).toEqual(['messaging_product', 'url', 'mime_type', 'sha256', 'file_size', 'id']);
    expect(got.body).toEqual({ messaging_product: 'whatsapp', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/whatsapp_business\/attachments\/\?mid=\d+&ext=\d+&hash=[\w-]{43}$/), mime_type: 'image/png', sha256: sha256(png), file_size: png.length, id: up.body.id });
    // Unversioned, with the phone_number_id filter of the same WABA.
    expect((await graph(server, biz.apiToken, 'GET', `/${up.body.id}?phone_number_id=${biz.phoneNumberId}`)).status).toBe(200);

    // whatsapp-api-js: messaging_product in the query, no type part (the file part's header says it), type after the file.
    const cases: [Part[], string, string][] = [
      [[file(JPEG, 'image/jpeg', 'a.jpg')], '?messaging_product=whatsapp', 'image/jpeg'],
      [[file(makeWebp(), 'image/webp'), product], '', 'image/webp'],
      [[file(makeOggOpus(), 'application/octet-stream'), ['type', 'audio/ogg'], product], '', 'audio/ogg; codecs=opus'],
      [[['type', 'audio/mpeg'], product, file(MP3)], '', 'audio/mpeg'],
      [[product, file(MP4, 'video/mp4')], '', 'video/mp4'],
      [[product, file(makePdf(), 'application/pdf', 'inv-42.pdf')], '', 'application/pdf'],
      [[product, ['type', 'text/plain'], file(TEXT, 'text/plain')], '', 'text/plain'],
      // A generic part type: the bytes decide the kind.
      [[product, file(makePng(4, 4, 9), 'application/octet-stream')], '', 'image/png'],
    ];
    for (const [parts, query, mime] of cases) {
      const res = await uploadApi(server, biz.apiToken, biz.phoneNumberId, parts, query);
      expect(res.status, `${mime}: ${JSON.stringify(res.body)}`).toBe(200);
      const view = await graph<MediaView>(server, biz.apiToken, 'GET', `/${res.body.id}`);
      expect(view.body.mime_type).toBe(mime);
      expect(Number.isInteger(view.body.file_size)).toBe(true);
    }
  });

  it('refuses unsupported and mismatching types, oversized files and missing parts, storing nothing', async () => {
    const before = mediaFiles(server).blobs.length;
    const up = (parts: Part[], query = '') => uploadApi(server, biz.apiToken, biz.phoneNumberId, parts, query);
    const unsupported = expectGraphError(await up([product, file(GIF, 'image/gif')]), 400, 131053, { message: '(#131053) Media upload error' });
    expect((unsupported.error_data as { details: string }).details).toContain('image/jpeg');
    expectGraphError(await up([product, file(Buffer.from('<html></html>'), 'text/html')]), 400, 131053);
    expectGraphError(await up([product, file(GIF, 'application/octet-stream')]), 400, 131053);
    // The declared type and the bytes disagree.
    expectGraphError(await up([product, file(makePng(), 'image/png'), ['type', 'image/jpeg']]), 400, 131053);
    expectGraphError(await up([product, file(makePng(), 'application/pdf')]), 400, 131053);
    expectGraphError(await up([product, ['type', 'audio/ogg'], file(Buffer.from('OggS-not-opus'))]), 400, 131053);
    // Too large: an image over 5 MB (known before the file: refused while streaming) and after it.
    const bigPng = Buffer.concat([makePng(), Buffer.alloc(5 * 1024 * 1024)]);
    expectGraphError(await up([product, ['type', 'image/png'], file(bigPng)]), 400, 131053);
    expectGraphError(await up([product, file(bigPng, 'image/png')]), 400, 131053);
    // A static sticker over 100 KB.
    const bigWebp = Buffer.concat([makeWebp(), Buffer.alloc(101 * 1024)]);
    expectGraphError(await up([product, file(bigWebp, 'image/webp')]), 400, 131053);
    // Missing parts, wrong product, not multipart.
    expectGraphError(await up([file(makePng(), 'image/png')]), 400, 100);
    expectGraphError(await up([['messaging_product', 'sms'], file(makePng(), 'image/png')]), 400, 100);
    expectGraphError(await up([product, ['type', 'image/png']]), 400, 131008);
    expectGraphError(await up([product, ['photo', { bytes: makePng(), type: 'image/png' }]]), 400, 100);
    expectGraphError(await graph(server, biz.apiToken, 'POST', `/v23.0/${biz.phoneNumberId}/media`, { messaging_product: 'whatsapp' }), 400, 100);
    // Auth and reach.
    expectGraphError(await uploadApi(server, null, biz.phoneNumberId, [product, file(makePng(), 'image/png')]), 401, 104);
    const other = await apiBusiness(server, null);
    expectGraphError(await uploadApi(server, other.apiToken, biz.phoneNumberId, [product, file(makePng(), 'image/png')]), 400, 100, { error_subcode: 33 });

    expect(mediaFiles(server).blobs.length).toBe(before);
    expect(mediaFiles(server).temps).toEqual([]);
    const rows = await server.parley.ctx.db.selectFrom('graph_nodes').select('id').where('kind', '=', 'media').execute();
    expect(rows).toHaveLength(0);
  });

  it('serves the download URL with or without the bearer and whatever the Host, with ranges and ETag; refuses a tampered URL', async () => {
    const png = makePng(16, 16, 5);
    const { body } = await uploadApi(server, biz.apiToken, biz.phoneNumberId, [product, file(png, 'image/png')]);
    const { body: view } = await graph<MediaView>(server, biz.apiToken, 'GET', `/v23.0/${body.id}`);

    const withBearer = await fetch(view.url, { headers: { authorization: `Bearer ${biz.apiToken}`, 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1)' } });
    expect(withBearer.status).toBe(200);
    expect(withBearer.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await withBearer.arrayBuffer())).toEqual(png);
    const bare = await fetch(view.url);
    expect(bare.status).toBe(200);
    expect(Buffer.from(await bare.arrayBuffer())).toEqual(png);
    const otherHost = await rawGet(view.url, { host: 'lookaside.fbsbx.com' });
    expect(otherHost.status).toBe(200);
    expect(otherHost.body).toEqual(png);

    const part = await fetch(view.url, { headers: { range: 'bytes=0-7' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-7/${png.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(png.subarray(0, 8));
    const etag = bare.headers.get('etag')!;
    expect((await fetch(view.url, { headers: { 'if-none-match': etag } })).status).toBe(304);

    const u = new URL(view.url);
    const tamper = (key: string, value: string) => {
      const t = new URL(u);
      t.searchParams.set(key, value);
      return t.toString();
    };
    const hash = u.searchParams.get('hash')!;
    for (const bad of [
      tamper('hash', (hash[0] === 'A' ? 'B' : 'A') + hash.slice(1)),
      tamper('ext', String(Number(u.searchParams.get('ext')) + 3600)),
      tamper('mid', '123456789012345'),
      `${u.origin}${u.pathname}?mid=${u.searchParams.get('mid')}`,
    ]) {
      const res = await fetch(bad, { headers: { authorization: `Bearer ${biz.apiToken}` } });
      expect(res.status, bad).toBe(404);
      expect(((await res.json()) as { error: { code: number } }).error.code).toBe(100);
    }
  });

  it('deletes: the id is then unknown and its URLs stop working, but a message sent with it keeps its medium', async () => {
    const customer = await signIn(server);
    await customerWrites(server, customer, biz);
    const png = makePng(8, 8, 11);
    const { body } = await uploadApi(server, biz.apiToken, biz.phoneNumberId, [product, file(png, 'image/png')]);
    const { body: view } = await graph<MediaView>(server, biz.apiToken, 'GET', `/${body.id}`);
    const ws = await WsClient.connect(server, customer.token);
    const sent = await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: digits(customer.phone), type: 'image', image: { id: body.id, caption: 'Before' } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const msg = (await ws.nextUpdate('message.created')).update.message!;
    await ws.close();

    const del = await graph(server, biz.apiToken, 'DELETE', `/v23.0/${body.id}`);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ success: true });
    expectGraphError(await graph(server, biz.apiToken, 'GET', `/v23.0/${body.id}`), 400, 100, { error_subcode: 33 });
    expectGraphError(await graph(server, biz.apiToken, 'DELETE', `/v23.0/${body.id}`), 400, 100, { error_subcode: 33 });
    expect((await fetch(view.url)).status).toBe(404);
    expectGraphError(
      await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: digits(customer.phone), type: 'image', image: { id: body.id } }),
      400,
      131009,
    );
    const kept = await download(server, msg.mediaId as string, { token: customer.token });
    expect(kept.status).toBe(200);
    expect(kept.bytes).toEqual(png);
  });

  it("answers another WABA's media id like a missing one, and the phone_number_id filter of another WABA too", async () => {
    const { body } = await uploadApi(server, biz.apiToken, biz.phoneNumberId, [product, file(makePng(), 'image/png')]);
    const other = await apiBusiness(server, null);
    expectGraphError(await graph(server, other.apiToken, 'GET', `/v23.0/${body.id}`), 400, 100, { error_subcode: 33, type: 'GraphMethodException' });
    expectGraphError(await graph(server, other.apiToken, 'DELETE', `/v23.0/${body.id}`), 400, 100, { error_subcode: 33 });
    expectGraphError(await graph(server, biz.apiToken, 'GET', `/v23.0/${body.id}?phone_number_id=${other.phoneNumberId}`), 400, 100, { error_subcode: 33 });
    const customer = await signIn(server);
    await customerWrites(server, customer, other);
    expectGraphError(
      await graph(server, other.apiToken, 'POST', `/${other.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: digits(customer.phone), type: 'image', image: { id: body.id } }),
      400,
      131009,
    );
    // Still there for its owner.
    expect((await graph(server, biz.apiToken, 'GET', `/v23.0/${body.id}`)).status).toBe(200);
  });

  it('lets a customer medium received by the business be retrieved by its API media id', async () => {
    const customer = await signIn(server);
    const png = makePng(8, 8, 21);
    const res = await fetch(`${server.url}/v1/media?kind=image`, { method: 'POST', headers: { authorization: `Bearer ${customer.token}`, 'content-type': 'image/png' }, body: png });
    expect(res.status).toBe(201);
    const media = (await res.json()) as { id: string };
    const ctx = server.parley.ctx;
    // What the inbound webhook mapping does for a customer's medium.
    const apiId = await ctx.writes.run((tx) => apiMediaId(tx, biz.wabaId, media.id, ctx.clock.now()));
    const view = await graph<MediaView>(server, biz.apiToken, 'GET', `/v23.0/${apiId}`);
    expect(view.body).toMatchObject({ mime_type: 'image/png', sha256: sha256(png), file_size: png.length, id: apiId });
    expect(Buffer.from(await (await fetch(view.body.url)).arrayBuffer())).toEqual(png);
  });
});

describe('Business API media: the URL expires', () => {
  it('answers 404 after PARLEY_MEDIA_URL_TTL_SECONDS; a fresh GET gives a working URL', async () => {
    const clock = new ManualClock(Date.now());
    const server = await startServer({ clock });
    try {
      const biz = await apiBusiness(server, null);
      const png = makePng(8, 8, 2);
      const { body } = await uploadApi(server, biz.apiToken, biz.phoneNumberId, [product, file(png, 'image/png')]);
      const { body: view } = await graph<MediaView>(server, biz.apiToken, 'GET', `/${body.id}`);
      clock.advance(299_000);
      expect((await fetch(view.url)).status).toBe(200);
      clock.advance(2_000);
      const expired = await fetch(view.url, { headers: { authorization: `Bearer ${biz.apiToken}` } });
      expect(expired.status).toBe(404);
      const { body: fresh } = await graph<MediaView>(server, biz.apiToken, 'GET', `/${body.id}`);
      expect(fresh.url).not.toBe(view.url);
      expect(Buffer.from(await (await fetch(fresh.url)).arrayBuffer())).toEqual(png);
    } finally {
      await server.close();
    }
  });
});

describe('Business API media: sending media messages', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let files: FileServer;
  let biz: ApiBusiness;
  let customer: Person;
  let ws: WsClient;
  beforeEach(async () => {
    server = await startServer();
    receiver = await WebhookReceiver.start();
    files = await new FileServer().start();
    biz = await apiBusiness(server, receiver);
    customer = await signIn(server);
    // The customer wrote first: free-form messages are allowed for 24 hours (the messaging policy).
    await customerWrites(server, customer, biz);
    ws = await WsClient.connect(server, customer.token);
  });
  afterEach(async () => {
    await ws.close();
    await server.close();
    await receiver.close();
    await files.close();
  });

  const send = (body: Record<string, unknown>) => graph<{ messages: { id: string }[] }>(server, biz.apiToken, 'POST', `/v23.0/${biz.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: digits(customer.phone), ...body });

  it('sends image, video, document, audio, voice and sticker by id; the customer receives and downloads each medium', async () => {
    const media = {
      image: [makePng(8, 8, 31), 'image/png'],
      video: [MP4, 'video/mp4'],
      document: [makePdf(), 'application/pdf'],
      audio: [MP3, 'audio/mpeg'],
      voice: [makeOggOpus(), 'audio/ogg'],
      sticker: [makeWebp(), 'image/webp'],
    } as const;
    const ids: Record<string, string> = {};
    for (const [k, [bytes, type]] of Object.entries(media)) {
      const res = await uploadApi(server, biz.apiToken, biz.phoneNumberId, [product, file(bytes, type, k === 'document' ? 'upload-name.pdf' : 'x')]);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      ids[k] = res.body.id;
    }
    const requests: [Record<string, unknown>, string, Record<string, unknown>][] = [
      [{ type: 'image', image: { id: ids.image, caption: 'Your order' } }, 'image', { caption: 'Your order' }],
      [{ type: 'video', video: { id: ids.video, caption: null } }, 'video', {}],
      [{ type: 'document', document: { id: ids.document, caption: 'Invoice', filename: 'inv-42.pdf' } }, 'document', { fileName: 'inv-42.pdf', caption: 'Invoice' }],
      [{ type: 'document', document: { id: ids.document } }, 'document', { fileName: 'upload-name.pdf' }],
      [{ type: 'audio', audio: { id: ids.audio } }, 'audio', {}],
      [{ type: 'audio', audio: { id: ids.voice, voice: true } }, 'voice', {}],
      [{ type: 'sticker', sticker: { id: ids.sticker } }, 'sticker', {}],
    ];
    for (const [body, kind, content] of requests) {
      const res = await send(body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const wamid = res.body.messages[0]!.id;
      const msg = (await ws.nextUpdate('message.created')).update.message!;
      expect(msg).toMatchObject({ id: fromWamid(wamid)!.messageId, senderId: biz.accountId, kind });
      expect(msg.content).toEqual(content);
      const mediaKey = kind === 'voice' ? 'voice' : (Object.keys(ids).find((k) => k === kind) ?? kind);
      const got = await download(server, msg.mediaId as string, { token: customer.token });
      expect(got.status).toBe(200);
      expect(got.bytes).toEqual(media[mediaKey as keyof typeof media][0]);
      await receiver.waitFor((j) => firstStatus(j)?.id === wamid && firstStatus(j)?.status === 'sent');
    }
  });

  it('checks media objects the Graph way and sends nothing for a refused one', async () => {
    const { body } = await uploadApi(server, biz.apiToken, biz.phoneNumberId, [product, file(makePdf(), 'application/pdf')]);
    expectGraphError(await send({ type: 'image', image: { id: '123456789012345', link: 'https://example.com/a.png' } }), 400, 100);
    expectGraphError(await send({ type: 'image', image: {} }), 400, 131008);
    expectGraphError(await send({ type: 'image', image: { link: 'ftp://example.com/a.png' } }), 400, 131009);
    expectGraphError(await send({ type: 'image', image: { link: 'not a url' } }), 400, 131009);
    expectGraphError(await send({ type: 'image', image: { id: body.id } }), 400, 131009);
    expectGraphError(await send({ type: 'image', image: { id: '999999999999999' } }), 400, 131009);
    expectGraphError(await send({ type: 'document', document: { id: body.id, caption: 'x'.repeat(1025) } }), 400, 131009);
    expectGraphError(await send({ type: 'audio', audio: { id: body.id, caption: 'no captions on audio' } }), 400, 100);
    expectGraphError(await send({ type: 'audio', audio: { id: body.id, voice: 'yes' } }), 400, 131009);
    expectGraphError(await send({ type: 'sticker', sticker: { id: body.id, filename: 'a.webp' } }), 400, 100);
    expect(await ws.silentFor(200, (f) => f.type === 'update')).toBe(true);
    expect(files.hits).toEqual([]);
  });

  it('sends by link: answers at once with the wamid of the message then stored, which the customer receives and downloads', async () => {
    const png = makePng(12, 12, 41);
    const pdf = makePdf();
    files.files.set('/img/photo.png', [200, 'image/png', png]);
    files.files.set('/docs/inv-42.pdf', [200, 'application/pdf', pdf]);
    const res = await send({ type: 'image', image: { link: `${files.url}/img/photo.png`, caption: 'From a link' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const wamid = res.body.messages[0]!.id;
    const msg = (await ws.nextUpdate('message.created')).update.message!;
    expect(msg).toMatchObject({ id: fromWamid(wamid)!.messageId, kind: 'image', content: { caption: 'From a link' } });
    expect((await download(server, msg.mediaId as string, { token: customer.token })).bytes).toEqual(png);
    const status = firstStatus((await receiver.waitFor((j) => firstStatus(j)?.id === wamid)).json)!;
    expect(status.status).toBe('sent');

    // The same link again within 10 minutes: the medium is not fetched again.
    const again = await send({ type: 'image', image: { link: `${files.url}/img/photo.png` } });
    const msg2 = (await ws.nextUpdate('message.created')).update.message!;
    expect(msg2).toMatchObject({ id: fromWamid(again.body.messages[0]!.id)!.messageId, mediaId: msg.mediaId });
    expect(files.hits.filter((h) => h === '/img/photo.png')).toHaveLength(1);

    // A document keeps the link's file name unless one is given; redirects are followed.
    files.redirects.set('/latest-invoice', '/docs/inv-42.pdf');
    await send({ type: 'document', document: { link: `${files.url}/latest-invoice` } });
    const doc = (await ws.nextUpdate('message.created')).update.message!;
    expect(doc).toMatchObject({ kind: 'document', content: { fileName: 'inv-42.pdf' } });
    expect((await download(server, doc.mediaId as string, { token: customer.token })).bytes).toEqual(pdf);
  });

  it('a link that cannot be used gives a failed status with 131053 for the announced wamid, and nothing in the chat', async () => {
    files.files.set('/page.png', [200, 'text/html', Buffer.from('<html>not an image</html>')]);
    files.files.set('/huge.png', [200, 'image/png', Buffer.concat([makePng(), Buffer.alloc(5 * 1024 * 1024)])]);
    const blobsBefore = mediaFiles(server).blobs.length;
    for (const path of ['/missing.png', '/page.png', '/huge.png']) {
      const res = await send({ type: 'image', image: { link: `${files.url}${path}` }, biz_opaque_callback_data: `cb${path}` });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const wamid = res.body.messages[0]!.id;
      const { json } = await receiver.waitFor((j) => firstStatus(j)?.id === wamid);
      const status = firstStatus(json)!;
      expect(status).toMatchObject({ status: 'failed', recipient_id: digits(customer.phone), biz_opaque_callback_data: `cb${path}`, errors: [{ code: 131053, title: 'Media upload error' }] });
      const stored = await server.parley.ctx.db.selectFrom('messages').select('id').where('id', '=', fromWamid(wamid)!.messageId).execute();
      expect(stored).toEqual([]);
    }
    const unreachable = await send({ type: 'image', image: { link: 'http://127.0.0.1:1/nothing.png' } });
    const failed = firstStatus((await receiver.waitFor((j) => firstStatus(j)?.id === unreachable.body.messages[0]!.id)).json)!;
    expect(failed.errors?.[0]?.code).toBe(131053);
    expect(await ws.silentFor(100, (f) => f.type === 'update' && (f.update as { type: string }).type === 'message.created')).toBe(true);
    expect(mediaFiles(server).blobs.length).toBe(blobsBefore);
    expect(mediaFiles(server).temps).toEqual([]);
  });

  it('resolves a header medium by link synchronously (for interactive and template headers), 131053 when unusable', async () => {
    const png = makePng(6, 6, 51);
    files.files.set('/header.png', [200, 'image/png', png]);
    const ctx = server.parley.ctx;
    const row = await ctx.db.selectFrom('api_numbers').selectAll().where('id', '=', biz.phoneNumberId).executeTakeFirstOrThrow();
    const b: BuildContext = {
      ctx,
      num: { wabaId: row.waba_id, phoneNumberId: row.id, displayPhoneNumber: row.display_phone_number, accountId: row.account_id },
      waId: digits(customer.phone),
      customerId: customer.accountId,
      replyTo: undefined,
      bizOpaqueCallbackData: undefined,
    };
    const resolved = await resolveMedia(b, { link: `${files.url}/header.png` }, 'header.image', 'image');
    const media = await ctx.db.selectFrom('media').selectAll().where('id', '=', resolved.mediaId).executeTakeFirstOrThrow();
    expect(media).toMatchObject({ kind: 'image', mime_type: 'image/png', sha256: sha256(png), uploader_id: biz.accountId });
    const err = await resolveMedia(b, { link: `${files.url}/nope.png` }, 'header.image', 'image').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).code).toBe(131053);
    const { body } = await uploadApi(server, biz.apiToken, biz.phoneNumberId, [product, file(png, 'image/png')]);
    expect((await resolveMedia(b, { id: body.id }, 'header.image', 'image')).mediaId).toBeTruthy();
  });
});

describe('Business API media: links to private addresses', () => {
  it('refuses loopback and private links unless PARLEY_API_FETCH_ALLOW_PRIVATE is set', async () => {
    const server = await startServer({ config: { PARLEY_API_FETCH_ALLOW_PRIVATE: false } });
    const receiver = await WebhookReceiver.start();
    const files = await new FileServer().start();
    try {
      files.files.set('/photo.png', [200, 'image/png', makePng()]);
      const biz = await apiBusiness(server, receiver);
      const customer = await signIn(server);
      await customerWrites(server, customer, biz);
      const port = new URL(files.url).port;
      for (const link of [`${files.url}/photo.png`, `http://localhost:${port}/photo.png`, `http://[::1]:${port}/photo.png`, `http://2130706433:${port}/photo.png`, 'http://169.254.169.254/latest/meta-data/']) {
        const res = await graph<{ messages: { id: string }[] }>(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: digits(customer.phone), type: 'image', image: { link } });
        expect(res.status).toBe(200);
        const { json } = await receiver.waitFor((j) => firstStatus(j)?.id === res.body.messages[0]!.id);
        const status = firstStatus(json) as unknown as { status: string; errors: { code: number; error_data: { details: string } }[] };
        expect(status.status, link).toBe('failed');
        expect(status.errors[0]!.code).toBe(131053);
        expect(status.errors[0]!.error_data.details, link).toContain('private');
      }
      expect(files.hits).toEqual([]);
    } finally {
      await server.close();
      await receiver.close();
      await files.close();
    }
  });
});

describe('Business API media: a slow link', () => {
  it('does not hold the request, and fails with 131053 past PARLEY_API_FETCH_TIMEOUT_MS', async () => {
    const server = await startServer({ config: { PARLEY_API_FETCH_TIMEOUT_MS: 400 } });
    const receiver = await WebhookReceiver.start();
    const files = await new FileServer().start();
    try {
      const biz = await apiBusiness(server, receiver);
      const customer = await signIn(server);
      await customerWrites(server, customer, biz);
      const ws = await WsClient.connect(server, customer.token);
      files.files.set('/slow.png', [200, 'image/png', makePng()]);
      files.files.set('/slower.png', [200, 'image/png', makePng(4, 4, 2)]);
      const send = (path: string) =>
        graph<{ messages: { id: string }[] }>(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: digits(customer.phone), type: 'image', image: { link: `${files.url}${path}` } });

      // Answered while the file server still holds its answer to the fetch.
      let release!: () => void;
      files.hold = new Promise((r) => (release = r));
      const quick = await send('/slow.png');
      expect(quick.status).toBe(200);
      await until(() => files.hits.includes('/slow.png'));
      expect(ws.updates('message.created')).toHaveLength(0);
      release();
      files.hold = null;
      const msg = (await ws.nextUpdate('message.created')).update.message!;
      expect(msg.id).toBe(fromWamid(quick.body.messages[0]!.id)!.messageId);

      files.delayMs = 1500;
      const slow = await send('/slower.png');
      const { json } = await receiver.waitFor((j) => firstStatus(j)?.id === slow.body.messages[0]!.id);
      const status = firstStatus(json) as unknown as { status: string; errors: { code: number; error_data: { details: string } }[] };
      expect(status.status).toBe('failed');
      expect(status.errors[0]!.code).toBe(131053);
      expect(status.errors[0]!.error_data.details).toContain('400 ms');
      await ws.close();
    } finally {
      await server.close();
      await receiver.close();
      await files.close();
    }
  });
});
