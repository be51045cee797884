import { expect, test, type Page } from '@playwright/test';
import { signInNew, signInNewBusiness, startChat } from './helpers.js';

async function openTools(page: Page, section: string) {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Business tools' }).click();
  const panel = page.getByRole('complementary', { name: 'Business tools' });
  await panel.getByRole('button', { name: section }).click();
  return page.getByRole('complementary', { name: section });
}

test('the customer gets the greeting; the business labels the chat, filters by label and answers with a quick reply', async ({ browser }) => {
  const biz = await signInNewBusiness(browser, { name: 'Fleurs de Lyon', category: 'shopping_retail' });

  // Greeting message, through the business tools.
  let panel = await openTools(biz.page, 'Greeting message');
  await panel.getByRole('switch', { name: 'Send a greeting message' }).check();
  await panel.getByLabel('Message', { exact: true }).fill('Welcome to Fleurs de Lyon!');
  await panel.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(panel.getByText('Saved', { exact: true })).toBeVisible();
  await panel.getByRole('button', { name: 'Back' }).click();

  // A quick reply.
  await biz.page.getByRole('complementary', { name: 'Business tools' }).getByRole('button', { name: 'Quick replies' }).click();
  panel = biz.page.getByRole('complementary', { name: 'Quick replies' });
  await panel.getByRole('button', { name: 'New quick reply' }).click();
  await panel.getByLabel('Shortcut').fill('thanks');
  await panel.getByLabel('Message', { exact: true }).fill('Thank you for your order! It ships tomorrow.');
  await panel.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(panel.getByText('/thanks')).toBeVisible();
  await panel.getByRole('button', { name: 'Close business tools' }).click();
  await expect(panel).toHaveCount(0);

  // The customer writes and gets the greeting.
  const customer = await signInNew(browser);
  await startChat(customer.page, biz.phone);
  await customer.page.locator('.composer textarea').fill('Hello, do you deliver?');
  await customer.page.keyboard.press('Enter');
  await expect(customer.page.locator('.msg-row.in', { hasText: 'Welcome to Fleurs de Lyon!' })).toBeVisible();

  // The business labels the chat "New customer" from the chat menu.
  const row = biz.page.locator('.chat-row', { hasText: 'Welcome to Fleurs de Lyon!' }); // the greeting is the chat's last message
  await expect(row).toBeVisible();
  await row.hover();
  await row.locator('.chat-menu-btn').click();
  await biz.page.getByRole('menuitem', { name: 'Label chat' }).click();
  const dialog = biz.page.getByRole('dialog', { name: 'Label chat' });
  await dialog.getByRole('checkbox', { name: 'New customer' }).check();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(row.getByRole('img', { name: 'Labels: New customer' })).toBeVisible();

  // Filter by label.
  const filters = biz.page.locator('.filters');
  await filters.getByRole('button', { name: 'Paid' }).click();
  await expect(biz.page.getByText('No chats with this label.')).toBeVisible();
  await expect(row).toHaveCount(0);
  await filters.getByRole('button', { name: 'New customer' }).click();
  await expect(filters.getByRole('button', { name: 'New customer' })).toHaveAttribute('aria-pressed', 'true');
  await expect(row).toBeVisible();

  // Answer with a quick reply chosen with `/`.
  await row.locator('.chat-item').click();
  const box = biz.page.locator('.composer textarea');
  await box.fill('/tha');
  const suggestions = biz.page.getByRole('listbox', { name: 'Quick replies' });
  await expect(suggestions.getByRole('option', { name: /\/thanks/ })).toBeVisible();
  await box.press('Enter');
  await expect(suggestions).toHaveCount(0);
  await expect(box).toHaveValue('Thank you for your order! It ships tomorrow.');
  await box.press('Enter');
  await expect(customer.page.locator('.msg-row.in', { hasText: 'Thank you for your order! It ships tomorrow.' })).toBeVisible();

  await customer.context.close();
  await biz.context.close();
});
