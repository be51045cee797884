/**
 * @module e2e/media
 * Media encrypted on the device: a fresh AES-256-GCM key and 96-bit base IV per medium; the blob
 * that is uploaded is the ciphertext; the key, IV, SHA-256 digest of the ciphertext, plaintext size
 * and real MIME type travel inside the encrypted message. `decryptMedia` and `MediaDecryptor` check
 * the digest and every tag, so a blob changed on the server or in transit is refused.
 *
 * Format (`chunk` set): the plaintext is cut into chunks of `chunk` bytes (the last one shorter,
 * at least one chunk); chunk i is sealed with the IV whose last 4 bytes are XORed with i (big
 * endian) and the additional data [1] for the last chunk, [0] for the others, so chunks can be
 * neither reordered nor dropped; the blob is the sealed chunks one after the other. A medium is
 * thus encrypted and decrypted piece by piece (a 100 MB document never needs several copies in
 * memory). Without `chunk` (photos sent before chunks), the blob is one GCM seal of the whole.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual, concatBytes, fromBase64, own, toBase64 } from './bytes.js';
import { E2eError } from './errors.js';

export interface MediaKey {
  /** AES-256-GCM key, base64. */
  key: string;
  /** 12-byte IV, base64 (the base IV of the chunks). */
  iv: string;
  /** SHA-256 of the ciphertext, base64. */
  digest: string;
  /** Plaintext size in bytes. */
  size: number;
  /** The medium's real MIME type (the server only sees application/octet-stream). */
  type?: string;
  /** Plaintext bytes per chunk; absent: one piece. */
  chunk?: number;
}

/** Plaintext bytes per chunk of a medium. */
export const MEDIA_CHUNK = 1024 * 1024;
const TAG = 16;

/** The size of the encrypted blob of a medium of `size` bytes (each chunk gets a 16-byte tag). */
export function encryptedSize(size: number): number {
  return size + TAG * Math.max(1, Math.ceil(size / MEDIA_CHUNK));
}

const subtle = () => globalThis.crypto.subtle;
type Subtle = ReturnType<typeof subtle>;

function chunkIv(base: Uint8Array, index: number): Uint8Array<ArrayBuffer> {
  const iv = own(base);
  const view = new DataView(iv.buffer);
  view.setUint32(8, view.getUint32(8) ^ index);
  return iv;
}

const aad = (last: boolean) => new Uint8Array([last ? 1 : 0]);

/**
 * Encrypt a medium of `size` bytes, read a chunk at a time through `read(offset, length)`; the
 * ciphertext comes back as parts (one per chunk) to be uploaded one after the other.
 */
export async function encryptMediaParts(read: (offset: number, length: number) => Promise<Uint8Array>, size: number, type?: string): Promise<{ parts: Uint8Array<ArrayBuffer>[]; key: MediaKey }> {
  const raw = globalThis.crypto.getRandomValues(new Uint8Array(32));
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const key = await subtle().importKey('raw', raw, 'AES-GCM', false, ['encrypt']);
  const hash = sha256.create();
  const parts: Uint8Array<ArrayBuffer>[] = [];
  const count = Math.max(1, Math.ceil(size / MEDIA_CHUNK));
  for (let i = 0; i < count; i++) {
    const offset = i * MEDIA_CHUNK;
    const plain = await read(offset, Math.min(MEDIA_CHUNK, size - offset));
    const sealed = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv: chunkIv(iv, i), additionalData: aad(i === count - 1) }, key, own(plain)));
    hash.update(sealed);
    parts.push(sealed);
  }
  return { parts, key: { key: toBase64(raw), iv: toBase64(iv), digest: toBase64(hash.digest()), size, chunk: MEDIA_CHUNK, ...(type ? { type } : {}) } };
}

export async function encryptMedia(plaintext: Uint8Array, type?: string): Promise<{ ciphertext: Uint8Array; key: MediaKey }> {
  const { parts, key } = await encryptMediaParts(async (offset, length) => plaintext.subarray(offset, offset + length), plaintext.length, type);
  return { ciphertext: concatBytes(parts), key };
}

const tampered = (why: string) => new E2eError('MEDIA_TAMPERED', why);

/**
 * Decrypts a medium as its ciphertext arrives (`push` each piece, then `finish`). Plaintext parts
 * come out as chunks complete; they may be used only once `finish` resolved (it checks the digest,
 * the last chunk and the size). Any failure is MEDIA_TAMPERED.
 */
export class MediaDecryptor {
  private readonly hash = sha256.create();
  private readonly sealedSize: number;
  private buf: Uint8Array;
  private len = 0;
  private index = 0;
  private plainBytes = 0;
  private cryptoKey: ReturnType<Subtle['importKey']> | null = null;

  constructor(private readonly ref: MediaKey) {
    // Without chunks the whole blob is one seal: buffer it all (photos sent before chunks).
    this.sealedSize = ref.chunk ? ref.chunk + TAG : Number.POSITIVE_INFINITY;
    this.buf = new Uint8Array(ref.chunk ? this.sealedSize * 2 : 0);
  }

  async push(bytes: Uint8Array): Promise<Uint8Array[]> {
    this.hash.update(bytes);
    const out: Uint8Array[] = [];
    let off = 0;
    while (off < bytes.length) {
      if (this.len === this.buf.length) this.grow(bytes.length - off);
      const take = Math.min(bytes.length - off, this.buf.length - this.len);
      this.buf.set(bytes.subarray(off, off + take), this.len);
      this.len += take;
      off += take;
      // A full chunk followed by more bytes is not the last one.
      while (this.len > this.sealedSize) {
        out.push(await this.open(this.buf.subarray(0, this.sealedSize), false));
        this.buf.copyWithin(0, this.sealedSize, this.len);
        this.len -= this.sealedSize;
      }
    }
    return out;
  }

  async finish(): Promise<Uint8Array[]> {
    if (!bytesEqual(this.hash.digest(), fromBase64(this.ref.digest))) throw tampered('The medium does not match its digest.');
    const last = await this.open(this.buf.subarray(0, this.len), true);
    if (this.plainBytes !== this.ref.size) throw tampered('The medium does not have its size.');
    return [last];
  }

  /** Room for more bytes (only without chunks: the whole blob is buffered). */
  private grow(more: number): void {
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + more));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private async open(sealed: Uint8Array, last: boolean): Promise<Uint8Array> {
    if (sealed.length < TAG) throw tampered('The medium is cut short.');
    this.cryptoKey ??= subtle().importKey('raw', own(fromBase64(this.ref.key)), 'AES-GCM', false, ['decrypt']);
    const base = fromBase64(this.ref.iv);
    const params: Parameters<Subtle['decrypt']>[0] = this.ref.chunk ? { name: 'AES-GCM', iv: chunkIv(base, this.index), additionalData: aad(last) } : { name: 'AES-GCM', iv: own(base) };
    let plain: Uint8Array;
    try {
      plain = new Uint8Array(await subtle().decrypt(params, await this.cryptoKey, own(sealed)));
    } catch {
      throw tampered('The medium could not be decrypted.');
    }
    this.index++;
    this.plainBytes += plain.length;
    return plain;
  }
}

export async function decryptMedia(ciphertext: Uint8Array, ref: MediaKey): Promise<Uint8Array> {
  const d = new MediaDecryptor(ref);
  return concatBytes([...(await d.push(ciphertext)), ...(await d.finish())]);
}
