import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encryptedSize } from '../../../packages/e2e/src/media.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, openChat, signIn, WsClient, type Person } from '../helpers/clients.js';
import { download, makeOggOpus, makePdf, makePng, makeWebp, mediaFiles, sha256, upload } from '../helpers/media-fixtures.js';

type MediaBody = { id: string; kind: string; mimeType: string; size: number; sha256: string; fileName: string | null; createdAt: number };
type ErrorBody = { error: { code: string; message: string } };

describe('media', () => {
  let server: TestServer;
  let alice: Person;
  let bob: Person;
  let carol: Person;
  const sockets: WsClient[] = [];
  const connect = async (p: Person) => {
    const c = await WsClient.connect(server, p.token);
    sockets.push(c);
    return c;
  };
  const mediaRows = async () => server.parley.ctx.db.selectFrom('media').selectAll().execute();

  beforeEach(async () => {
    server = await startServer();
    alice = await signIn(server);
    bob = await signIn(server);
    carol = await signIn(server);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) await s.close();
    await server.close();
  });

  /** Alice uploads a PNG and sends it to Bob as an image message. */
  async function sendPngToBob(png = makePng(16, 16)) {
    const up = await upload<MediaBody>(server, alice.token, png, { kind: 'image', contentType: 'image/png', fileName: 'chat.png' });
    expect(up.status).toBe(201);
    const chatId = await openChat(server, alice, bob);
    const a = await connect(alice);
    const b = await connect(bob);
    const sent = await a.request({ type: 'send', chatId, clientId: 'img-1', kind: 'image', content: { caption: 'Mon chat' }, mediaId: up.body.id });
    expect(sent.type).toBe('reply');
    const got = await b.nextUpdate('message.created');
    expect(got.update.message).toMatchObject({ chatId, kind: 'image', mediaId: up.body.id, content: { caption: 'Mon chat' } });
    return { png, media: up.body, chatId };
  }

  it('uploads a PNG, sends it in a chat, and the recipient downloads it whole and by byte range', async () => {
    const png = makePng(16, 16);
    const { media } = await sendPngToBob(png);
    expect(media).toEqual({
      id: expect.stringMatching(/^med_/),
      kind: 'image',
      mimeType: 'image/png',
      size: png.length,
      sha256: sha256(png),
      fileName: 'chat.png',
      createdAt: expect.any(Number),
    });
    const size = png.length;

    const whole = await download(server, media.id, { token: bob.token });
    expect(whole.status).toBe(200);
    expect(whole.bytes.equals(png)).toBe(true);
    expect(whole.headers.get('content-type')).toBe('image/png');
    expect(whole.headers.get('content-length')).toBe(String(size));
    expect(whole.headers.get('etag')).toBe(`"${sha256(png)}"`);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('cache-control')).toMatch(/^private\b/);
    expect(whole.headers.get('x-content-type-options')).toBe('nosniff');

    // bytes=a-b
    const mid = await download(server, media.id, { token: bob.token, headers: { range: 'bytes=8-23' } });
    expect(mid.status).toBe(206);
    expect(mid.bytes.equals(png.subarray(8, 24))).toBe(true);
    expect(mid.headers.get('content-range')).toBe(`bytes 8-23/${size}`);
    expect(mid.headers.get('content-length')).toBe('16');
    expect(mid.headers.get('content-type')).toBe('image/png');
    expect(mid.headers.get('etag')).toBe(`"${sha256(png)}"`);

    // bytes=a-
    const tail = await download(server, media.id, { token: bob.token, headers: { range: 'bytes=100-' } });
    expect(tail.status).toBe(206);
    expect(tail.bytes.equals(png.subarray(100))).toBe(true);
    expect(tail.headers.get('content-range')).toBe(`bytes 100-${size - 1}/${size}`);
    expect(tail.headers.get('content-length')).toBe(String(size - 100));

    // bytes=-n
    const suffix = await download(server, media.id, { token: bob.token, headers: { range: 'bytes=-12' } });
    expect(suffix.status).toBe(206);
    expect(suffix.bytes.equals(png.subarray(size - 12))).toBe(true);
    expect(suffix.headers.get('content-range')).toBe(`bytes ${size - 12}-${size - 1}/${size}`);

    // An end past the file is clamped; a suffix longer than the file is the whole file.
    const clamped = await download(server, media.id, { token: bob.token, headers: { range: `bytes=${size - 4}-${size + 1000}` } });
    expect(clamped.status).toBe(206);
    expect(clamped.headers.get('content-range')).toBe(`bytes ${size - 4}-${size - 1}/${size}`);
    expect(clamped.bytes.equals(png.subarray(size - 4))).toBe(true);
    const longSuffix = await download(server, media.id, { token: bob.token, headers: { range: `bytes=-${size * 2}` } });
    expect(longSuffix.status).toBe(206);
    expect(longSuffix.bytes.equals(png)).toBe(true);

    // Unsatisfiable: starts at or past the end, or an empty suffix.
    for (const range of [`bytes=${size}-`, `bytes=${size + 10}-${size + 20}`, 'bytes=-0']) {
      const bad = await download(server, media.id, { token: bob.token, headers: { range } });
      expect(bad.status, range).toBe(416);
      expect(bad.json().error.code).toBe('RANGE_NOT_SATISFIABLE');
      expect(bad.headers.get('content-range')).toBe(`bytes */${size}`);
    }

    // Ignored (whole file): invalid syntax, reversed bounds, another unit, several ranges, a stale If-Range.
    const ignored: Record<string, string>[] = [{ range: 'bytes=abc' }, { range: 'bytes=9-3' }, { range: 'items=0-1' }, { range: 'bytes=0-1,5-6' }, { range: 'bytes=0-1', 'if-range': '"stale"' }];
    for (const headers of ignored) {
      const full = await download(server, media.id, { token: bob.token, headers });
      expect(full.status, JSON.stringify(headers)).toBe(200);
      expect(full.bytes.equals(png)).toBe(true);
    }
    const ifRange = await download(server, media.id, { token: bob.token, headers: { range: 'bytes=0-3', 'if-range': `"${sha256(png)}"` } });
    expect(ifRange.status).toBe(206);
    expect(ifRange.bytes.equals(png.subarray(0, 4))).toBe(true);

    // HEAD: the headers, no body.
    const head = await download(server, media.id, { token: bob.token, method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(size));
    expect(head.headers.get('content-type')).toBe('image/png');
    expect(head.bytes.length).toBe(0);

    // A cached copy is still good.
    const notModified = await download(server, media.id, { token: bob.token, headers: { 'if-none-match': `"${sha256(png)}"` } });
    expect(notModified.status).toBe(304);
    expect(notModified.bytes.length).toBe(0);

    const info = await api<MediaBody>(server, 'GET', `/v1/media/${media.id}/info`, { token: bob.token });
    expect(info.status).toBe(200);
    expect(info.body).toEqual(media);
  });

  it('hides media from anyone outside the chat, and needs a token (header or ?token=)', async () => {
    const { png, media } = await sendPngToBob();

    const carolGet = await download(server, media.id, { token: carol.token });
    expect(carolGet.status).toBe(404);
    const nothing = await download(server, 'med_doesnotexist', { token: carol.token });
    expect(nothing.status).toBe(404);
    // Same answer whether or not the media exists.
    expect(carolGet.json()).toEqual(nothing.json());
    expect(carolGet.json().error.code).toBe('MEDIA_NOT_FOUND');
    const carolInfo = await api<ErrorBody>(server, 'GET', `/v1/media/${media.id}/info`, { token: carol.token });
    expect(carolInfo.status).toBe(404);
    expect(carolInfo.body.error.code).toBe('MEDIA_NOT_FOUND');

    const anonymous = await download(server, media.id);
    expect(anonymous.status).toBe(401);
    expect(anonymous.json().error.code).toBe('UNAUTHENTICATED');
    expect((await download(server, media.id, { queryToken: 'dev_not-a-token' })).status).toBe(401);

    const viaQuery = await download(server, media.id, { queryToken: bob.token });
    expect(viaQuery.status).toBe(200);
    expect(viaQuery.bytes.equals(png)).toBe(true);
    const rangeViaQuery = await download(server, media.id, { queryToken: bob.token, headers: { range: 'bytes=0-7' } });
    expect(rangeViaQuery.status).toBe(206);
    expect(rangeViaQuery.bytes.equals(png.subarray(0, 8))).toBe(true);
    expect((await download(server, media.id, { queryToken: carol.token })).status).toBe(404);

    // ?token= is for the bytes only (what <img src> needs), not for the JSON info.
    const infoViaQuery = await fetch(`${server.url}/v1/media/${media.id}/info?token=${encodeURIComponent(bob.token)}`);
    expect(infoViaQuery.status).toBe(401);
  });

  it('hides media of a message withheld from the recipient (the recipient blocked the sender)', async () => {
    const up = await upload<MediaBody>(server, alice.token, makePng(4, 4, 9), { kind: 'image', contentType: 'image/png' });
    const chatId = await openChat(server, alice, bob);
    await server.parley.ctx.db.insertInto('blocks').values({ blocker_id: bob.accountId, blocked_id: alice.accountId, created_at: Date.now() }).execute();
    const a = await connect(alice);
    const sent = await a.request({ type: 'send', chatId, clientId: 'w-1', kind: 'image', content: {}, mediaId: up.body.id });
    expect(sent.type).toBe('reply');
    expect((await download(server, up.body.id, { token: bob.token })).status).toBe(404);
    expect((await download(server, up.body.id, { token: alice.token })).status).toBe(200);
  });

  it('shows a profile photo to whoever may see that photo', async () => {
    const png = makePng(6, 6, 3);
    const up = await upload<MediaBody>(server, alice.token, png, { kind: 'image', contentType: 'image/png' });
    const db = server.parley.ctx.db;
    await db.updateTable('accounts').set({ photo_media_id: up.body.id }).where('id', '=', alice.accountId).execute();
    const seen = await download(server, up.body.id, { token: carol.token });
    expect(seen.status).toBe(200);
    expect(seen.bytes.equals(png)).toBe(true);

    await db.updateTable('accounts').set({ privacy_photo: 'nobody' }).where('id', '=', alice.accountId).execute();
    expect((await download(server, up.body.id, { token: carol.token })).status).toBe(404);
    expect((await download(server, up.body.id, { token: alice.token })).status).toBe(200);
  });

  it('accepts each kind in its own formats', async () => {
    const sticker = await upload<MediaBody>(server, alice.token, makeWebp(), { kind: 'sticker', contentType: 'image/webp' });
    expect(sticker.status).toBe(201);
    expect(sticker.body).toMatchObject({ kind: 'sticker', mimeType: 'image/webp' });

    const voice = await upload<MediaBody>(server, alice.token, makeOggOpus(), { kind: 'audio', contentType: 'audio/ogg' });
    expect(voice.status).toBe(201);
    expect(voice.body).toMatchObject({ kind: 'audio', mimeType: 'audio/ogg; codecs=opus' });

    const pdf = await upload<MediaBody>(server, alice.token, makePdf(), { kind: 'document', contentType: 'application/pdf', fileName: 'Facture n°42.pdf' });
    expect(pdf.status).toBe(201);
    expect(pdf.body).toMatchObject({ kind: 'document', mimeType: 'application/pdf', fileName: 'Facture n°42.pdf' });
    const pdfGet = await download(server, pdf.body.id, { token: alice.token });
    expect(pdfGet.headers.get('content-type')).toBe('application/pdf');
    expect(pdfGet.headers.get('content-disposition')).toBe(`attachment; filename="Facture n_42.pdf"; filename*=UTF-8''${encodeURIComponent('Facture n°42.pdf')}`);

    // Plain text is not recognisable by its bytes: the declared type stands for documents.
    const text = await upload<MediaBody>(server, alice.token, Buffer.from('Liste de courses\n- pain\n'), { kind: 'document', contentType: 'text/plain; charset=UTF-8', fileName: 'notes.txt' });
    expect(text.status).toBe(201);
    expect(text.body).toMatchObject({ mimeType: 'text/plain; charset=utf-8', fileName: 'notes.txt' });

    // A generic declared type: the content decides.
    const octets = await upload<MediaBody>(server, alice.token, makePng(2, 2, 5), { kind: 'image', contentType: 'application/octet-stream' });
    expect(octets.status).toBe(201);
    expect(octets.body.mimeType).toBe('image/png');

    // A path in the file name is dropped.
    const named = await upload<MediaBody>(server, alice.token, makePdf(), { kind: 'document', contentType: 'application/pdf', fileName: '../../etc/passwd' });
    expect(named.body.fileName).toBe('passwd');
    expect(mediaFiles(server).temps).toEqual([]);
  });

  describe('refuses bad uploads and leaves nothing behind', () => {
    const expectNothingLeft = async () => {
      expect(await mediaRows()).toEqual([]);
      expect(mediaFiles(server)).toEqual({ blobs: [], temps: [] });
    };

    it('a sticker over 500 KB, announced by Content-Length or streamed', async () => {
      const big = Buffer.concat([makeWebp(), Buffer.alloc(600 * 1024, 7)]);
      const announced = await upload<ErrorBody>(server, alice.token, big, { kind: 'sticker', contentType: 'image/webp' });
      expect(announced.status).toBe(413);
      expect(announced.body.error.code).toBe('MEDIA_TOO_LARGE');

      const streamed = await upload<ErrorBody>(server, alice.token, big, { kind: 'sticker', contentType: 'image/webp', chunked: true });
      expect(streamed.status).toBe(413);
      expect(streamed.body.error.code).toBe('MEDIA_TOO_LARGE');
      await expectNothingLeft();

      // Exactly at the limit is fine; one byte more is not.
      const limit = 500 * 1024;
      const atLimit = Buffer.concat([makeWebp(), Buffer.alloc(limit - makeWebp().length, 1)]);
      expect((await upload(server, alice.token, atLimit, { kind: 'sticker', contentType: 'image/webp', chunked: true })).status).toBe(201);
      const overByOne = Buffer.concat([atLimit, Buffer.from([1])]);
      expect((await upload(server, alice.token, overByOne, { kind: 'sticker', contentType: 'image/webp', chunked: true })).status).toBe(413);
      expect(mediaFiles(server).temps).toEqual([]);
      expect(await mediaRows()).toHaveLength(1);

      // The server still answers normally afterwards.
      expect((await api(server, 'GET', '/healthz')).status).toBe(200);
    });

    it('an encrypted medium over its kind’s limit plus the encryption’s tags (16 bytes a MiB)', async () => {
      const limit = encryptedSize(500 * 1024);
      expect(limit).toBe(500 * 1024 + 16);
      const atLimit = Buffer.alloc(limit, 3);
      for (const chunked of [false, true]) {
        const over = await upload<ErrorBody>(server, alice.token, Buffer.concat([atLimit, Buffer.from([chunked ? 1 : 2])]), { kind: 'sticker', contentType: 'application/octet-stream', encrypted: true, chunked });
        expect(over.status).toBe(413);
        expect(over.body.error.code).toBe('MEDIA_TOO_LARGE');
      }
      await expectNothingLeft();
      // An encrypted medium is declared as bytes, never as what it hides.
      const asAudio = await upload<ErrorBody>(server, alice.token, atLimit, { kind: 'audio', contentType: 'audio/ogg', encrypted: true });
      expect(asAudio.status).toBe(415);
      await expectNothingLeft();
      for (const kind of ['sticker', 'audio', 'video', 'document']) {
        const up = await upload<MediaBody>(server, alice.token, Buffer.concat([atLimit, Buffer.from(kind)]).subarray(0, limit), { kind, contentType: 'application/octet-stream', encrypted: true, chunked: kind === 'sticker' });
        expect(up.status).toBe(201);
        expect(up.body).toMatchObject({ kind, mimeType: 'application/octet-stream', size: limit });
      }
    });

    it('content that contradicts its declared type, or a type the kind does not take', async () => {
      const pngAsJpeg = await upload<ErrorBody>(server, alice.token, makePng(), { kind: 'image', contentType: 'image/jpeg' });
      expect(pngAsJpeg.status).toBe(415);
      expect(pngAsJpeg.body.error.code).toBe('MEDIA_TYPE_MISMATCH');

      const pdfAsImage = await upload<ErrorBody>(server, alice.token, makePdf(), { kind: 'image', contentType: 'application/pdf' });
      expect(pdfAsImage.status).toBe(415);
      expect(pdfAsImage.body.error.code).toBe('MEDIA_TYPE_UNSUPPORTED');

      const pdfUndeclared = await upload<ErrorBody>(server, alice.token, makePdf(), { kind: 'image', contentType: 'application/octet-stream' });
      expect(pdfUndeclared.status).toBe(415);
      expect(pdfUndeclared.body.error.code).toBe('MEDIA_TYPE_UNSUPPORTED');

      const pngSticker = await upload<ErrorBody>(server, alice.token, makePng(), { kind: 'sticker', contentType: 'image/webp' });
      expect(pngSticker.status).toBe(415);
      expect(pngSticker.body.error.code).toBe('MEDIA_TYPE_MISMATCH');

      const textAsPdf = await upload<ErrorBody>(server, alice.token, Buffer.from('not a pdf at all'), { kind: 'document', contentType: 'application/pdf' });
      expect(textAsPdf.status).toBe(415);
      expect(textAsPdf.body.error.code).toBe('MEDIA_TYPE_MISMATCH');
      await expectNothingLeft();
    });

    it('an unknown kind, an empty file, no token', async () => {
      const badKind = await upload<ErrorBody>(server, alice.token, makePng(), { kind: 'gif', contentType: 'image/png' });
      expect(badKind.status).toBe(400);
      expect(badKind.body.error.code).toBe('VALIDATION_FAILED');

      const empty = await upload<ErrorBody>(server, alice.token, Buffer.alloc(0), { kind: 'document', contentType: 'text/plain' });
      expect(empty.status).toBe(400);
      expect(empty.body.error.code).toBe('VALIDATION_FAILED');

      const anonymous = await upload<ErrorBody>(server, null, makePng(), { kind: 'image', contentType: 'image/png' });
      expect(anonymous.status).toBe(401);
      await expectNothingLeft();
    });

    it('an upload the client abandons half-way', async () => {
      // node:http rather than fetch: one socket, destroyed by us, with no pooled spare left open.
      const url = new URL('/v1/media?kind=document', server.url);
      const req = http.request(url, { method: 'POST', agent: false, headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/octet-stream' } });
      req.on('error', () => undefined);
      for (let i = 0; i < 4; i++) {
        req.write(Buffer.alloc(64 * 1024, i));
        await new Promise((r) => setTimeout(r, 20));
      }
      await vi.waitFor(() => expect(mediaFiles(server).temps).toHaveLength(1), { timeout: 3000 });
      req.destroy();
      await vi.waitFor(() => expect(mediaFiles(server).temps).toEqual([]), { timeout: 3000 });
      await expectNothingLeft();
    });
  });

  it('refuses an image message whose media is an audio upload', async () => {
    const voice = await upload<MediaBody>(server, alice.token, makeOggOpus(), { kind: 'audio', contentType: 'audio/ogg; codecs=opus' });
    expect(voice.status).toBe(201);
    const chatId = await openChat(server, alice, bob);
    const a = await connect(alice);
    const sent = await a.request({ type: 'send', chatId, clientId: 'mix-1', kind: 'image', content: { caption: 'oops' }, mediaId: voice.body.id });
    expect(sent).toMatchObject({ type: 'error', code: 'MEDIA_KIND_MISMATCH' });
    const asVoice = await a.request({ type: 'send', chatId, clientId: 'mix-2', kind: 'voice', content: {}, mediaId: voice.body.id });
    expect(asVoice.type).toBe('reply');
  });

  it('stores the same bytes once on disk, as two media', async () => {
    const png = makePng(10, 10, 4);
    const first = await upload<MediaBody>(server, alice.token, png, { kind: 'image', contentType: 'image/png' });
    const second = await upload<MediaBody>(server, bob.token, png, { kind: 'image', contentType: 'image/png' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.body.sha256).toBe(first.body.sha256);
    expect(await mediaRows()).toHaveLength(2);
    const sha = sha256(png);
    expect(mediaFiles(server)).toEqual({ blobs: [`${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}`], temps: [] });
    // Each is still only its uploader's.
    expect((await download(server, first.body.id, { token: bob.token })).status).toBe(404);
    expect((await download(server, second.body.id, { token: bob.token })).bytes.equals(png)).toBe(true);
  });

  it('keeps media across a restart', async () => {
    const { png, media } = await sendPngToBob();
    for (const s of sockets.splice(0)) await s.close();
    await server.restart();
    // Let fetch's pool see that the old server closed its keep-alive connections.
    await new Promise((r) => setTimeout(r, 20));
    const got = await download(server, media.id, { token: bob.token, headers: { range: 'bytes=-20' } });
    expect(got.status).toBe(206);
    expect(got.bytes.equals(png.subarray(png.length - 20))).toBe(true);
    const whole = await download(server, media.id, { queryToken: bob.token });
    expect(whole.bytes.equals(png)).toBe(true);
  });

  it('leaves the JSON routes and their 1 MB limit alone', async () => {
    const tooBig = await api<ErrorBody>(server, 'POST', '/v1/chats', { token: alice.token, body: { peer: 'x'.repeat(1.5 * 1024 * 1024) } });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe('BODY_TOO_LARGE');
    const notJson = await api<ErrorBody>(server, 'POST', '/v1/chats', { token: alice.token, body: 'peer', headers: { 'content-type': 'image/png' } });
    expect(notJson.status).toBe(415);
  });
});
