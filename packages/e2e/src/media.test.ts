import { describe, expect, it } from 'vitest';
import { decryptMedia, encryptedSize, encryptMedia, MEDIA_CHUNK, MediaDecryptor, toBase64, utf8, type MediaKey } from './index.js';

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65_536) globalThis.crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65_536)));
  return out;
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/** Decrypt through the streaming decryptor, fed in pieces of `piece` bytes. */
async function streamed(ciphertext: Uint8Array, key: MediaKey, piece: number): Promise<Uint8Array> {
  const d = new MediaDecryptor(key);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < ciphertext.length; i += piece) parts.push(...(await d.push(ciphertext.subarray(i, i + piece))));
  parts.push(...(await d.finish()));
  return Buffer.concat(parts);
}

describe('media encrypted in chunks', () => {
  it('round-trips media of every size around the chunk boundaries, streamed in any pieces', async () => {
    for (const size of [0, 1, MEDIA_CHUNK - 1, MEDIA_CHUNK, MEDIA_CHUNK + 1, 2 * MEDIA_CHUNK, 3 * MEDIA_CHUNK + 12_345]) {
      const plain = randomBytes(size);
      const { ciphertext, key } = await encryptMedia(plain, 'application/pdf');
      expect(ciphertext.length).toBe(encryptedSize(size));
      expect(key).toMatchObject({ size, chunk: MEDIA_CHUNK, type: 'application/pdf' });
      expect(same(await decryptMedia(ciphertext, key), plain)).toBe(true);
      for (const piece of [7_000, MEDIA_CHUNK + 16, 5 * MEDIA_CHUNK]) expect(same(await streamed(ciphertext, key, piece), plain)).toBe(true);
    }
    expect(encryptedSize(100 * 1024 * 1024)).toBe(100 * 1024 * 1024 + 100 * 16);
  });

  it('refuses a changed, truncated, reordered or extended blob', async () => {
    const plain = randomBytes(2 * MEDIA_CHUNK + 100);
    const { ciphertext, key } = await encryptMedia(plain);
    const sealed = MEDIA_CHUNK + 16;
    const flipped = ciphertext.slice();
    flipped[sealed + 5] = flipped[sealed + 5]! ^ 1;
    const dropLast = ciphertext.slice(0, 2 * sealed);
    const swapped = Buffer.concat([ciphertext.subarray(sealed, 2 * sealed), ciphertext.subarray(0, sealed), ciphertext.subarray(2 * sealed)]);
    const extended = Buffer.concat([ciphertext, new Uint8Array(16)]);
    for (const blob of [flipped, dropLast, swapped, extended]) {
      await expect(decryptMedia(blob, key)).rejects.toMatchObject({ code: 'MEDIA_TAMPERED' });
      // Even with a digest that matches the changed blob, the tags and the last-chunk mark refuse it.
      const digest = toBase64(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new Uint8Array(blob))));
      await expect(decryptMedia(blob, { ...key, digest })).rejects.toMatchObject({ code: 'MEDIA_TAMPERED' });
    }
    await expect(decryptMedia(ciphertext, { ...key, size: key.size - 1 })).rejects.toMatchObject({ code: 'MEDIA_TAMPERED' });
  });

  it('still reads a medium sealed in one piece (photos sent before chunks)', async () => {
    const plain = utf8('an older photo');
    const raw = globalThis.crypto.getRandomValues(new Uint8Array(32));
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const aes = await globalThis.crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt']);
    const ciphertext = new Uint8Array(await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv }, aes, new Uint8Array(plain)));
    const digest = toBase64(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', ciphertext)));
    const key: MediaKey = { key: toBase64(raw), iv: toBase64(iv), digest, size: plain.length };
    expect(same(await decryptMedia(ciphertext, key), plain)).toBe(true);
    expect(same(await streamed(ciphertext, key, 3), plain)).toBe(true);
  });
});
