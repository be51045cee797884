import { expect, test, type Page } from '@playwright/test';
import { signInNew, signInNewBusiness, startChat } from './helpers.js';

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

test('a business fills its catalog; a customer browses it, orders, and sees the order confirmed', async ({ browser }) => {
  const shop = await signInNewBusiness(browser, { name: 'Café Lumière', category: 'restaurant' });

  // The business adds products from Settings → Business tools → Catalog.
  await shop.page.getByRole('button', { name: 'Settings' }).click();
  await shop.page.getByRole('button', { name: 'Business tools' }).click();
  await shop.page.getByRole('button', { name: 'Catalog' }).click();
  await addProduct(shop.page, 'Croissant', '1.80', 'Butter, baked this morning');
  await addProduct(shop.page, 'Espresso', '2.50', 'Single origin');
  // A wrong price is refused with a clear message.
  const panel = shop.page.getByRole('complementary', { name: 'Catalog' });
  await panel.getByRole('button', { name: 'Add product' }).click();
  await panel.getByLabel('Price', { exact: true }).fill('2.505');
  await expect(panel.getByText('This price is not a valid amount for the currency.')).toBeVisible();
  await panel.getByRole('button', { name: 'Cancel' }).click();
  await panel.getByRole('button', { name: 'Close business tools' }).click();

  // The customer opens the chat with the business and its catalog from the info panel.
  const customer = await signInNew(browser);
  await startChat(customer.page, shop.phone);
  await customer.page.locator('.chat-header').getByRole('button', { name: 'Contact info' }).click();
  const info = customer.page.getByRole('complementary', { name: 'Contact info' });
  await info.getByRole('button', { name: 'View catalog' }).click();
  const dialog = customer.page.getByRole('dialog', { name: 'Café Lumière catalog' });
  await expect(dialog.getByRole('button', { name: 'Open Croissant' })).toBeVisible();
  await dialog.getByLabel('Search the catalog').fill('single origin');
  await expect(dialog.getByRole('button', { name: 'Open Croissant' })).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Open Espresso' }).click();
  await expect(dialog.getByText('Single origin')).toBeVisible();
  await dialog.getByRole('button', { name: 'Add to cart' }).click();
  await dialog.getByRole('button', { name: 'Back to the catalog' }).click();
  await dialog.getByLabel('Search the catalog').fill('');
  await dialog.getByRole('button', { name: 'Add Croissant to the cart' }).click();
  await dialog.getByRole('button', { name: 'View cart (2)' }).click();
  await dialog.getByRole('button', { name: 'One more Croissant' }).click();
  await expect(dialog.getByRole('spinbutton', { name: 'Quantity of Croissant' })).toHaveValue('2');
  await expect(dialog.getByText('€6.10')).toBeVisible();
  await dialog.getByLabel('Note for the business (optional)').fill('For 9 am please');
  await dialog.getByRole('button', { name: 'Send order' }).click();
  await expect(dialog).toHaveCount(0);

  // Both see the order card; the business confirms it; the customer sees it live.
  const customerCard = customer.page.locator('.order-card');
  await expect(customerCard).toContainText('Pending');
  await expect(customerCard).toContainText('€6.10');
  await shop.page.locator('.chat-item').first().click();
  const shopCard = shop.page.locator('.order-card');
  await expect(shopCard).toContainText('For 9 am please');
  await shopCard.getByRole('button', { name: 'Confirm order' }).click();
  await expect(customerCard).toContainText('Confirmed');
  await expect(customerCard.getByRole('button', { name: 'Confirm order' })).toHaveCount(0);
  await expect(shopCard.getByRole('button', { name: 'Mark as shipped' })).toBeVisible();

  await shop.context.close();
  await customer.context.close();
});
