/**
 * A business registers, fills its profile and asks for verification; an administrator created
 * with `parley admin create` approves it at /admin; a customer chatting with the business sees
 * the verified badge (chat list, header, info panel) and the business profile.
 */
import { expect, test, type Page } from '@playwright/test';
import { codeFor, createAdmin, nextNational, png, signInNew, startChat } from './helpers.js';

async function openBusinessSection(page: Page, section: 'Business profile' | 'Verification') {
  await page.getByRole('button', { name: /^Settings$/ }).click();
  await page.getByRole('complementary', { name: 'Settings' }).getByRole('button', { name: 'Business tools' }).click();
  const panel = page.getByRole('complementary', { name: 'Business tools' });
  await panel.getByRole('button', { name: section }).click();
  return page.getByRole('complementary', { name: section });
}

test('a business gets verified by an administrator and its customers see the badge', async ({ browser }) => {
  // ---- the business registers -------------------------------------------------------------------
  const bizContext = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } });
  const biz = await bizContext.newPage();
  await biz.goto('/');
  const national = nextNational();
  const bizPhone = `+33${national}`;
  await biz.locator('#country').selectOption('FR');
  await biz.locator('#phone').fill(national);
  await biz.getByLabel('Register as a business').check();
  await biz.getByLabel('Business name').fill('Chez Léa');
  await biz.getByLabel('Category').selectOption('restaurant');
  await biz.locator('form button[type=submit]').click();
  await biz.locator('#code').fill(await codeFor(bizPhone));
  await biz.locator('form button[type=submit]').click();
  await expect(biz.locator('.sidebar')).toBeVisible();

  // ---- it fills its profile ---------------------------------------------------------------------
  let panel = await openBusinessSection(biz, 'Business profile');
  await expect(panel.getByLabel('Business name')).toHaveValue('Chez Léa');
  await panel.getByLabel('Description').fill('Seasonal French cooking since 1998.');
  await panel.getByLabel('About', { exact: true }).fill('Fresh every day');
  await panel.getByRole('textbox', { name: 'Address' }).fill('12 rue de la Paix, Paris');
  await panel.getByLabel('Latitude').fill('48.8686');
  await panel.getByLabel('Longitude').fill('2.3317');
  await panel.getByLabel('Time zone').selectOption('Europe/Paris');
  for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) {
    await panel.getByLabel(`${day}: opening`).selectOption('open24');
  }
  await panel.getByLabel('Email').fill('hello@chezlea.fr');
  await panel.getByLabel('Website 1').fill('https://chezlea.example');
  await panel.getByRole('button', { name: 'Save profile' }).click();
  await expect(panel.getByText('Business profile saved.')).toBeVisible();

  // A bad value is refused with a clear message (and nothing is saved).
  await panel.getByLabel('Email').fill('not-an-email');
  await panel.getByRole('button', { name: 'Save profile' }).click();
  await expect(panel.getByText('This email address is not valid.')).toBeVisible();
  await panel.getByLabel('Email').fill('hello@chezlea.fr');

  // ---- and asks for verification -------------------------------------------------------------------
  await biz.keyboard.press('Escape');
  panel = await openBusinessSection(biz, 'Verification');
  await expect(panel.getByText('Status: Not verified')).toBeVisible();
  await panel.getByLabel('Legal name').fill('Léa Martin SARL');
  await panel.locator('input[type=file]').setInputFiles({ name: 'registration.png', mimeType: 'image/png', buffer: png() });
  await expect(panel.getByText('registration.png', { exact: true })).toBeVisible();
  await panel.getByRole('button', { name: 'Submit for verification' }).click();
  await expect(panel.getByText('Status: Waiting for review')).toBeVisible();

  // ---- a customer chats with the business ----------------------------------------------------------
  const customer = await signInNew(browser);
  await startChat(customer.page, bizPhone);
  await customer.page.locator('.composer textarea').fill('Do you have a table tonight?');
  await customer.page.keyboard.press('Enter');
  const row = customer.page.locator('.chat-item', { hasText: 'Chez Léa' });
  await expect(row.getByText('Business', { exact: true })).toBeVisible();
  await expect(row.getByRole('img', { name: 'Verified business' })).toHaveCount(0);

  // ---- an administrator (created with the CLI) approves at /admin -----------------------------------
  const { username, password } = createAdmin();
  const adminContext = await browser.newContext({ locale: 'en-GB' });
  const admin = await adminContext.newPage();
  await admin.goto('/admin');
  await admin.getByLabel('Username').fill(username);
  await admin.getByLabel('Password').fill('wrong password!!');
  await admin.getByRole('button', { name: 'Sign in' }).click();
  await expect(admin.getByRole('alert')).toHaveText('Wrong username or password.');
  await admin.getByLabel('Password').fill(password);
  await admin.getByRole('button', { name: 'Sign in' }).click();
  const card = admin.getByRole('listitem').filter({ hasText: 'Léa Martin SARL' });
  await expect(card.getByRole('heading', { name: 'Chez Léa' })).toBeVisible();
  await expect(card.getByText('Restaurant')).toBeVisible();
  const doc = card.getByRole('link', { name: 'Open registration.png' });
  const docRes = await admin.request.get((await doc.getAttribute('href'))!);
  expect(docRes.status()).toBe(200);
  expect(docRes.headers()['content-type']).toBe('image/png');
  await card.getByRole('button', { name: 'Approve' }).click();
  await expect(admin.getByText('Chez Léa is now verified.')).toBeVisible();
  await expect(admin.getByText('No request is waiting for review.')).toBeVisible();

  // ---- the business sees it is verified --------------------------------------------------------------
  await expect(panel.getByText('Status: Verified')).toBeVisible();

  // ---- the customer sees the badge everywhere and the business profile -------------------------------
  const page = customer.page;
  await page.reload();
  const header = page.locator('.chat-header');
  await expect(header.getByRole('img', { name: 'Verified business' })).toBeVisible();
  await expect(header.getByText('Business', { exact: true })).toBeVisible();
  await expect(page.locator('.chat-item', { hasText: 'Chez Léa' }).getByRole('img', { name: 'Verified business' })).toBeVisible();
  await page.getByRole('button', { name: 'Contact info' }).click();
  const info = page.getByRole('complementary', { name: 'Contact info' });
  await expect(info.getByRole('heading', { name: /Chez Léa/ }).getByRole('img', { name: 'Verified business' })).toBeVisible();
  const business = info.getByTestId('business-info');
  await expect(business.getByText('This is a business account.')).toBeVisible();
  await expect(business.getByText('Restaurant')).toBeVisible();
  await expect(business.getByText('Seasonal French cooking since 1998.')).toBeVisible();
  await expect(business.getByText('12 rue de la Paix, Paris')).toBeVisible();
  await expect(business.getByRole('link', { name: 'Show on the map' })).toHaveAttribute('href', /^https:\/\/www\.openstreetmap\.org\/\?mlat=48\.8686&mlon=2\.3317/);
  await expect(business.getByText('Open now')).toBeVisible();
  await expect(business.getByRole('link', { name: 'hello@chezlea.fr' })).toHaveAttribute('href', 'mailto:hello@chezlea.fr');
  await expect(business.getByRole('link', { name: 'chezlea.example' })).toHaveAttribute('href', 'https://chezlea.example');

  // In French, the category and the badge are translated.
  await page.evaluate(() => localStorage.setItem('parley.locale', 'fr'));
  await page.reload();
  await page.getByRole('button', { name: 'Infos du contact' }).click().catch(() => undefined);
  const infoFr = page.getByRole('complementary').getByTestId('business-info');
  await expect(infoFr.getByText('Ceci est un compte professionnel.')).toBeVisible();
  await expect(infoFr.getByRole('img', { name: 'Entreprise vérifiée' })).toBeVisible();
  await Promise.all([bizContext.close(), adminContext.close(), customer.context.close()]);
});

