/**
 * End-to-end encryption in two browsers: Alice and Bob chat (text, a reply, a reaction, a photo),
 * each side decrypts on the device; they verify each other's safety number by scanning a picture of
 * the other's QR code; the server's database holds no plaintext of their messages. A device whose
 * welcome record was lost joins from the welcome the server kept.
 */
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import Database from 'better-sqlite3';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { signInNew, startChat } from './helpers.js';

function bubble(page: Page, text: string | RegExp): Locator {
  return page.locator('.msg-row', { has: page.locator('.bubble-text', { hasText: text }) }).last();
}

/** Rows of a query on the test server's SQLite database (read-only). */
function stored<T>(query: string): T[] {
  const db = new Database(path.join(process.env.PARLEY_E2E_DATA_DIR!, 'parley.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(query).all() as T[];
  } finally {
    db.close();
  }
}

/** The stored content of every message of the server. */
const storedContents = () => stored<{ content: string }>('select content from messages').map((r) => String(r.content));
/** The reactions the server stores of the account with this phone number: the emoji column and whether it holds an envelope. */
const storedReactions = (phone: string) =>
  stored<{ emoji: string; encrypted: number }>(`select r.emoji, r.e2e is not null as encrypted from reactions r join accounts a on a.id = r.account_id where a.phone = '${phone}'`);

test('two people chat end-to-end encrypted; the server stores only ciphertext', async ({ browser }) => {
  const marker = `E2E-MARKER-${Date.now().toString(36)}`;
  const alice = await signInNew(browser);
  const bob = await signInNew(browser);

  await startChat(alice.page, bob.phone);
  await expect(alice.page.locator('.notice', { hasText: 'end-to-end encrypted' })).toBeVisible();
  await alice.page.locator('.composer textarea').fill(`Hello Bob ${marker}`);
  await alice.page.keyboard.press('Enter');

  const item = bob.page.locator('.chat-item', { hasText: `Hello Bob ${marker}` });
  await expect(item).toBeVisible();
  await item.click();
  await expect(bubble(bob.page, `Hello Bob ${marker}`)).toBeVisible();

  // Bob replies with a quote; Alice decrypts the reply and sees the quoted message.
  const row = bubble(bob.page, `Hello Bob ${marker}`);
  await row.locator('.bubble').hover();
  await row.getByRole('button', { name: 'Message actions' }).click();
  await bob.page.getByRole('menuitem', { name: 'Reply' }).click();
  await bob.page.locator('.composer textarea').fill(`Hi Alice ${marker}`);
  await bob.page.keyboard.press('Enter');
  const reply = bubble(alice.page, `Hi Alice ${marker}`);
  await expect(reply).toBeVisible();
  await expect(reply.locator('.quote-preview')).toHaveText(`Hello Bob ${marker}`);

  // Alice reacts to Bob's reply: the emoji is encrypted on her device and decrypted on Bob's.
  await reply.locator('.bubble').hover();
  await reply.getByRole('button', { name: 'Message actions' }).click();
  await alice.page.getByRole('button', { name: 'React with 😮' }).click();
  await expect(reply.getByRole('button', { name: 'Reactions: 😮 1' })).toBeVisible();
  await expect(bubble(bob.page, `Hi Alice ${marker}`).getByRole('button', { name: 'Reactions: 😮 1' })).toBeVisible();
  expect(storedReactions(alice.phone)).toEqual([{ emoji: '', encrypted: 1 }]);

  // A photo: encrypted on Alice's device (thumbnail made there), decrypted on Bob's.
  const png = Buffer.from(
    await alice.page.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 300;
      c.height = 180;
      const ctx = c.getContext('2d')!;
      ctx.fillStyle = '#0b6e4f';
      ctx.fillRect(0, 0, 300, 180);
      return c.toDataURL('image/png').split(',')[1]!;
    }),
    'base64',
  );
  await alice.page.getByRole('button', { name: 'Attach' }).click();
  const chooser = alice.page.waitForEvent('filechooser');
  await alice.page.getByRole('menuitem', { name: 'Photo or video' }).click();
  await (await chooser).setFiles({ name: 'garden.png', mimeType: 'image/png', buffer: png });
  const send = alice.page.getByRole('dialog', { name: 'Send photo or video' });
  await send.getByLabel('Add a caption').fill(`Garden ${marker}`);
  await send.getByRole('button', { name: 'Send' }).click();
  const photo = bob.page.locator('.msg-row.in[data-kind="image"]').last();
  await expect(photo.getByText(`Garden ${marker}`)).toBeVisible({ timeout: 15_000 });
  const img = photo.getByRole('img', { name: `Garden ${marker}` });
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(300);
  expect(await img.getAttribute('src')).toMatch(/^blob:/);

  // After a reload, the history still reads (the device keeps what it decrypted).
  await bob.page.reload();
  await bob.page.locator('.chat-item', { hasText: `Garden ${marker}` }).click();
  await expect(bubble(bob.page, `Hello Bob ${marker}`)).toBeVisible();
  // The reaction too: it was decrypted once and kept on the device.
  await expect(bubble(bob.page, `Hi Alice ${marker}`).getByRole('button', { name: 'Reactions: 😮 1' })).toBeVisible();

  // Safety numbers: Alice shows her code, Bob scans a picture of it; both see the same digits.
  await alice.page.getByRole('button', { name: 'Contact info' }).click();
  await alice.page.getByRole('button', { name: 'Verify security code' }).click();
  const aliceDialog = alice.page.getByRole('dialog', { name: 'Verify security code' });
  const qr = aliceDialog.locator('img.safety-qr');
  await expect(qr).toBeVisible();
  const axe = await new AxeBuilder({ page: alice.page }).include('.dialog').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  const picture = path.join(os.tmpdir(), `parley-safety-${process.pid}-${Date.now()}.png`);
  await qr.screenshot({ path: picture });
  const aliceDigits = (await aliceDialog.locator('.safety-digits').textContent()) ?? '';
  expect(aliceDigits).toMatch(/^\d{60}$/);

  await bob.page.getByRole('button', { name: 'Contact info' }).click();
  await bob.page.getByRole('button', { name: 'Verify security code' }).click();
  const bobDialog = bob.page.getByRole('dialog', { name: 'Verify security code' });
  await expect(bobDialog.locator('.safety-digits')).toHaveText(aliceDigits);
  await expect(bobDialog.locator('.safety-status')).toHaveText('Not verified yet.');
  await bobDialog.getByLabel('Scan from a picture').setInputFiles(picture);
  await expect(bobDialog.locator('.safety-status')).toHaveText('✓ Verified');
  await bobDialog.getByRole('button', { name: 'Close' }).click();
  await expect(bob.page.locator('.chat-header .verified-mark')).toBeVisible();

  // The server holds envelopes, never the text.
  const contents = storedContents();
  expect(contents.length).toBeGreaterThanOrEqual(3);
  expect(contents.filter((c) => c.includes('"e2e"')).length).toBeGreaterThanOrEqual(3);
  expect(contents.filter((c) => c.includes(marker))).toEqual([]);
  // Each device also published a last-resort key package (it can be added to chats when the others run out).
  const lastResort = (phone: string) =>
    stored<{ n: number }>(`select count(*) as n from e2e_key_packages k join accounts a on a.id = k.account_id where a.phone = '${phone}' and k.last_resort = 1`)[0]!.n;
  expect([lastResort(alice.phone), lastResort(bob.phone)]).toEqual([1, 1]);

  await alice.context.close();
  await bob.context.close();
});

