/**
 * Media helpers for the conversation: previews made on the device (thumbnails, dimensions,
 * durations, voice waveforms), the recorder's format, formatting of sizes and durations, and the
 * file metadata the server knows (GET /v1/media/:id/info).
 */
import { useEffect, useState } from 'react';
import type { Media } from '#contracts/models.js';
import { E2eError, encryptMediaParts, MediaDecryptor, type MediaKey } from '../../../../packages/e2e/src/index.js';
import { store, type ClientMessage } from '../../lib/store.js';

/**
 * Encrypt a medium on the device for an end-to-end encrypted chat (a fresh AES-256-GCM key) and
 * upload the ciphertext, declared as bytes and without its file name; the returned key (with the
 * medium's real type) travels inside the encrypted message, the file name in its content.
 */
export async function uploadEncrypted(file: Blob, kind: string, opts: { onProgress?(fraction: number): void; signal?: AbortSignal } = {}): Promise<{ media: Media; key: MediaKey }> {
  // Read and encrypted a chunk at a time: a large document is never held in memory twice over.
  const read = async (offset: number, length: number) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer());
  const { parts, key } = await encryptMediaParts(read, file.size, file.type.split(';')[0]?.trim() || undefined);
  const media = await store.api.uploadMedia(new Blob(parts, { type: 'application/octet-stream' }), kind, undefined, { ...opts, encrypted: true });
  return { media, key };
}

/**
 * Upload a medium for a message in `chatId`: in an end-to-end encrypted chat it is encrypted on the
 * device and its key goes with the message (`media`); elsewhere the file is uploaded as it is.
 */
export async function uploadForChat(chatId: string, file: Blob, kind: string, fileName: string, opts: { onProgress?(fraction: number): void; signal?: AbortSignal } = {}): Promise<{ mediaId: string; media?: MediaKey }> {
  if (store.isEncrypted(chatId)) {
    const { media, key } = await uploadEncrypted(file, kind, opts);
    return { mediaId: media.id, media: key };
  }
  const media = await store.api.uploadMedia(file, kind, fileName, opts);
  return { mediaId: media.id };
}

/**
 * The medium a forwarded message carries into `chatId`: the same medium and key into an end-to-end
 * encrypted chat; into a chat that is not (a business), the medium is decrypted on this device and
 * uploaded as it is (the other side could not read the ciphertext).
 */
export async function forwardedMedia(m: Pick<ClientMessage, 'kind' | 'mediaId' | 'mediaKey' | 'content'>, chatId: string): Promise<{ mediaId?: string; media?: MediaKey }> {
  if (!m.mediaId) return {};
  if (!m.mediaKey || store.isEncrypted(chatId)) return { mediaId: m.mediaId, ...(m.mediaKey ? { media: m.mediaKey } : {}) };
  const plain = await fetchDecrypted(m.mediaId, m.mediaKey);
  const name = (m.content as { fileName?: unknown } | null)?.fileName;
  const media = await store.api.uploadMedia(plain, m.kind === 'voice' ? 'audio' : m.kind, typeof name === 'string' ? name : undefined);
  return { mediaId: media.id };
}

/** Why an end-to-end encrypted medium cannot be shown: changed after it was sent, or not downloadable. */
export type MediaError = 'tampered' | 'unavailable';

export class MediaUnreadable extends Error {
  constructor(readonly reason: MediaError) {
    super(reason === 'tampered' ? 'The medium does not match the one that was sent.' : 'The medium could not be downloaded.');
  }
}

export const reasonOf = (err: unknown): MediaError => (err instanceof MediaUnreadable ? err.reason : 'unavailable');

/** The real type of a decrypted medium: the one it was sent with, else PNG or JPEG (photos sent before the type travelled). */
function typeOf(plain: Uint8Array, key: MediaKey): string {
  if (key.type) return key.type;
  return plain[0] === 0x89 && plain[1] === 0x50 ? 'image/png' : 'image/jpeg';
}

/**
 * Download an end-to-end encrypted medium, check its digest and decrypt it on the device; the
 * plaintext as a Blob of its real type. Throws MediaUnreadable.
 */
export async function fetchDecrypted(mediaId: string, key: MediaKey, signal?: AbortSignal): Promise<Blob> {
  const decryptor = new MediaDecryptor(key);
  const plain: Uint8Array[] = [];
  // Decrypted as it downloads, a chunk at a time; shown only once the whole checked out.
  const step = async (work: () => Promise<Uint8Array[]>) => {
    try {
      plain.push(...(await work()));
    } catch (err) {
      throw new MediaUnreadable(err instanceof E2eError && err.code === 'MEDIA_TAMPERED' ? 'tampered' : 'unavailable');
    }
  };
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    const r = await fetch(store.api.mediaUrl(mediaId), signal ? { signal } : {});
    if (!r.ok || !r.body) throw new Error(String(r.status));
    reader = r.body.getReader();
  } catch {
    throw new MediaUnreadable('unavailable');
  }
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch {
      throw new MediaUnreadable('unavailable');
    }
    if (next.done) break;
    const bytes = next.value;
    await step(() => decryptor.push(bytes));
  }
  await step(() => decryptor.finish());
  return new Blob(plain as Uint8Array<ArrayBuffer>[], { type: typeOf(plain[0] ?? new Uint8Array(), key) });
}

