/**
 * The Business app tier end to end, as a small shop lives it. A business registers through the
 * sign-in screen, fills its profile, sets its greeting message, a quick reply, two products and a
 * label, and asks for verification; an administrator (created with `parley admin create`) approves
 * it at /admin. A customer, in another browser context, opens the business's short link signed
 * out, signs in, lands in the chat, sends the prefilled text, gets the greeting, sees the verified
 * badge, browses the catalog from the business info panel and sends an order. The business labels
 * the chat, answers with a quick reply chosen with `/` and confirms the order; the customer sees
 * the order confirmed.
 */
import { expect, test, type Page } from '@playwright/test';
import { codeFor, createAdmin, nextNational, png, signInNewBusiness } from './helpers.js';

const SHOP = 'La Petite Épicerie';
const GREETING = 'Bonjour! Welcome to La Petite Épicerie.';
const QUICK_REPLY = 'Thank you! Your order will be ready at 5 pm.';
const PREFILLED = 'Hello! I saw your shop on Instagram.';

/** Business tools → `section`, from wherever the business is (the tools panel is closed first). */
async function openTools(page: Page, section: string) {
  const close = page.getByRole('button', { name: 'Close business tools' });
  if (await close.isVisible()) await close.click();
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('complementary', { name: 'Settings' }).getByRole('button', { name: 'Business tools' }).click();
  await page.getByRole('complementary', { name: 'Business tools' }).getByRole('button', { name: section }).click();
  return page.getByRole('complementary', { name: section });
}

async function addProduct(page: Page, name: string, price: string, description: string) {
  const panel = page.getByRole('complementary', { name: 'Catalog' });
  await panel.getByRole('button', { name: 'Add product' }).click();
  const form = panel.getByRole('form', { name: 'Add product' });
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByLabel('Description').fill(description);
  await form.getByLabel('Price', { exact: true }).fill(price);
  await form.getByLabel('Currency').selectOption('EUR');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByText(`"${name}" saved.`)).toBeVisible();
  await expect(panel.getByRole('list', { name: 'Products' }).getByText(name, { exact: true })).toBeVisible();
}

