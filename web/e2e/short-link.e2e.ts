/**
 * A business's short link, end to end: the business sets its prefilled text in Business tools →
 * Short link; a signed-out person opens the link, signs in, lands in the chat with the business
 * with the prefilled text in the composer, sends it, and the business receives it.
 *
 * The business registers through the sign-in screen and is verified by an administrator over the
 * real endpoints, so the link's landing page shows the verified badge.
 */
import { expect, test } from '@playwright/test';
import { codeFor, nextNational, signInNewBusiness, verifyBusiness } from './helpers.js';

test('a signed-out person opens a short link, signs in and lands in the chat with the prefilled text', async ({ browser }) => {
  const business = await signInNewBusiness(browser, { name: 'Boulangerie Martin', category: 'food_grocery' });
  const bizPage = business.page;
  await verifyBusiness(bizPage, 'Boulangerie Martin SAS');

  // Business tools → Short link: set the prefilled text and read the link.
  await bizPage.getByRole('button', { name: 'Settings' }).click();
  await bizPage.getByRole('button', { name: 'Business tools' }).click();
  const tools = bizPage.getByRole('complementary', { name: /Business tools|Short link/ });
  await tools.getByRole('button', { name: 'Short link' }).click();
  const prefilled = 'Hello! I would like to order a cake.';
  await tools.getByLabel('Prefilled message').fill(prefilled);
  await tools.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(tools.getByText('Saved.', { exact: true })).toBeVisible();
  await expect(tools.getByRole('img', { name: /QR code that opens/ })).toBeVisible();
  const url = await tools.getByLabel('Link', { exact: true }).inputValue();
  expect(url).toMatch(/\/l\/[A-Za-z0-9_-]{12}$/);
  await tools.getByRole('button', { name: 'Close business tools' }).click();

  // A person who is signed out opens the link.
  const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 390, height: 800 } });
  const page = await context.newPage();
  await page.goto(new URL(url).pathname);
  await expect(page.getByRole('heading', { name: /Boulangerie Martin/ })).toBeVisible();
  await expect(page.getByText('Verified business')).toBeAttached();
  await expect(page.getByText(prefilled)).toBeVisible();
  await page.getByRole('button', { name: 'Sign in to chat' }).click();
  await expect(page.getByText('Sign in to start your chat with Boulangerie Martin.')).toBeVisible();

  const national = nextNational();
  await page.locator('#country').selectOption('FR');
  await page.locator('#phone').fill(national);
  await page.locator('form button[type=submit]').click();
  await page.locator('#code').fill(await codeFor(`+33${national}`));
  await page.locator('form button[type=submit]').click();

  // Straight into the chat with the business, the text waiting in the composer.
  await expect(page).toHaveURL(/\/chat\/[^/]+$/);
  const composer = page.locator('.composer textarea');
  await expect(composer).toHaveValue(prefilled);
  await composer.press('Enter');
  await expect(page.locator('.msg-row.out', { hasText: prefilled })).toBeVisible();

  // The business receives it.
  await expect(bizPage.locator('.chat-item', { hasText: prefilled })).toBeVisible();
  await bizPage.locator('.chat-item', { hasText: prefilled }).click();
  await expect(bizPage.locator('.msg-row', { hasText: prefilled })).toBeVisible();

  // After a reset the old link no longer works.
  await bizPage.getByRole('button', { name: 'Settings' }).click();
  await bizPage.getByRole('button', { name: 'Business tools' }).click();
  await tools.getByRole('button', { name: 'Short link' }).click();
  await tools.getByRole('button', { name: 'Reset link' }).click();
  await bizPage.getByRole('dialog').getByRole('button', { name: 'Reset link' }).click();
  await expect(tools.getByLabel('Link', { exact: true })).not.toHaveValue(url);
  await page.goto(new URL(url).pathname);
  await expect(page.getByRole('heading', { name: 'This link does not work' })).toBeVisible();

  await context.close();
  await business.context.close();
});
