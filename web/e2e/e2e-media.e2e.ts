/**
 * End-to-end encrypted media and no silent downgrade, in two browsers: Alice sends Bob a voice note,
 * a video (its poster drawn on her device) and a document of a few MB in their encrypted chat; Bob plays and downloads them (decrypted on his
 * device); the server's media folder holds only ciphertext; a blob changed on the server is refused
 * in the bubble. And a message to a contact who has no encrypting device yet waits on Alice's
 * device (across a reload), is never stored in plain, and goes encrypted once Bob signs in. And a
 * chat with a business says so on both sides.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import Database from 'better-sqlite3';
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { encryptedSize } from '../../packages/e2e/src/media.js';
import { codeFor, signInNew, signInNewBusiness, startChat, type SignedInPage } from './helpers.js';

const dataDir = () => process.env.PARLEY_E2E_DATA_DIR!;

function query<T>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(path.join(dataDir(), 'parley.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

interface StoredMedia {
  kind: string;
  messageKind: string;
  sha256: string;
  mimeType: string;
  fileName: string | null;
  size: number;
  content: string;
}

/** The media of the messages in `chatId`, as the server stored them (rows and blob files). */
function storedMedia(chatId: string): StoredMedia[] {
  return query<StoredMedia>(
    `select md.kind as kind, m.kind as messageKind, md.sha256 as sha256, md.mime_type as mimeType, md.file_name as fileName, md.size as size, m.content as content
       from messages m join media md on md.id = m.media_id where m.chat_id = ? order by m.seq`,
    chatId,
  );
}

