/**
 * End-to-end encrypted media in the conversation: the helpers that fetch, check and decrypt a medium
 * on the device, every media kind's bubble reading from a decrypted object URL, the message shown
 * when a blob was changed on the server, and the pending "waiting for ‹name› to be reachable
 * securely" state of a message that waits for the contact's encrypting device.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { encryptedSize, encryptMedia, type MediaKey } from '../../../../packages/e2e/src/index.js';
import { I18nProvider, type Locale } from '../../i18n/index.js';
import { store, type ClientMessage } from '../../lib/store.js';
import { MessageBubble } from './message-bubble.js';
import { fetchDecrypted, forwardedMedia, MediaUnreadable } from './media.js';
import { ME, testChat, testMessage } from './test-messages.js';

const msg = (over: Partial<ClientMessage>) => testMessage({ content: {}, ...over });

function show(m: ClientMessage, locale: Locale = 'en') {
  return render(
    <I18nProvider initial={locale}>
      <MessageBubble message={m} chat={testChat()} myId={ME} first />
    </I18nProvider>,
  );
}

/** What the server holds, by media id: the ciphertext uploaded (or a tampered copy). */
const blobs = new Map<string, Uint8Array>();
const fetched: string[] = [];
const uploads: { url: string; type: string; body: Uint8Array }[] = [];

async function stored(mediaId: string, plain: Uint8Array, type: string): Promise<MediaKey> {
  const { ciphertext, key } = await encryptMedia(plain, type);
  blobs.set(mediaId, ciphertext);
  return key;
}

function tamper(mediaId: string): void {
  const copy = new Uint8Array(blobs.get(mediaId)!);
  copy[copy.length >> 1] = (copy[copy.length >> 1] ?? 0) ^ 0xff;
  blobs.set(mediaId, copy);
}

const bytes = (text: string) => new TextEncoder().encode(text);

beforeEach(() => {
  blobs.clear();
  fetched.length = 0;
  uploads.length = 0;
  // The server's media download: serves the stored bytes (never a plaintext).
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    if (init?.method === 'POST' && /\/v1\/media\?/.test(String(input))) {
      uploads.push({ url: String(input), type: (init.headers as Record<string, string>)['content-type'] ?? '', body: new Uint8Array(await (init.body as Blob).arrayBuffer()) });
      return new Response(JSON.stringify({ id: `med_up${uploads.length}`, kind: 'document', mimeType: 'x', size: 0, sha256: 'x', fileName: null, createdAt: 0 }), { status: 201 });
    }
    const id = /\/v1\/media\/([^/?]+)/.exec(String(input))?.[1];
    const blob = id ? blobs.get(decodeURIComponent(id)) : undefined;
    if (id) fetched.push(id);
    return blob ? new Response(blob as Uint8Array<ArrayBuffer>, { status: 200 }) : new Response('{}', { status: 404 });
  });
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('fetchDecrypted', () => {
  it('downloads the ciphertext, checks it and gives back the plaintext with its real type', async () => {
    const plain = bytes('%PDF-1.7 the quarterly report');
    const key = await stored('med_doc', plain, 'application/pdf');
    expect(blobs.get('med_doc')).not.toEqual(plain);
    const blob = await fetchDecrypted('med_doc', key);
    expect(blob.type).toBe('application/pdf');
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(plain);
  });

  it('refuses a blob changed on the server, and says when it cannot be downloaded', async () => {
    const key = await stored('med_doc', bytes('contract v2'), 'text/plain');
    tamper('med_doc');
    await expect(fetchDecrypted('med_doc', key)).rejects.toMatchObject({ reason: 'tampered' });
    // Right bytes, wrong key: as refused (the tag does not verify).
    const other = await stored('med_other', bytes('contract v2'), 'text/plain');
    await expect(fetchDecrypted('med_other', { ...other, key: key.key })).rejects.toBeInstanceOf(MediaUnreadable);
    await expect(fetchDecrypted('med_gone', key)).rejects.toMatchObject({ reason: 'unavailable' });
  });

  it('a medium of a few MB round-trips', async () => {
    const plain = new Uint8Array(3 * 1024 * 1024);
    for (let i = 0; i < plain.length; i += 65_536) globalThis.crypto.getRandomValues(plain.subarray(i, i + 65_536));
    const key = await stored('med_big', plain, 'application/zip');
    expect(key.size).toBe(plain.length);
    expect(blobs.get('med_big')!.length).toBe(encryptedSize(plain.length));
    const back = new Uint8Array(await (await fetchDecrypted('med_big', key)).arrayBuffer());
    expect(back.length).toBe(plain.length);
    expect(Buffer.compare(back, plain)).toBe(0);
  });
});

describe('forwarding an encrypted medium', () => {
  it('into a chat that is not end-to-end encrypted: decrypted here and uploaded as it is, under its name', async () => {
    const plain = bytes('%PDF-1.7 menu of the week');
    const key = await stored('med_doc', plain, 'application/pdf');
    const m = testMessage({ kind: 'document', mediaId: 'med_doc', mediaKey: key, content: { fileName: 'menu.pdf' } });
    expect(store.isEncrypted('chat_business0')).toBe(false);
    expect(await forwardedMedia(m, 'chat_business0')).toEqual({ mediaId: 'med_up1' });
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.url).toContain('kind=document');
    expect(uploads[0]!.url).toContain('fileName=menu.pdf');
    expect(uploads[0]!.url).not.toContain('encrypted');
    expect(uploads[0]!.type).toBe('application/pdf');
    expect(Buffer.compare(uploads[0]!.body, plain)).toBe(0);
    // A medium that was never encrypted goes as it is; a tampered one is not forwarded.
    expect(await forwardedMedia(testMessage({ kind: 'image', mediaId: 'med_plain' }), 'chat_business0')).toEqual({ mediaId: 'med_plain' });
    tamper('med_doc');
    await expect(forwardedMedia(m, 'chat_business0')).rejects.toMatchObject({ reason: 'tampered' });
    expect(uploads).toHaveLength(1);
  });
});

