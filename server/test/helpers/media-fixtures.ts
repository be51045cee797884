/**
 * Test helper: small but real media files built in memory (PNG, WebP, Ogg Opus, PDF), an upload
 * client that sends raw bytes, and a look at what the media folder holds.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { TestServer } from './server.js';

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A valid RGB PNG of width×height pixels; `seed` varies the pixels (and so the hash). */
export function makePng(width = 8, height = 8, seed = 1): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3); // filter byte 0, then RGB
    for (let x = 0; x < width; x++) {
      row[1 + x * 3] = (x * 31 + seed * 7) & 0xff;
      row[2 + x * 3] = (y * 17 + seed * 13) & 0xff;
      row[3 + x * 3] = (x * y + seed) & 0xff;
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A 1×1 lossless WebP (the smallest valid sticker image). */
export function makeWebp(): Buffer {
  return Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64');
}

/** Ogg's CRC-32: polynomial 0x04c11db7, not reflected, initial value 0. */
function oggCrc(data: Buffer): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte << 24;
    for (let i = 0; i < 8; i++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
  }
  return crc >>> 0;
}

function oggPage(packet: Buffer, seq: number, headerType: number): Buffer {
  const header = Buffer.alloc(27);
  header.write('OggS', 0, 'latin1');
  header[5] = headerType;
  header.writeUInt32LE(0x5041524c, 14); // stream serial number
  header.writeUInt32LE(seq, 18);
  header[26] = 1; // one segment
  const page = Buffer.concat([header, Buffer.from([packet.length]), packet]);
  page.writeUInt32LE(oggCrc(page), 22);
  return page;
}

/** The two header pages of an Ogg Opus stream (OpusHead, OpusTags), as a voice note starts. */
export function makeOggOpus(): Buffer {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'latin1');
  head[8] = 1; // version
  head[9] = 1; // channels
  head.writeUInt16LE(312, 10); // pre-skip
  head.writeUInt32LE(48000, 12); // input sample rate
  const vendor = Buffer.from('parley-test', 'latin1');
  const tags = Buffer.alloc(8 + 4 + vendor.length + 4);
  tags.write('OpusTags', 0, 'latin1');
  tags.writeUInt32LE(vendor.length, 8);
  vendor.copy(tags, 12);
  return Buffer.concat([oggPage(head, 0, 0x02), oggPage(tags, 1, 0x00)]);
}

/** A one-page PDF. */
export function makePdf(): Buffer {
  return Buffer.from(
    '%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n' +
      '3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 72 72]>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n',
    'latin1',
  );
}

export interface UploadOptions {
  kind: string;
  contentType?: string;
  fileName?: string;
  /** Send the body as a stream: chunked, no Content-Length. */
  chunked?: boolean;
  signal?: AbortSignal;
  /** Upload as a medium encrypted on the device (`?encrypted=true`). */
  encrypted?: boolean;
}

/** POST /v1/media with raw bytes. */
export async function upload<T = Record<string, unknown>>(server: TestServer, token: string | null, bytes: Buffer, opts: UploadOptions): Promise<{ status: number; body: T; headers: Headers }> {
  const q = new URLSearchParams({ kind: opts.kind });
  if (opts.fileName !== undefined) q.set('fileName', opts.fileName);
  if (opts.encrypted) q.set('encrypted', 'true');
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.contentType !== undefined) headers['content-type'] = opts.contentType;
  const body = opts.chunked
    ? new ReadableStream<Uint8Array>({
        start(c) {
          for (let o = 0; o < bytes.length; o += 16 * 1024) c.enqueue(bytes.subarray(o, o + 16 * 1024));
          c.close();
        },
      })
    : bytes;
  const res = await fetch(`${server.url}/v1/media?${q}`, { method: 'POST', headers, body, duplex: 'half', signal: opts.signal } as RequestInit);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
}

/** GET (or HEAD) a media's bytes. */
export async function download(server: TestServer, mediaId: string, opts: { token?: string; queryToken?: string; headers?: Record<string, string>; method?: string } = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const q = opts.queryToken !== undefined ? `?token=${encodeURIComponent(opts.queryToken)}` : '';
  const res = await fetch(`${server.url}/v1/media/${mediaId}${q}`, { method: opts.method ?? 'GET', headers });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes, json: () => JSON.parse(bytes.toString('utf8')) as { error: { code: string } } };
}

/** Files in the media folder: blobs (by relative path) and leftovers in tmp/. */
export function mediaFiles(server: TestServer): { blobs: string[]; temps: string[] } {
  const root = server.parley.ctx.mediaDir;
  const blobs: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (p !== path.join(root, 'tmp')) walk(p);
      } else blobs.push(path.relative(root, p));
    }
  };
  walk(root);
  const tmp = path.join(root, 'tmp');
  return { blobs, temps: fs.existsSync(tmp) ? fs.readdirSync(tmp) : [] };
}