export interface MediaSrc {
  /** What to load the medium from; undefined while it is being fetched and decrypted. */
  src?: string | undefined;
  error?: MediaError | undefined;
}

/**
 * Where to load a message's medium from: the server's URL, or for an end-to-end encrypted medium
 * a local object URL of the medium downloaded and decrypted on the device (its digest checked),
 * fetched once `enabled` (large media wait for the person to ask).
 */
export function useMediaSrc(m: Pick<ClientMessage, 'mediaId' | 'mediaKey'>, enabled = true): MediaSrc {
  const [decrypted, setDecrypted] = useState<MediaSrc>({});
  const { mediaId, mediaKey } = m;
  useEffect(() => {
    setDecrypted({});
    if (!mediaId || !mediaKey || !enabled) return;
    let live = true;
    let made: string | undefined;
    const abort = new AbortController();
    fetchDecrypted(mediaId, mediaKey, abort.signal)
      .then((blob) => {
        if (!live) return;
        made = URL.createObjectURL(blob);
        setDecrypted({ src: made });
      })
      .catch((err: unknown) => live && setDecrypted({ error: reasonOf(err) }));
    return () => {
      live = false;
      abort.abort();
      if (made) URL.revokeObjectURL(made);
    };
  }, [mediaId, mediaKey, enabled]);
  if (!mediaId) return {};
  return mediaKey ? decrypted : { src: store.api.mediaUrl(mediaId) };
}

/** Save a blob under a file name (through a temporary object URL). */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The largest thumbnail we aim for, in base64 characters (the server allows 16 KiB). */
const THUMB_MAX_CHARS = 10_000;

/** A thumbnail as sent in content (base64, or already a data URL) → something <img src> takes. */
export function thumbnailSrc(thumbnail: unknown): string | undefined {
  if (typeof thumbnail !== 'string' || !thumbnail) return undefined;
  if (thumbnail.startsWith('data:')) return thumbnail;
  const mime = thumbnail.startsWith('iVBOR') ? 'image/png' : thumbnail.startsWith('UklGR') ? 'image/webp' : 'image/jpeg';
  return `data:${mime};base64,${thumbnail}`;
}

/** Draw a source into a small JPEG and return its base64 (no data: prefix), ≤ ~10 KB. */
export function makeThumbnail(source: CanvasImageSource, width: number, height: number): string | undefined {
  if (!width || !height) return undefined;
  for (const [side, quality] of [
    [96, 0.7],
    [72, 0.6],
    [48, 0.5],
  ] as const) {
    const scale = Math.min(1, side / Math.max(width, height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const ctx = canvas.getContext('2d');
    if (!ctx) return undefined;
    ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
    let url: string;
    try {
      url = canvas.toDataURL('image/jpeg', quality);
    } catch {
      return undefined;
    }
    const b64 = url.slice(url.indexOf(',') + 1);
    if (url.startsWith('data:image/jpeg') && b64.length <= THUMB_MAX_CHARS) return b64;
  }
  return undefined;
}

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('image'));
    img.src = url;
  });
}

export interface ImageInfo {
  width?: number;
  height?: number;
  thumbnail?: string;
}

/** Dimensions and thumbnail of an image file; empty when the browser cannot decode it. */
export async function describeImage(file: Blob): Promise<ImageInfo> {
  const url = URL.createObjectURL(file);
  try {
    const img = await loadImage(url);
    const width = img.naturalWidth;
    const height = img.naturalHeight;
    if (!width || !height) return {};
    return { width, height, thumbnail: makeThumbnail(img, width, height) };
  } catch {
    return {};
  } finally {
    URL.revokeObjectURL(url);
  }
}

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png']);
const IMAGE_LIMIT = 5 * 1024 * 1024;

/**
 * Photos are JPEG or PNG of at most 5 MiB (as WhatsApp). Another image type (WebP, GIF, HEIC the
 * browser decodes…) or a larger photo is re-encoded on the device as a JPEG, at most 2560 px.
 */
