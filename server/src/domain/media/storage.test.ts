import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blobPath, commitBlob, openBlob, receiveToTemp, tempDir } from './storage.js';

describe('blob storage', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-media-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const feed = (chunks: Buffer[], end = true) => {
    const s = new PassThrough();
    for (const c of chunks) s.write(c);
    if (end) s.end();
    return s;
  };

  it('hashes, counts and stores by content address, once per content', async () => {
    const bytes = Buffer.from('hello media');
    const a = await receiveToTemp(dir, feed([bytes.subarray(0, 5), bytes.subarray(5)]), 100);
    expect(a.size).toBe(bytes.length);
    expect(a.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(await commitBlob(dir, a)).toBe(true);
    const b = await receiveToTemp(dir, feed([bytes]), 100);
    expect(await commitBlob(dir, b)).toBe(false);
    expect(fs.readFileSync(blobPath(dir, a.sha256))).toEqual(bytes);
    expect(fs.readdirSync(tempDir(dir))).toEqual([]);
    expect(blobPath(dir, a.sha256)).toBe(path.join(dir, a.sha256.slice(0, 2), a.sha256.slice(2, 4), a.sha256));

    const part = await openBlob(dir, a.sha256, { start: 6, end: 10 });
    const got: Buffer[] = [];
    for await (const c of part) got.push(c as Buffer);
    expect(Buffer.concat(got).toString()).toBe('media');
  });

  it('stops past the limit, removes the temp file and leaves the source paused, not destroyed', async () => {
    const source = feed([Buffer.alloc(60), Buffer.alloc(60)], false);
    await expect(receiveToTemp(dir, source, 100)).rejects.toMatchObject({ code: 'MEDIA_TOO_LARGE' });
    expect(source.destroyed).toBe(false);
    expect(source.isPaused()).toBe(true);
    expect(fs.readdirSync(tempDir(dir))).toEqual([]);
  });

  it('accepts exactly the limit', async () => {
    const t = await receiveToTemp(dir, feed([Buffer.alloc(100, 1)]), 100);
    expect(t.size).toBe(100);
  });

  it('fails and cleans up when the source goes away early', async () => {
    const source = feed([Buffer.alloc(10)], false);
    const p = receiveToTemp(dir, source, 100);
    setTimeout(() => source.destroy(), 10);
    await expect(p).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(fs.readdirSync(tempDir(dir))).toEqual([]);
  });

  it('refuses a path that is not a sha256', () => {
    expect(() => blobPath(dir, '../../etc/passwd')).toThrow();
  });
});