/** The id of the chat open in `page` (from its address). */
function openChatId(page: Page): string {
  const id = /\/chat\/([^/?#]+)/.exec(page.url())?.[1];
  expect(id).toBeTruthy();
  return decodeURIComponent(id!);
}

const blobFile = (sha256: string) => path.join(dataDir(), 'media', sha256.slice(0, 2), sha256.slice(2, 4), sha256);

function bubble(page: Page, text: string | RegExp): Locator {
  return page.locator('.msg-row', { has: page.locator('.bubble-text', { hasText: text }) }).last();
}

async function axeClean(page: Page): Promise<void> {
  const axe = await new AxeBuilder({ page }).include('.conversation-wrap').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

async function sendDocument(page: Page, name: string, buffer: Buffer): Promise<void> {
  await page.getByRole('button', { name: 'Attach' }).click();
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('menuitem', { name: 'Document' }).click();
  await (await chooser).setFiles({ name, mimeType: 'application/pdf', buffer });
  await page.getByRole('dialog', { name: 'Send a document' }).getByRole('button', { name: 'Send' }).click();
}

test('a voice note, a video and documents go encrypted: Bob plays and downloads them, the server holds ciphertext, a changed blob is refused', async ({ browser }) => {
  const marker = `E2E-MEDIA-${Date.now().toString(36)}`;
  const alice = await signInNew(browser);
  const bob = await signInNew(browser);

  await startChat(alice.page, bob.phone);
  await expect(alice.page.locator('.notice', { hasText: 'end-to-end encrypted' })).toBeVisible();
  const chatId = openChatId(alice.page);
  await alice.page.locator('.composer textarea').fill(`Files coming ${marker}`);
  await alice.page.keyboard.press('Enter');
  await bob.page.locator('.chat-item', { hasText: `Files coming ${marker}` }).click();
  await expect(bubble(bob.page, `Files coming ${marker}`)).toBeVisible();

  // A voice note from Chromium's fake microphone.
  await alice.page.getByRole('button', { name: 'Record voice message' }).click();
  await expect(alice.page.getByRole('timer')).toBeVisible();
  await alice.page.waitForTimeout(1800);
  await alice.page.getByRole('button', { name: 'Stop and send' }).click();
  const voice = bob.page.locator('.msg-row.in[data-kind="voice"]').last();
  await expect(voice).toBeVisible({ timeout: 15_000 });
  const audio = voice.locator('audio');
  await expect.poll(() => audio.getAttribute('src'), { timeout: 15_000 }).toMatch(/^blob:/);
  // The decrypted copy is real audio: the browser reads its length.
  await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => el.readyState >= 1 && Number.isFinite(el.duration) ? Math.round(el.duration) : -1), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
  await expect(voice.locator('.voice-time')).toHaveText(/0:0[1-3]/);
  await voice.getByRole('button', { name: 'Play · Voice message' }).click();
  await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => el.currentTime), { timeout: 10_000 }).toBeGreaterThan(0);

  // A short video made in Alice's browser: its poster frame is drawn on her device and travels encrypted.
  const webm = Buffer.from(
    await alice.page.evaluate(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 160;
      canvas.height = 120;
      const ctx = canvas.getContext('2d')!;
      const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: 'video/webm' });
      const parts: Blob[] = [];
      recorder.ondataavailable = (e) => parts.push(e.data);
      const stopped = new Promise((r) => (recorder.onstop = r));
      recorder.start();
      for (let i = 0; i < 25; i++) {
        ctx.fillStyle = `hsl(${i * 12}, 70%, 45%)`;
        ctx.fillRect(0, 0, 160, 120);
        await new Promise((r) => setTimeout(r, 40));
      }
      recorder.stop();
      await stopped;
      const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
      let bin = '';
      for (const b of bytes) bin += String.fromCharCode(b);
      return btoa(bin);
    }),
    'base64',
  );
  await alice.page.getByRole('button', { name: 'Attach' }).click();
  const videoChooser = alice.page.waitForEvent('filechooser');
  await alice.page.getByRole('menuitem', { name: 'Photo or video' }).click();
  await (await videoChooser).setFiles({ name: 'clip.webm', mimeType: 'video/webm', buffer: webm });
  const sendVideo = alice.page.getByRole('dialog', { name: 'Send photo or video' });
  await sendVideo.getByLabel('Add a caption').fill(`Clip ${marker}`);
  await sendVideo.getByRole('button', { name: 'Send' }).click();
  const video = bob.page.locator('.msg-row.in[data-kind="video"]').last();
  await expect(video.getByText(`Clip ${marker}`)).toBeVisible({ timeout: 15_000 });
  await expect(video.locator('.media-thumb')).toHaveAttribute('src', /^data:image\/jpeg;base64,/);
  await video.getByRole('button', { name: `Play · Clip ${marker}` }).click();
  const player = video.locator('video');
  await expect(player).toHaveAttribute('src', /^blob:/, { timeout: 15_000 });
  await expect.poll(() => player.evaluate((el: HTMLVideoElement) => el.videoWidth), { timeout: 10_000 }).toBe(160);

  // A document of a few MB, with the marker inside and in its name.
  const doc = Buffer.concat([Buffer.from(`%PDF-1.4\n% ${marker}\n`), crypto.randomBytes(3 * 1024 * 1024), Buffer.from(`\n${marker}\n%%EOF\n`)]);
  const docName = `report-${marker}.pdf`;
  await sendDocument(alice.page, docName, doc);
  const docRow = bob.page.locator('.msg-row.in[data-kind="document"]', { hasText: docName });
  await expect(docRow).toBeVisible({ timeout: 20_000 });
  await expect(docRow.locator('.document-details')).toHaveText('PDF · 3 MB');
  const download = bob.page.waitForEvent('download');
  await docRow.getByRole('button', { name: `Download ${docName}` }).click();
  const saved = await download;
  expect(saved.suggestedFilename()).toBe(docName);
  expect(crypto.createHash('sha256').update(fs.readFileSync((await saved.path())!)).digest('hex')).toBe(crypto.createHash('sha256').update(doc).digest('hex'));

  // The server: envelopes for content, ciphertext for media, no file names, no plaintext anywhere.
  const media = storedMedia(chatId);
  expect(media.map((m) => [m.messageKind, m.kind, m.mimeType, m.fileName])).toEqual([
    ['voice', 'audio', 'application/octet-stream', null],
    ['video', 'video', 'application/octet-stream', null],
    ['document', 'document', 'application/octet-stream', null],
  ]);
  for (const m of media) {
    expect(m.content).toContain('"e2e"');
    expect(m.content).not.toContain(marker);
    const blob = fs.readFileSync(blobFile(m.sha256));
    expect(blob.length).toBe(m.size);
    expect(blob.includes(marker)).toBe(false);
    // Not an Ogg, PDF, WebM/Matroska or MP4 file: bytes no one can sniff.
    for (const magic of ['OggS', '%PDF', '\u001aE\u00df\u00a3']) expect(blob.subarray(0, 4).equals(Buffer.from(magic, 'latin1'))).toBe(false);
    expect(blob.subarray(4, 8).toString('latin1')).not.toBe('ftyp');
  }
  expect(media[1]!.size).toBe(encryptedSize(webm.length));
  expect(media[2]!.size).toBe(encryptedSize(doc.length));
  expect(fs.readFileSync(blobFile(media[2]!.sha256)).includes(doc.subarray(0, 64))).toBe(false);

  // A blob changed on the server after it was sent: Bob's device refuses it and says so.
  const second = Buffer.from(`%PDF-1.4\n% second ${marker}\n${'x'.repeat(5000)}\n%%EOF\n`);
  const secondName = `minutes-${marker}.pdf`;
  await sendDocument(alice.page, secondName, second);
  const secondRow = bob.page.locator('.msg-row.in[data-kind="document"]', { hasText: secondName });
  await expect(secondRow).toBeVisible({ timeout: 15_000 });
  const stored = storedMedia(chatId)[3]!;
  const file = blobFile(stored.sha256);
  const bytes = fs.readFileSync(file);
  bytes[100] = bytes[100]! ^ 0xff;
  fs.writeFileSync(file, bytes);
  await secondRow.getByRole('button', { name: `Download ${secondName}` }).click();
  await expect(secondRow.getByRole('alert')).toHaveText(/This file was changed after it was sent, so it was not opened\./);
  await axeClean(bob.page);

  await alice.context.close();
  await bob.context.close();
});