export async function prepareImage(file: File): Promise<Blob> {
  if (IMAGE_TYPES.has(file.type) && file.size <= IMAGE_LIMIT) return file;
  const url = URL.createObjectURL(file);
  try {
    const img = await loadImage(url);
    const scale = Math.min(1, 2560 / Math.max(img.naturalWidth, img.naturalHeight));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
    canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
    canvas.getContext('2d')?.drawImage(img, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', 0.85));
    return blob ?? file;
  } catch {
    return file; // the server explains what is wrong
  } finally {
    URL.revokeObjectURL(url);
  }
}

export interface VideoInfo {
  width?: number;
  height?: number;
  durationMs?: number;
  thumbnail?: string;
}

/** Dimensions, duration and a poster thumbnail of a video file, as far as the browser can tell. */
export async function describeVideo(file: Blob): Promise<VideoInfo> {
  const url = URL.createObjectURL(file);
  const video = document.createElement('video');
  video.muted = true;
  video.preload = 'auto';
  video.playsInline = true;
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        video.onloadeddata = () => resolve();
        video.onerror = () => reject(new Error('video'));
        video.src = url;
      }),
      5000,
    );
    const info: VideoInfo = {};
    if (video.videoWidth && video.videoHeight) {
      info.width = video.videoWidth;
      info.height = video.videoHeight;
    }
    if (Number.isFinite(video.duration)) info.durationMs = Math.round(video.duration * 1000);
    try {
      await withTimeout(
        new Promise<void>((resolve) => {
          video.onseeked = () => resolve();
          video.currentTime = Math.min(0.1, video.duration || 0);
        }),
        2000,
      );
    } catch {
      // keep the first frame
    }
    if (info.width && info.height) info.thumbnail = makeThumbnail(video, info.width, info.height);
    return info;
  } catch {
    return {};
  } finally {
    video.removeAttribute('src');
    URL.revokeObjectURL(url);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms))]);
}

/** Recording formats in order of preference: Ogg-Opus (as WhatsApp), MP4/AAC, then WebM-Opus. */
export const RECORDER_TYPES = ['audio/ogg;codecs=opus', 'audio/mp4', 'audio/webm;codecs=opus'] as const;

export function pickRecorderType(): string | undefined {
  if (typeof MediaRecorder === 'undefined') return undefined;
  return RECORDER_TYPES.find((type) => {
    try {
      return MediaRecorder.isTypeSupported(type);
    } catch {
      return false;
    }
  });
}

/** The file extension that goes with a recorded MIME type. */
export function extensionFor(mime: string): string {
  if (mime.startsWith('audio/ogg')) return 'ogg';
  if (mime.startsWith('audio/mp4')) return 'm4a';
  if (mime.startsWith('audio/webm')) return 'webm';
  return 'bin';
}

/**
 * About `bars` levels (0–100) of a recording, from its decoded samples (peak of each slice, scaled
 * to the loudest). Undefined when the browser cannot decode the recording.
 */
export async function computeWaveform(blob: Blob, bars = 40): Promise<number[] | undefined> {
  const Ctx = (window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext) as typeof AudioContext | undefined;
  if (!Ctx) return undefined;
  let ctx: AudioContext | undefined;
  try {
    ctx = new Ctx();
    const audio = await ctx.decodeAudioData(await blob.arrayBuffer());
    const data = audio.getChannelData(0);
    if (!data.length) return undefined;
    const size = Math.max(1, Math.floor(data.length / bars));
    const peaks: number[] = [];
    for (let b = 0; b < bars; b++) {
      let peak = 0;
      const end = Math.min(data.length, (b + 1) * size);
      for (let i = b * size; i < end; i++) peak = Math.max(peak, Math.abs(data[i] ?? 0));
      peaks.push(peak);
    }
    const max = Math.max(...peaks) || 1;
    return peaks.map((p) => Math.max(0, Math.min(100, Math.round((p / max) * 100))));
  } catch {
    return undefined;
  } finally {
    void ctx?.close().catch(() => undefined);
  }
}

/** 0:07, 1:05, 1:02:03 */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** 820 B, 12 KB, 3.4 MB — with the locale's decimal separator. */
export function formatSize(bytes: number, locale: string): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = u === 0 || v >= 10 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(v)} ${units[u]}`;
}

const infoCache = new Map<string, Promise<Media | null>>();

/** What the server knows of a file (type, size, name), fetched once per media id. */
export function mediaInfo(mediaId: string): Promise<Media | null> {
  let p = infoCache.get(mediaId);
  if (!p) {
    p = store.api.request<Media>('GET', `/v1/media/${encodeURIComponent(mediaId)}/info`).catch(() => {
      infoCache.delete(mediaId);
      return null;
    });
    infoCache.set(mediaId, p);
  }
  return p;
}

/** Keep a file name within the 255 characters the content allows, extension kept. */
export function safeFileName(name: string): string {
  const clean = name.trim() || 'file';
  if (clean.length <= 255) return clean;
  const dot = clean.lastIndexOf('.');
  const ext = dot > 0 && clean.length - dot <= 16 ? clean.slice(dot) : '';
  return clean.slice(0, 255 - ext.length) + ext;
}
