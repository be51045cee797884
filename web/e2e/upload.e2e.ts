/**
 * Upload progress: on a slow link the composer shows how much of a file is sent, and a cancelled
 * upload sends nothing. The link is slowed down with Chromium's network emulation.
 */
import { expect, test } from '@playwright/test';
import { signInNew, startChat } from './helpers.js';

test('a document upload shows its progress, can be cancelled, and the next one arrives', async ({ browser }) => {
  const alice = await signInNew(browser);
  const bob = await signInNew(browser);
  await startChat(alice.page, bob.phone);

  const cdp = await alice.context.newCDPSession(alice.page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 256 * 1024 });

  const buffer = Buffer.alloc(2 * 1024 * 1024, 'Parley upload test. ');
  const pick = async (name: string) => {
    await alice.page.getByRole('button', { name: 'Attach' }).click();
    const chooser = alice.page.waitForEvent('filechooser');
    await alice.page.getByRole('menuitem', { name: 'Document' }).click();
    await (await chooser).setFiles({ name, mimeType: 'text/plain', buffer });
    await alice.page.getByRole('dialog').getByRole('button', { name: 'Send' }).click();
  };

  // The first upload shows a progress bar that moves, then is cancelled: nothing is sent.
  await pick('first.txt');
  const progress = alice.page.getByRole('progressbar', { name: 'Upload of first.txt' });
  await expect(progress).toBeVisible();
  await expect.poll(async () => Number(await progress.getAttribute('value')), { timeout: 15_000 }).toBeGreaterThan(0.1);
  await alice.page.getByRole('button', { name: 'Cancel sending first.txt' }).click();
  await expect(progress).toHaveCount(0);

  // The second one goes through and Bob gets it (and never the first).
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await pick('second.txt');
  await bob.page.locator('.chat-item').first().click();
  await expect(bob.page.locator('.msg-row.in[data-kind="document"]', { hasText: 'second.txt' })).toBeVisible({ timeout: 15_000 });
  await expect(bob.page.locator('.msg-row[data-kind="document"]')).toHaveCount(1);

  await alice.context.close();
  await bob.context.close();
});