test('a person converts to a business account after confirming, on a phone', async ({ browser }) => {
  const { context, page } = await signInNew(browser, { viewport: { width: 390, height: 844 } });
  await page.getByRole('button', { name: /^Settings$/ }).click();
  const settings = page.getByRole('complementary', { name: 'Settings' });
  await expect(settings.getByRole('button', { name: 'Business tools' })).toHaveCount(0);
  await settings.getByRole('button', { name: 'Convert to a business account' }).click();
  const dialog = page.getByRole('dialog', { name: 'Convert to a business account?' });
  await dialog.getByLabel('Business name').fill('Bike Repair');
  // No category yet: the server's refusal is shown in the dialog.
  await dialog.getByRole('button', { name: 'Convert to a business account' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Choose a category from the list.');
  await dialog.getByLabel('Category').selectOption('automotive');
  await dialog.getByRole('button', { name: 'Convert to a business account' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(settings.getByRole('button', { name: 'Business tools' })).toBeVisible();
  await expect(settings.getByRole('button', { name: 'Convert to a business account' })).toHaveCount(0);
  await settings.getByRole('button', { name: 'Business tools' }).click();
  const tools = page.getByRole('complementary', { name: 'Business tools' });
  await tools.getByRole('button', { name: 'Business profile' }).click();
  const profile = page.getByRole('complementary', { name: 'Business profile' });
  await expect(profile.getByLabel('Business name')).toHaveValue('Bike Repair');
  await expect(profile.getByLabel('Category')).toHaveValue('automotive');
  await context.close();
});
