/**
 * Accessibility audit with axe-core on the main screens, in both themes: no WCAG 2.1 A/AA
 * violation (contrast, names, roles, landmarks) may appear.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { signInNew, startChat } from './helpers.js';

async function audit(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const found = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  expect(found, `${what}: accessibility violations`).toEqual([]);
}

for (const theme of ['light', 'dark'] as const) {
  test(`the main screens pass an axe audit in the ${theme} theme`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme: theme, viewport: { width: 1280, height: 800 } });
    const signedOut = await context.newPage();
    await signedOut.goto('/');
    await expect(signedOut.locator('#phone')).toBeVisible();
    await audit(signedOut, 'sign-in');
    await context.close();

    const bob = await signInNew(browser, { locale: 'fr-FR' });
    const alice = await signInNew(browser);
    await bob.page.emulateMedia({ colorScheme: theme });
    await alice.page.emulateMedia({ colorScheme: theme });
    await audit(alice.page, 'empty chat list');

    await startChat(alice.page, bob.phone);
    const composer = alice.page.locator('.composer textarea');
    await composer.fill('Bonjour Bob, ça va ?');
    await composer.press('Enter');
    await bob.page.locator('.chat-item', { hasText: 'Bonjour Bob, ça va ?' }).click();
    await bob.page.locator('.composer textarea').fill('Très bien, merci !');
    await bob.page.locator('.composer textarea').press('Enter');
    await expect(alice.page.locator('.bubble-text', { hasText: 'Très bien, merci !' })).toBeVisible();
    await audit(alice.page, 'conversation');

    await alice.page.getByRole('button', { name: /settings|paramètres/i }).first().click();
    await expect(alice.page.locator('.settings-panel')).toBeVisible();
    await audit(alice.page, 'settings');
    await alice.page.keyboard.press('Escape');

    await alice.page.locator('.chat-header').getByRole('button', { name: 'Contact info' }).click();
    await expect(alice.page.getByRole('complementary', { name: 'Contact info' })).toBeVisible();
    await audit(alice.page, 'contact info');
    await alice.page.keyboard.press('Escape');

    // A phone-sized screen in French.
    await bob.page.setViewportSize({ width: 390, height: 844 });
    await audit(bob.page, 'conversation on a phone');

    await bob.context.close();
    await alice.context.close();
  });
}