test('a device whose welcome record was lost still joins the chat: it fetches its kept welcome at start-up', async ({ browser }) => {
  const marker = `LOST-WELCOME-${Date.now().toString(36)}`;
  const alice = await signInNew(browser);
  const bob = await signInNew(browser);
  // Wait until Bob's device has published its key packages, then close the app.
  const bobId = stored<{ id: string }>(`select id from accounts where phone = '${bob.phone}'`)[0]!.id;
  await expect.poll(() => stored<{ n: number }>(`select count(*) as n from e2e_key_packages where account_id = '${bobId}'`)[0]!.n).toBeGreaterThan(1);
  await bob.page.close();

  await startChat(alice.page, bob.phone);
  await alice.page.locator('.composer textarea').fill(`Are you there? ${marker}`);
  await alice.page.keyboard.press('Enter');
  await expect.poll(() => stored<{ n: number }>(`select count(*) as n from e2e_welcomes where account_id = '${bobId}'`)[0]!.n).toBe(1);
  // The welcome record never reaches Bob's device (as if the log had been pruned while it was away).
  const db = new Database(path.join(process.env.PARLEY_E2E_DATA_DIR!, 'parley.db'));
  try {
    db.prepare(`delete from updates where account_id = ? and type = 'e2e.welcome'`).run(bobId);
  } finally {
    db.close();
  }

  const page = await bob.context.newPage();
  await page.goto('/');
  const item = page.locator('.chat-item', { hasText: `Are you there? ${marker}` });
  await expect(item).toBeVisible({ timeout: 15_000 });
  await item.click();
  await expect(bubble(page, `Are you there? ${marker}`)).toBeVisible();
  // It joined from the kept welcome and confirmed it.
  await expect.poll(() => stored<{ n: number }>(`select count(*) as n from e2e_welcomes where account_id = '${bobId}'`)[0]!.n).toBe(0);

  await alice.context.close();
  await bob.context.close();
});