describe('encrypted media in bubbles', () => {
  it('voice note: played from the decrypted copy, with its duration and waveform', async () => {
    const key = await stored('med_voice', bytes('OggS fake opus'), 'audio/ogg');
    const { container } = show(msg({ kind: 'voice', mediaId: 'med_voice', mediaKey: key, content: { durationMs: 7_000, waveform: [10, 80, 40] } }));
    await waitFor(() => expect(container.querySelector('audio')?.getAttribute('src')).toMatch(/^blob:/));
    expect(screen.getByText('0:07')).toBeTruthy();
    expect(container.querySelectorAll('.waveform span')).toHaveLength(3);
    expect(container.querySelector('audio')?.getAttribute('src')).not.toContain('/v1/media/');
  });

  it('video: the poster made on the sender’s device; downloaded and decrypted when Play is pressed', async () => {
    const key = await stored('med_vid', bytes('fake mp4'), 'video/mp4');
    const { container } = show(msg({ kind: 'video', mediaId: 'med_vid', mediaKey: key, content: { caption: 'Skate park', durationMs: 65_000, thumbnail: '/9j/poster' } }));
    expect(container.querySelector('.media-thumb')?.getAttribute('src')).toBe('data:image/jpeg;base64,/9j/poster');
    expect(container.querySelector('video')).toBeNull();
    expect(fetched).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Play · Skate park' }));
    await waitFor(() => expect(container.querySelector('video')?.getAttribute('src')).toMatch(/^blob:/));
    expect(fetched).toEqual(['med_vid']);
    expect(screen.getByText('1:05')).toBeTruthy();
  });

  it('audio and sticker: from decrypted copies', async () => {
    const audioKey = await stored('med_aud', bytes('ID3 fake mp3'), 'audio/mpeg');
    const stickerKey = await stored('med_stk', bytes('RIFF fake webp'), 'image/webp');
    const audio = show(msg({ kind: 'audio', mediaId: 'med_aud', mediaKey: audioKey, content: { durationMs: 185_000 } }));
    await waitFor(() => expect(audio.container.querySelector('audio[controls]')?.getAttribute('src')).toMatch(/^blob:/));
    const sticker = show(msg({ kind: 'sticker', mediaId: 'med_stk', mediaKey: stickerKey, content: {} }));
    await waitFor(() => expect(sticker.container.querySelector('img.sticker')?.getAttribute('src')).toMatch(/^blob:/));
  });

  it('document: the size from inside the message; the download decrypts on the device', async () => {
    const plain = bytes('%PDF-1.7 '.repeat(300));
    const key = await stored('med_doc', plain, 'application/pdf');
    const saved: { name: string; type: string }[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push({ name: this.download, type: this.href.slice(0, 5) });
    });
    show(msg({ kind: 'document', mediaId: 'med_doc', mediaKey: key, content: { fileName: 'report.pdf' } }));
    expect(screen.getByText('PDF · 2.6 KB')).toBeTruthy();
    expect(fetched).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Download report.pdf' }));
    await waitFor(() => expect(saved).toEqual([{ name: 'report.pdf', type: 'blob:' }]));
    expect(click).toHaveBeenCalledOnce();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('a tampered blob is refused with a clear message, in English and French', async () => {
    const key = await stored('med_doc', bytes('payslip'), 'application/pdf');
    tamper('med_doc');
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    show(msg({ kind: 'document', mediaId: 'med_doc', mediaKey: key, content: { fileName: 'payslip.pdf' } }));
    fireEvent.click(screen.getByRole('button', { name: 'Download payslip.pdf' }));
    expect((await screen.findByRole('alert')).textContent).toContain('This file was changed after it was sent, so it was not opened.');
    expect(click).not.toHaveBeenCalled();
    cleanup();

    const voiceKey = await stored('med_voice', bytes('OggS'), 'audio/ogg');
    tamper('med_voice');
    const { container } = show(msg({ kind: 'voice', mediaId: 'med_voice', mediaKey: voiceKey, content: { durationMs: 2_000 } }), 'fr');
    expect((await screen.findByRole('alert')).textContent).toContain('Ce fichier a été modifié après son envoi');
    expect(container.querySelector('audio')?.getAttribute('src') ?? null).toBeNull();
  });
});

describe('a message waiting for the contact’s encrypting device', () => {
  it('shows a clock and who it waits for, in English and French; not once sent or failed', () => {
    const waiting = msg({ senderId: ME, kind: 'text', content: { text: 'Are you there?' }, pending: true, waitingPeer: true });
    show(waiting);
    expect(screen.getByRole('status').textContent).toContain('Waiting for Bob Martin to be reachable securely');
    expect(screen.getByRole('img', { name: 'Waiting to send' })).toBeTruthy();
    cleanup();

    show(waiting, 'fr');
    expect(screen.getByRole('status').textContent).toContain('En attente d’une connexion sécurisée avec Bob Martin');
    cleanup();

    show({ ...waiting, pending: false });
    expect(screen.queryByText(/reachable securely/)).toBeNull();
    cleanup();
    show({ ...waiting, failed: 'INTERNAL' });
    expect(screen.queryByText(/reachable securely/)).toBeNull();
  });
});
