/**
 * @module domain/media/storage
 * The content-addressed blob store on disk: a blob lives at `<mediaDir>/<sha[0..2]>/<sha[2..4]>/<sha256>`
 * and is never changed once written. Uploads stream into `<mediaDir>/tmp` first (hashed and counted
 * on the way) and are linked into place only when accepted. Knows nothing about accounts, rows or
 * permissions; never imports fastify.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { finished, type Readable } from 'node:stream';
import { fileTypeFromFile } from 'file-type';
import { AppError } from '../../errors.js';
import type { ByteRange } from './ranges.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Where the blob with this SHA-256 (lower-case hex) lives. */
export function blobPath(mediaDir: string, sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
  return path.join(mediaDir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

/** The folder uploads are streamed into before they are accepted. */
export function tempDir(mediaDir: string): string {
  return path.join(mediaDir, 'tmp');
}

/** An upload received in full into a temp file. */
export interface TempBlob {
  path: string;
  sha256: string;
  size: number;
}

/**
 * Stream `source` into a new temp file while hashing and counting it. Fails with MEDIA_TOO_LARGE
 * as soon as more than `limit` bytes arrived, and with VALIDATION_FAILED if the source ends early
 * (the client went away). On failure the temp file is gone and `source` is paused and left
 * undestroyed, so the caller can still answer on the same connection (it should then close it,
 * since the rest of the body was not read).
 */
export async function receiveToTemp(mediaDir: string, source: Readable, limit: number): Promise<TempBlob> {
  const dir = tempDir(mediaDir);
  await fsp.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `${randomUUID()}.part`);
  const out = fs.createWriteStream(tmp, { flags: 'wx' });
  const hash = createHash('sha256');
  let size = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (err?: unknown) => {
        if (settled) return;
        settled = true;
        source.removeListener('data', onData);
        stopWatching();
        if (err === undefined) resolve();
        else {
          source.pause();
          reject(err);
        }
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          settle(new AppError('MEDIA_TOO_LARGE', `This kind of media may be at most ${limit} bytes.`, { limit }));
          return;
        }
        hash.update(chunk);
        if (!out.write(chunk)) {
          source.pause();
          out.once('drain', () => {
            if (!settled) source.resume();
          });
        }
      };
      const stopWatching = finished(source, (err) => {
        if (err) {
          settle(new AppError('VALIDATION_FAILED', 'The upload ended before the whole file arrived.'));
          return;
        }
        out.once('close', () => settle());
        out.end();
      });
      out.once('error', settle);
      source.on('data', onData);
    });
  } catch (err) {
    if (!out.closed) {
      out.destroy();
      await new Promise<void>((r) => out.once('close', () => r()));
    }
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  return { path: tmp, sha256: hash.digest('hex'), size };
}

/** The MIME type file-type recognises from the file's first bytes, if any. */
export async function detectType(file: string): Promise<string | undefined> {
  return (await fileTypeFromFile(file))?.mime;
}

/**
 * Move an accepted temp file to its content address. When that blob already exists the temp file
 * is dropped. Resolves with true when this call created the blob.
 */
export async function commitBlob(mediaDir: string, temp: TempBlob): Promise<boolean> {
  const dest = blobPath(mediaDir, temp.sha256);
  await fsp.mkdir(path.dirname(dest), { recursive: true });
  let created: boolean;
  try {
    await fsp.link(temp.path, dest); // atomic "create unless present"
    created = true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') created = false;
    else if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV' || code === 'EMLINK') {
      // A file system without hard links: rename, unless the blob is already there.
      created = !fs.existsSync(dest);
      if (created) await fsp.rename(temp.path, dest);
    } else throw err;
  }
  await fsp.rm(temp.path, { force: true });
  return created;
}

/** Delete a temp file if it is still there. */
export async function discardTemp(temp: TempBlob): Promise<void> {
  await fsp.rm(temp.path, { force: true });
}

/** Delete a blob; the caller makes sure no media row names it any more. */
export async function removeBlob(mediaDir: string, sha256: string): Promise<void> {
  await fsp.rm(blobPath(mediaDir, sha256), { force: true });
}

/** True when the blob is on disk. */
export function blobExists(mediaDir: string, sha256: string): boolean {
  return fs.existsSync(blobPath(mediaDir, sha256));
}

/**
 * A stream of the inclusive byte range of a blob (pass `{ start: 0, end: size - 1 }` for all of it).
 * The file is opened before this resolves, so a missing blob fails here rather than half-way
 * through a response; the stream stops at `end` exactly, never sending more than was announced.
 */
export async function openBlob(mediaDir: string, sha256: string, range: ByteRange): Promise<Readable> {
  const handle = await fsp.open(blobPath(mediaDir, sha256), 'r');
  return handle.createReadStream({ start: range.start, end: range.end });
}
