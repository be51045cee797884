/**
 * Two-step verification in the browser: a person turns the PIN on in Settings; signing in with the
 * same number in a second browser then asks for the PIN after the SMS code, a wrong PIN is refused
 * with a message, the right one signs in. The screens pass an axe audit.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { codeFor, signInNew } from './helpers.js';

async function audit(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const found = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  expect(found, `${what}: accessibility violations`).toEqual([]);
}

test('turn on two-step verification, then a new browser needs the code and the PIN', async ({ browser }) => {
  const alice = await signInNew(browser);
  const page = alice.page;
  await page.getByRole('button', { name: 'Settings' }).click();
  const panel = page.getByRole('complementary', { name: 'Settings' });
  const section = panel.getByRole('region', { name: 'Two-step verification' });
  await expect(section.getByText('Two-step verification is off.')).toBeVisible();
  await section.getByRole('button', { name: 'Turn on' }).click();
  await expect(section.getByLabel('6-digit PIN')).toBeFocused();
  await page.keyboard.type('246810');
  await section.getByLabel('Enter the PIN again').fill('246810');
  await section.getByLabel('Recovery email (optional)').fill('alice@example.com');
  await audit(page, 'two-step settings form');
  await section.getByRole('button', { name: 'Turn on' }).click();
  await expect(section.getByText('Two-step verification is on. Do not forget your PIN.')).toBeVisible();
  await expect(section.getByText('Recovery email: alice@example.com')).toBeVisible();
  await audit(page, 'two-step settings');

  // A second browser signs in with the same number.
  const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } });
  const other = await context.newPage();
  await other.goto('/');
  await other.locator('#country').selectOption('FR');
  await other.locator('#phone').fill(alice.phone.replace(/^\+33/, ''));
  await other.locator('form button[type=submit]').click();
  await expect(other.locator('#code')).toBeVisible();
  await other.locator('#code').fill(await codeFor(alice.phone));
  await other.locator('form button[type=submit]').click();

  await expect(other.getByRole('heading', { name: 'Two-step verification' })).toBeVisible();
  const pin = other.getByLabel('6-digit PIN');
  await expect(pin).toBeFocused();
  await audit(other, 'sign-in PIN step');
  await pin.fill('135790');
  await pin.press('Enter');
  await expect(other.getByRole('alert')).toHaveText('Wrong PIN. Tries left before a wait: 4.');
  await expect(other.locator('.sidebar')).toHaveCount(0);
  await audit(other, 'sign-in PIN step with an error');

  await pin.fill('246810');
  await pin.press('Enter');
  await expect(other.locator('.sidebar')).toBeVisible();
  await context.close();
  await alice.context.close();
});
