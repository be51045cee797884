/**
 * @module e2e/media
 * Media encrypted on the device: a fresh AES-256-GCM key and 96-bit IV per medium; the blob that is
 * uploaded is the ciphertext (tag included); the key, IV and SHA-256 digest of the ciphertext travel
 * inside the encrypted message. `decryptMedia` checks the digest and the tag, so a blob changed on
 * the server or in transit is refused.
 */
import { bytesEqual, fromBase64, own, toBase64 } from './bytes.js';
import { E2eError } from './errors.js';

export interface MediaKey {
  /** AES-256-GCM key, base64. */
  key: string;
  /** 12-byte IV, base64. */
  iv: string;
  /** SHA-256 of the ciphertext, base64. */
  digest: string;
  /** Plaintext size in bytes. */
  size: number;
  /** The medium's real MIME type (the server only sees application/octet-stream). */
  type?: string;
}

/** Bytes AES-GCM adds to a medium (its tag): an encrypted upload may exceed the kind's limit by this much. */
export const MEDIA_OVERHEAD = 16;

const subtle = () => globalThis.crypto.subtle;

export async function encryptMedia(plaintext: Uint8Array, type?: string): Promise<{ ciphertext: Uint8Array; key: MediaKey }> {
  const raw = globalThis.crypto.getRandomValues(new Uint8Array(32));
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const key = await subtle().importKey('raw', raw, 'AES-GCM', false, ['encrypt']);
  const ciphertext = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv }, key, own(plaintext)));
  const digest = new Uint8Array(await subtle().digest('SHA-256', ciphertext));
  return { ciphertext, key: { key: toBase64(raw), iv: toBase64(iv), digest: toBase64(digest), size: plaintext.length, ...(type ? { type } : {}) } };
}

export async function decryptMedia(ciphertext: Uint8Array, ref: MediaKey): Promise<Uint8Array> {
  const digest = new Uint8Array(await subtle().digest('SHA-256', own(ciphertext)));
  if (!bytesEqual(digest, fromBase64(ref.digest))) throw new E2eError('MEDIA_TAMPERED', 'The medium does not match its digest.');
  try {
    const key = await subtle().importKey('raw', own(fromBase64(ref.key)), 'AES-GCM', false, ['decrypt']);
    const plain = new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: own(fromBase64(ref.iv)) }, key, own(ciphertext)));
    if (plain.length !== ref.size) throw new Error('size');
    return plain;
  } catch {
    throw new E2eError('MEDIA_TAMPERED', 'The medium could not be decrypted.');
  }
}