test('a business sets up shop and gets verified; a customer comes through its short link and orders; the business answers and confirms', async ({ browser }) => {
  // ---- the business registers and fills its profile ---------------------------------------------
  const shop = await signInNewBusiness(browser, { name: SHOP, category: 'food_grocery' });
  const biz = shop.page;
  let panel = await openTools(biz, 'Business profile');
  await expect(panel.getByLabel('Business name')).toHaveValue(SHOP);
  await panel.getByLabel('Description').fill('Cheese, bread and honey from small farms.');
  await panel.getByLabel('About', { exact: true }).fill('Open every day');
  await panel.getByLabel('Time zone').selectOption('Europe/Paris');
  await panel.getByRole('button', { name: 'Save profile' }).click();
  await expect(panel.getByText('Business profile saved.')).toBeVisible();

  // ---- its greeting message ------------------------------------------------------------------------
  panel = await openTools(biz, 'Greeting message');
  await panel.getByRole('switch', { name: 'Send a greeting message' }).check();
  await panel.getByLabel('Message', { exact: true }).fill(GREETING);
  await panel.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(panel.getByText('Saved', { exact: true })).toBeVisible();

  // ---- a quick reply -------------------------------------------------------------------------------
  panel = await openTools(biz, 'Quick replies');
  await panel.getByRole('button', { name: 'New quick reply' }).click();
  await panel.getByLabel('Shortcut').fill('ready');
  await panel.getByLabel('Message', { exact: true }).fill(QUICK_REPLY);
  await panel.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(panel.getByText('/ready')).toBeVisible();

  // ---- two products --------------------------------------------------------------------------------
  await openTools(biz, 'Catalog');
  await addProduct(biz, 'Sourdough loaf', '4.20', 'Baked this morning');
  await addProduct(biz, 'Lavender honey', '8.50', 'From the Drôme, 250 g');

  // ---- a label of its own --------------------------------------------------------------------------
  panel = await openTools(biz, 'Labels');
  await panel.getByRole('button', { name: 'New label' }).click();
  const labelForm = panel.getByRole('form', { name: 'New label' });
  await labelForm.getByLabel('Label name').fill('Regular');
  await labelForm.getByRole('radio').nth(5).click();
  await labelForm.getByRole('button', { name: 'Save' }).click();
  await expect(labelForm).toHaveCount(0);
  await expect(panel.getByRole('button', { name: 'Edit label Regular' })).toBeVisible();

  // ---- it asks for verification --------------------------------------------------------------------
  panel = await openTools(biz, 'Verification');
  await expect(panel.getByText('Status: Not verified')).toBeVisible();
  await panel.getByLabel('Legal name').fill('Épicerie Dubois SARL');
  await panel.locator('input[type=file]').setInputFiles({ name: 'kbis.png', mimeType: 'image/png', buffer: png() });
  await expect(panel.getByText('kbis.png', { exact: true })).toBeVisible();
  await panel.getByRole('button', { name: 'Submit for verification' }).click();
  await expect(panel.getByText('Status: Waiting for review')).toBeVisible();

  // ---- an administrator approves it at /admin -------------------------------------------------------
  const { username, password } = createAdmin();
  const adminContext = await browser.newContext({ locale: 'en-GB' });
  const admin = await adminContext.newPage();
  await admin.goto('/admin');
  await admin.getByLabel('Username').fill(username);
  await admin.getByLabel('Password').fill(password);
  await admin.getByRole('button', { name: 'Sign in' }).click();
  const card = admin.getByRole('listitem').filter({ hasText: 'Épicerie Dubois SARL' });
  await expect(card.getByRole('heading', { name: SHOP })).toBeVisible();
  await card.getByRole('button', { name: 'Approve' }).click();
  await expect(admin.getByText(`${SHOP} is now verified.`)).toBeVisible();
  await adminContext.close();
  await expect(panel.getByText('Status: Verified')).toBeVisible();

  // ---- the short link, with its prefilled text -------------------------------------------------------
  panel = await openTools(biz, 'Short link');
  await panel.getByLabel('Prefilled message').fill(PREFILLED);
  await panel.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(panel.getByText('Saved.', { exact: true })).toBeVisible();
  const link = await panel.getByLabel('Link', { exact: true }).inputValue();
  expect(link).toMatch(/\/l\/[A-Za-z0-9_-]{12}$/);
  await panel.getByRole('button', { name: 'Close business tools' }).click();
  await expect(panel).toHaveCount(0);

  // ---- a customer, signed out, opens the link and signs in -------------------------------------------
  const customerContext = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } });
  const customer = await customerContext.newPage();
  await customer.goto(new URL(link).pathname);
  await expect(customer.getByRole('heading', { name: new RegExp(SHOP) })).toBeVisible();
  await customer.getByRole('button', { name: 'Sign in to chat' }).click();
  const national = nextNational();
  await customer.locator('#country').selectOption('FR');
  await customer.locator('#phone').fill(national);
  await customer.locator('form button[type=submit]').click();
  await customer.locator('#code').fill(await codeFor(`+33${national}`));
  await customer.locator('form button[type=submit]').click();

  // Straight into the chat, the prefilled text waiting; sending it brings the greeting.
  await expect(customer).toHaveURL(/\/chat\/[^/]+$/);
  const composer = customer.locator('.composer textarea');
  await expect(composer).toHaveValue(PREFILLED);
  await composer.press('Enter');
  await expect(customer.locator('.msg-row.out', { hasText: PREFILLED })).toBeVisible();
  await expect(customer.locator('.msg-row.in', { hasText: GREETING })).toBeVisible();

  // The verified badge, in the header and the chat list.
  const header = customer.locator('.chat-header');
  await expect(header.getByRole('img', { name: 'Verified business' })).toBeVisible();
  await expect(customer.locator('.chat-item', { hasText: SHOP }).getByRole('img', { name: 'Verified business' })).toBeVisible();

  // ---- the customer browses the catalog from the business info panel and orders ----------------------
  await header.getByRole('button', { name: 'Contact info' }).click();
  const info = customer.getByRole('complementary', { name: 'Contact info' });
  await expect(info.getByTestId('business-info').getByText('Cheese, bread and honey from small farms.')).toBeVisible();
  await info.getByRole('button', { name: 'View catalog' }).click();
  const catalog = customer.getByRole('dialog', { name: `${SHOP} catalog` });
  await expect(catalog.getByRole('button', { name: 'Open Sourdough loaf' })).toBeVisible();
  await catalog.getByRole('button', { name: 'Add Lavender honey to the cart' }).click();
  await catalog.getByRole('button', { name: 'Add Sourdough loaf to the cart' }).click();
  await catalog.getByRole('button', { name: 'View cart (2)' }).click();
  await catalog.getByRole('button', { name: 'One more Lavender honey' }).click();
  await expect(catalog.getByRole('spinbutton', { name: 'Quantity of Lavender honey' })).toHaveValue('2');
  await expect(catalog.getByText('€21.20')).toBeVisible();
  await catalog.getByRole('button', { name: 'Send order' }).click();
  await expect(catalog).toHaveCount(0);
  const customerCard = customer.locator('.order-card');
  await expect(customerCard).toContainText('Pending');
  await expect(customerCard).toContainText('€21.20');

  // ---- the business labels the chat ---------------------------------------------------------------
  const row = biz.locator('.chat-row', { hasText: '🧾 Order · 3 items' });
  await expect(row).toBeVisible();
  await row.hover();
  await row.locator('.chat-menu-btn').click();
  await biz.getByRole('menuitem', { name: 'Label chat' }).click();
  const labelDialog = biz.getByRole('dialog', { name: 'Label chat' });
  await labelDialog.getByRole('checkbox', { name: 'Regular' }).check();
  await labelDialog.getByRole('button', { name: 'Save' }).click();
  await expect(labelDialog).toHaveCount(0);
  await expect(row.getByRole('img', { name: 'Labels: Regular' })).toBeVisible();

  // ---- answers with a quick reply chosen with `/` -----------------------------------------------------
  await row.locator('.chat-item').click();
  await expect(biz.locator('.msg-row.in', { hasText: PREFILLED })).toBeVisible();
  const box = biz.locator('.composer textarea');
  await box.fill('/rea');
  const suggestions = biz.getByRole('listbox', { name: 'Quick replies' });
  await expect(suggestions.getByRole('option', { name: /\/ready/ })).toBeVisible();
  await box.press('Enter');
  await expect(suggestions).toHaveCount(0);
  await expect(box).toHaveValue(QUICK_REPLY);
  await box.press('Enter');
  await expect(customer.locator('.msg-row.in', { hasText: QUICK_REPLY })).toBeVisible();

  // ---- and confirms the order; the customer sees it confirmed -------------------------------------------
  const shopCard = biz.locator('.order-card');
  await expect(shopCard).toContainText('Lavender honey');
  await shopCard.getByRole('button', { name: 'Confirm order' }).click();
  await expect(shopCard.getByRole('button', { name: 'Mark as shipped' })).toBeVisible();
  await expect(customerCard).toContainText('Confirmed');
  await expect(customerCard.getByRole('button', { name: 'Confirm order' })).toHaveCount(0);

  await Promise.all([customerContext.close(), shop.context.close()]);
});