/** Sign in through the UI with a given number (a further device of an existing account); `oldCode` is the code its last sign-in used. */
async function signInAs(browser: Browser, national: string, oldCode: string): Promise<SignedInPage> {
  const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto('/');
  await page.locator('#country').selectOption('FR');
  await page.locator('#phone').fill(national);
  await page.locator('form button[type=submit]').click();
  // The SMS stub keeps the last code per number: wait for the new one.
  let code = oldCode;
  for (let i = 0; i < 50 && code === oldCode; i++) {
    await page.waitForTimeout(100);
    code = await codeFor(`+33${national}`);
  }
  await page.locator('#code').fill(code);
  await page.locator('form button[type=submit]').click();
  await expect(page.locator('.sidebar')).toBeVisible();
  return { context, page, phone: `+33${national}` };
}

/**
 * Create a new account through the HTTP API only: a device that never sets up encryption (as an
 * older client). Returns its national number (a fresh one: a number other tests used may already
 * have devices that encrypt) and the code it signed in with.
 */
async function registerWithoutEncryption(): Promise<{ national: string; code: string }> {
  const base = process.env.PARLEY_E2E_URL!;
  const post = (p: string, body: unknown) => fetch(`${base}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  for (let attempt = 1; ; attempt++) {
    const national = `6${String(crypto.randomInt(10_000_000, 99_999_999))}`;
    const phone = `+33${national}`;
    const asked = await post('/v1/auth/code', { phone });
    // The shared test server's code sender or limits may refuse one request: try another number.
    if (!asked.ok && attempt < 5) {
      // A rate limit says when to ask again (at most 20 s here); anything else: shortly.
      const after = asked.status === 429 ? Math.min(20, Number(asked.headers.get('retry-after') ?? 1) || 1) : 0.5;
      await new Promise((r) => setTimeout(r, after * 1000));
      continue;
    }
    expect(asked.ok, `POST /v1/auth/code answered ${asked.status}: ${await asked.clone().text()}`).toBe(true);
    const code = await codeFor(phone);
    const verified = await post('/v1/auth/verify', { phone, code, deviceName: 'Old phone', platform: 'android' });
    expect(verified.ok).toBe(true);
    if (((await verified.json()) as { created: boolean }).created) return { national, code };
  }
}

test('a message to a contact with no encrypting device waits (across a reload) and goes encrypted once they have one, never in plain', async ({ browser }) => {
  const marker = `E2E-WAIT-${Date.now().toString(36)}`;
  const { national: bobNational, code: bobOldCode } = await registerWithoutEncryption();
  const alice = await signInNew(browser);

  await startChat(alice.page, `+33${bobNational}`);
  const chatId = openChatId(alice.page);
  await alice.page.locator('.composer textarea').fill(`Are you there ${marker}`);
  await alice.page.keyboard.press('Enter');
  const waiting = bubble(alice.page, `Are you there ${marker}`);
  await expect(waiting.getByRole('status')).toHaveText(/Waiting for .+ to be reachable securely/);
  await expect(waiting.getByRole('img', { name: 'Waiting to send' })).toBeVisible();
  await axeClean(alice.page);
  // Longer than the old fallback to plaintext: still nothing on the server.
  await alice.page.waitForTimeout(6000);
  await expect(waiting.getByRole('status')).toBeVisible();
  expect(query('select id from messages where chat_id = ?', chatId)).toEqual([]);

  // A reload keeps it waiting (the outbox is on the device).
  const chatUrl = alice.page.url();
  await alice.page.reload();
  await expect(alice.page).toHaveURL(chatUrl);
  await expect(bubble(alice.page, `Are you there ${marker}`).getByRole('status')).toHaveText(/to be reachable securely/);
  expect(query('select id from messages where chat_id = ?', chatId)).toEqual([]);

  // Bob signs in on the web: his device sets up encryption, and Alice's message goes, encrypted.
  const bob = await signInAs(browser, bobNational, bobOldCode);
  const item = bob.page.locator('.chat-item', { hasText: `Are you there ${marker}` });
  await expect(item).toBeVisible({ timeout: 30_000 });
  await item.click();
  await expect(bubble(bob.page, `Are you there ${marker}`)).toBeVisible();
  await expect(bubble(alice.page, `Are you there ${marker}`).getByRole('status')).toHaveCount(0);
  const sent = query<{ content: string }>('select content from messages where chat_id = ?', chatId);
  expect(sent).toHaveLength(1);
  expect(sent[0]!.content).toContain('"e2e"');
  expect(sent[0]!.content).not.toContain(marker);

  await alice.context.close();
  await bob.context.close();
});

test('a chat with a business says on both sides that it ends at the business’s platform, and offers no security code', async ({ browser }) => {
  const marker = `E2E-BIZ-${Date.now().toString(36)}`;
  const biz = await signInNewBusiness(browser, { name: 'Librairie Lumière', category: 'food_grocery' });
  const customer = await signInNew(browser);

  await startChat(customer.page, biz.phone);
  await expect(customer.page.locator('.chat-subtitle')).toContainText('Business chat · not end-to-end encrypted');
  await expect(customer.page.locator('.business-chat-notice')).toContainText('they end at the business’s platform');
  await customer.page.locator('.composer textarea').fill(`Do you have it ${marker}`);
  await customer.page.keyboard.press('Enter');
  await customer.page.getByRole('button', { name: 'Contact info' }).click();
  const customerInfo = customer.page.getByRole('complementary', { name: 'Contact info' });
  await expect(customerInfo.getByRole('note')).toContainText('they end at the business’s platform');
  await expect(customer.page.getByRole('button', { name: 'Verify security code' })).toHaveCount(0);

  // The business's side: the same statement, in its own words.
  await biz.page.locator('.chat-item', { hasText: `Do you have it ${marker}` }).click();
  await expect(biz.page.locator('.chat-subtitle')).toContainText('Business chat · not end-to-end encrypted');
  await expect(biz.page.locator('.business-chat-notice')).toHaveText(/You write as a business: this chat is not end-to-end encrypted\./);
  await expect(biz.page.locator('.notice', { hasText: 'Messages in this chat are end-to-end encrypted' })).toHaveCount(0);
  await biz.page.getByRole('button', { name: 'Contact info' }).click();
  await expect(biz.page.getByRole('complementary', { name: 'Contact info' }).getByRole('note')).toContainText('You write as a business');
  await expect(biz.page.getByRole('button', { name: 'Verify security code' })).toHaveCount(0);
  await axeClean(biz.page);

  await biz.context.close();
  await customer.context.close();
});
