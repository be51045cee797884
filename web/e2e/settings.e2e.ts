import { expect, test, type Page } from '@playwright/test';
import { codeFor, signInNew, startChat } from './helpers.js';

async function openSettings(page: Page) {
  await page.getByRole('button', { name: /^(Settings|Paramètres)$/ }).click();
  return page.getByRole('complementary', { name: /^(Settings|Paramètres)$/ });
}

async function send(page: Page, text: string) {
  await page.locator('.composer textarea').fill(text);
  await page.keyboard.press('Enter');
  await expect(page.locator('.msg-row.out', { hasText: text })).toBeVisible();
}

test('a person sets name and about, switches to French and to the dark theme', async ({ browser }) => {
  const { context, page } = await signInNew(browser);
  let panel = await openSettings(page);
  await expect(panel.getByRole('heading', { name: 'Settings' })).toBeFocused();

  await panel.getByLabel('Name', { exact: true }).fill('Alice Martin');
  await panel.getByLabel('About', { exact: true }).fill('Climbing and coffee');
  await expect(panel.getByText('19/139')).toBeVisible();
  await panel.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(panel.getByText('Saved', { exact: true })).toBeVisible();

  // Escape closes the panel and focus goes back to the Settings button.
  await panel.getByLabel('Name', { exact: true }).press('Escape');
  await expect(panel).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Settings' })).toBeFocused();

  // Saved on the server: still there after a reload.
  await page.reload();
  panel = await openSettings(page);
  await expect(panel.getByLabel('Name', { exact: true })).toHaveValue('Alice Martin');
  await expect(panel.getByLabel('About', { exact: true })).toHaveValue('Climbing and coffee');

  // French, live.
  await panel.getByRole('combobox', { name: 'Language' }).selectOption('fr');
  panel = page.getByRole('complementary', { name: 'Paramètres' });
  await expect(panel.getByRole('heading', { name: 'Paramètres' })).toBeVisible();
  await expect(panel.getByRole('heading', { name: 'Confidentialité' })).toBeVisible();
  await expect(panel.getByLabel('Qui peut voir ma photo de profil')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Discussions' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');

  // Dark theme, remembered.
  await panel.getByRole('radio', { name: 'Sombre' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(11, 20, 26)');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByRole('heading', { name: 'Discussions' })).toBeVisible();
  await context.close();
});

test('settings on a phone cover the screen and close with Escape', async ({ browser }) => {
  const { context, page } = await signInNew(browser, { viewport: { width: 390, height: 844 } });
  const panel = await openSettings(page);
  const box = await panel.boundingBox();
  expect(box?.width ?? 0).toBeCloseTo(390, 0);
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  await context.close();
});

test('linked devices: a second sign-in is listed and can be signed out from the first', async ({ browser }) => {
  const first = await signInNew(browser);
  const context2 = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } });
  const second = await context2.newPage();
  await second.goto('/');
  await second.locator('#country').selectOption('FR');
  await second.locator('#phone').fill(first.phone.slice(3));
  await second.locator('form button[type=submit]').click();
  await expect(second.locator('#code')).toBeVisible();
  await second.locator('#code').fill(await codeFor(first.phone));
  await second.locator('form button[type=submit]').click();
  await expect(second.locator('.sidebar')).toBeVisible();

  const panel = await openSettings(first.page);
  const devices = panel.getByRole('list', { name: 'Linked devices' });
  await expect(devices.getByRole('listitem')).toHaveCount(2);
  await expect(devices.getByText('This device')).toHaveCount(1);
  const other = devices.getByRole('listitem').filter({ hasNotText: 'This device' });
  await expect(other).toContainText('Last active');
  await other.getByRole('button', { name: 'Sign out' }).click();
  const dialog = first.page.getByRole('dialog', { name: 'Sign out this device?' });
  await dialog.getByRole('button', { name: 'Sign out' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(devices.getByRole('listitem')).toHaveCount(1);

  // The second browser is told at once and goes back to the sign-in screen.
  await expect(second.getByRole('heading', { name: 'Sign in to Parley' })).toBeVisible();
  await first.context.close();
  await context2.close();
});

test('Alice blocks Bob from his contact info, and his next message does not reach her', async ({ browser }) => {
  const alice = await signInNew(browser);
  const bob = await signInNew(browser);
  await startChat(bob.page, alice.phone);
  await send(bob.page, 'Hello Alice');

  const item = alice.page.locator('.chat-row', { hasText: 'Hello Alice' });
  await expect(item).toBeVisible();
  await item.locator('.chat-item').click();
  await expect(alice.page.locator('.bubble', { hasText: 'Hello Alice' })).toBeVisible();

  // Contact info from the chat's menu in the list.
  await item.hover();
  await item.getByRole('button', { name: /^Chat options for/ }).click();
  await alice.page.getByRole('menuitem', { name: 'Contact info' }).click();
  const panel = alice.page.getByRole('complementary', { name: 'Contact info' });
  await expect(panel).toBeVisible();
  await expect(panel.getByRole('heading', { level: 3 }).first()).toHaveText(/\+33/);

  await panel.getByRole('button', { name: /^Block / }).click();
  const dialog = alice.page.getByRole('dialog', { name: 'Block this contact?' });
  await dialog.getByRole('button', { name: 'Block', exact: true }).click();
  await expect(panel.getByText('You blocked this contact.')).toBeVisible();
  await expect(panel.getByRole('button', { name: /^Unblock / })).toBeVisible();

  await send(bob.page, 'Are you there?');
  await expect(bob.page.locator('.msg-row.out', { hasText: 'Are you there?' }).locator('.tick:not([data-status="pending"])')).toBeVisible();
  await alice.page.waitForTimeout(1500);
  await expect(alice.page.locator('.bubble', { hasText: 'Are you there?' })).toHaveCount(0);
  await expect(alice.page.locator('.chat-item', { hasText: 'Are you there?' })).toHaveCount(0);

  // Not on the server for her either.
  await alice.page.reload();
  await expect(alice.page.locator('.bubble', { hasText: 'Hello Alice' })).toBeVisible();
  await expect(alice.page.locator('.bubble', { hasText: 'Are you there?' })).toHaveCount(0);

  // Settings lists Bob under blocked contacts.
  const settings = await openSettings(alice.page);
  await expect(settings.getByRole('list', { name: 'Blocked contacts' }).getByRole('listitem')).toHaveCount(1);
  await alice.context.close();
  await bob.context.close();
});

// Fails intermittently on a loaded 2-core machine: after the keyboard part, the right-click on a
// chat row sometimes opens no menu. Kept visible here until the cause is found and fixed.
test('the chat menu pins and archives a chat', async ({ browser }) => {
  const alice = await signInNew(browser);
  const bob = await signInNew(browser);
  const carol = await signInNew(browser);
  await startChat(alice.page, bob.phone);
  await send(alice.page, 'to Bob');
  await startChat(alice.page, carol.phone);
  await send(alice.page, 'to Carol');

  const page = alice.page;
  const rows = page.locator('.chat-list .chat-row');
  await expect(rows.first()).toContainText('to Carol');

  // Pin Bob from the row's menu button.
  const bobRow = page.locator('.chat-row', { hasText: 'to Bob' });
  await bobRow.hover();
  await bobRow.getByRole('button', { name: /^Chat options for/ }).click();
  await page.getByRole('menuitem', { name: 'Pin chat' }).click();
  await expect(rows.first()).toContainText('to Bob');
  await expect(bobRow.getByRole('img', { name: 'Pinned' })).toBeVisible();

  // Keyboard: arrows move between chats; Shift+F10 (or the context-menu key) opens the menu of
  // the focused chat, Escape closes it and focus goes back; Enter opens the chat.
  await rows.first().locator('.chat-item').focus();
  await page.keyboard.press('ArrowDown');
  await expect(rows.nth(1).locator('.chat-item')).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(rows.first().locator('.chat-item')).toBeFocused();
  await page.keyboard.press('Shift+F10');
  await expect(page.getByRole('menuitem', { name: 'Contact info' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('menuitem', { name: 'Unpin chat' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu')).toHaveCount(0);
  await expect(rows.first().locator('.chat-item')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('.bubble', { hasText: 'to Bob' })).toBeVisible();

  // Archive Carol with a right click.
  await page.locator('.chat-row', { hasText: 'to Carol' }).click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Archive chat' }).click();
  await expect(page.locator('.chat-row', { hasText: 'to Carol' })).toHaveCount(0);
  await expect(page.getByText('Chat archived.')).toBeVisible();
  await page.getByRole('button', { name: 'Archived', exact: true }).click();
  await expect(page.locator('.chat-row', { hasText: 'to Carol' })).toBeVisible();

  // Kept on the server.
  await page.reload();
  await expect(rows.first()).toContainText('to Bob');
  await expect(bobRow.getByRole('img', { name: 'Pinned' })).toBeVisible();
  await expect(page.locator('.chat-row', { hasText: 'to Carol' })).toHaveCount(0);

  await alice.context.close();
  await bob.context.close();
  await carol.context.close();
});
