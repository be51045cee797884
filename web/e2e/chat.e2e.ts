import { expect, test } from '@playwright/test';
import { signInNew, startChat } from './helpers.js';

test('two people register, chat live, and see ticks turn blue', async ({ browser }) => {
  const alice = await signInNew(browser);
  const bob = await signInNew(browser);

  await startChat(alice.page, bob.phone);
  await alice.page.locator('.composer textarea').fill('Bonjour Bob 👋');
  await alice.page.keyboard.press('Enter');

  // Bob sees the chat appear and opens it.
  const item = bob.page.locator('.chat-item', { hasText: 'Bonjour Bob' });
  await expect(item).toBeVisible();
  await item.click();
  await expect(bob.page.locator('.bubble', { hasText: 'Bonjour Bob 👋' })).toBeVisible();

  // Alice's message goes to read (blue ticks) once Bob has it open.
  await expect(alice.page.locator('.msg-row.out .tick[data-status="read"]')).toBeVisible();

  // Shift+Enter makes a new line; Enter sends.
  await bob.page.locator('.composer textarea').fill('Salut');
  await bob.page.keyboard.press('Shift+Enter');
  await bob.page.keyboard.type('Alice');
  await bob.page.keyboard.press('Enter');
  await expect(alice.page.locator('.bubble-text', { hasText: /Salut\nAlice/ })).toBeVisible();

  await alice.context.close();
  await bob.context.close();
});

test('a French browser gets the French interface', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Se connecter à Parley' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Envoyer le code' })).toBeVisible();
  await context.close();
});
