/**
 * The owner's message templates and number health, in a real browser against the real server:
 * the owner writes a template in the editor (text header with a variable, body with {{1}} and its
 * sample, footer, a quick reply and a link button) and watches the live preview follow; a
 * promotional body filed as UTILITY comes back REJECTED with its reason; edited and resubmitted,
 * it is APPROVED and listed with its status and quality. The number-health screen shows the
 * rating, tier and usage. Accessibility: axe in light, dark and a French phone-width screen.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { signInNewBusiness } from './helpers.js';

async function audit(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const found = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  expect(found, `${what}: accessibility violations`).toEqual([]);
}

/** Turn API access on over the owner's HTTP API (the Business API screen itself is covered by api-business.e2e.ts). */
async function enableApi(page: Page): Promise<void> {
  const session = JSON.parse((await page.evaluate(() => localStorage.getItem('parley.session'))) ?? 'null') as { token: string };
  expect((await page.request.post('/v1/business/api/enable', { headers: { authorization: `Bearer ${session.token}` } })).ok()).toBe(true);
}

async function openSection(page: Page, settings: RegExp, tools: RegExp, section: RegExp) {
  await page.getByRole('button', { name: settings }).click();
  await page.getByRole('button', { name: tools }).click();
  await page.getByRole('complementary', { name: tools }).getByRole('button', { name: section }).click();
  return page.getByRole('complementary', { name: section });
}

test('an owner writes a template with a live preview; rejected as promotional, edited and resubmitted, it is approved and listed', async ({ browser }) => {
  const biz = await signInNewBusiness(browser, { name: 'Boulangerie Modèles', category: 'food_grocery' });
  await enableApi(biz.page);
  const page = biz.page;
  const panel = await openSection(page, /^Settings$/, /^Business tools$/, /^Message templates$/);
  // Every new business account starts with the sample template hello_world, approved.
  await expect(panel.getByRole('article', { name: 'hello_world' }).getByText('Approved')).toBeVisible();
  await panel.getByRole('button', { name: 'New template' }).click();

  const preview = panel.getByRole('article', { name: 'What your customer sees' });
  const name = `order_news_${Date.now() % 100_000}`;
  await panel.getByLabel('Name', { exact: true }).fill(name);
  await panel.getByLabel('Category', { exact: true }).selectOption('UTILITY');
  await panel.getByLabel('Header type', { exact: true }).selectOption('TEXT');
  await panel.getByLabel('Header text', { exact: true }).fill('Order {{1}}');
  await panel.getByLabel('Header sample for {{1}}', { exact: true }).fill('A-1042');
  await panel.getByLabel('Message text', { exact: true }).fill('Hi {{1}}, get 20% off everything in our shop this week with your order!');
  await expect(panel.getByLabel('Sample for {{1}}', { exact: true })).toBeVisible();
  await panel.getByLabel('Sample for {{1}}', { exact: true }).fill('Ana');
  await panel.getByLabel('Footer (optional)', { exact: true }).fill('Boulangerie Modèles');
  await panel.getByRole('button', { name: '+ Quick reply' }).click();
  await panel.getByLabel('Button text', { exact: true }).nth(0).fill('Track my order');
  await panel.getByRole('button', { name: '+ Link' }).click();
  await panel.getByLabel('Button text', { exact: true }).nth(1).fill('Open order');
  await panel.getByLabel('Web address', { exact: true }).fill('https://shop.example/orders/{{1}}');
  await panel.getByLabel('Sample end of the address', { exact: true }).fill('A-1042');

  // The preview follows, samples in place.
  await expect(preview).toContainText('Hi Ana, get 20% off everything in our shop this week with your order!');
  await expect(preview).toContainText('Order A-1042');
  await expect(preview).toContainText('Boulangerie Modèles');
  await expect(preview.getByRole('button', { name: /Track my order/ })).toBeVisible();
  await expect(preview.getByRole('link', { name: /Open order/ })).toHaveAttribute('href', 'https://shop.example/orders/A-1042');
  // The dry-run review has an opinion while the owner types.
  await expect(panel.getByText(/^Automatic review: /)).toBeVisible();
  await audit(page, 'template editor (light)');

  await panel.getByRole('button', { name: 'Submit for review' }).click();
  const result = panel.getByRole('region', { name: 'Review result' });
  await expect(result.getByText('Rejected')).toBeVisible();
  await expect(result.getByText(/Promotional content|category does not match|content does not match/)).toBeVisible();
  await expect(result).toBeFocused();
  await page.emulateMedia({ colorScheme: 'dark' });
  await audit(page, 'template editor with a rejection (dark)');
  await page.emulateMedia({ colorScheme: 'light' });

  await panel.getByLabel('Message text', { exact: true }).fill('Hi {{1}}, your order has shipped and arrives tomorrow.');
  await expect(preview).toContainText('Hi Ana, your order has shipped and arrives tomorrow.');
  await panel.getByRole('button', { name: 'Resubmit for review' }).click();
  await expect(result.getByText('Approved')).toBeVisible();

  await panel.getByRole('button', { name: 'Back to templates' }).click();
  const card = panel.getByRole('article', { name });
  await expect(card.getByText('Approved')).toBeVisible();
  await expect(card.getByText(/Quality: (High|Medium|Low|Not rated yet)/)).toBeVisible();
  await expect(card.getByText('Utility')).toBeVisible();
  await audit(page, 'templates list (light)');
  await page.emulateMedia({ colorScheme: 'dark' });
  await audit(page, 'templates list (dark)');
  await biz.context.close();
});

test('an owner sees the number’s quality rating, tier and usage; the screens pass axe in French on a phone', async ({ browser }) => {
  const biz = await signInNewBusiness(browser, { name: 'Épicerie Santé', category: 'food_grocery' }, { locale: 'fr-FR', viewport: { width: 390, height: 844 } });
  await enableApi(biz.page);
  const page = biz.page;
  const panel = await openSection(page, /^Paramètres$/, /^Outils professionnels$/, /^Santé du numéro$/);
  const quality = panel.getByRole('region', { name: 'Note de qualité' });
  await expect(quality.getByText(/Élevée \(vert\)|Moyenne \(jaune\)|Faible \(rouge\)|Pas encore évaluée/).first()).toBeVisible();
  const limit = panel.getByRole('region', { name: 'Limite d’envoi' });
  await expect(limit.getByText(/clients par 24 heures|Clients illimités/).first()).toBeVisible();
  await expect(limit.getByRole('meter', { name: 'Utilisé ces dernières 24 heures' })).toBeVisible();
  await expect(limit.getByText(/^0 sur /)).toBeVisible();
  await expect(limit.getByText(/messages par seconde/)).toBeVisible();
  await audit(page, 'number health (French, phone)');

  // The template editor on a phone: the preview sits below the form.
  await panel.getByRole('button', { name: 'Retour' }).click();
  await page.getByRole('complementary', { name: 'Outils professionnels' }).getByRole('button', { name: 'Modèles de message' }).click();
  const templates = page.getByRole('complementary', { name: 'Modèles de message' });
  await templates.getByRole('button', { name: 'Nouveau modèle' }).click();
  await templates.getByLabel('Texte du message', { exact: true }).fill('Bonjour {{1}}, votre commande est prête.');
  await templates.getByLabel('Exemple pour {{1}}', { exact: true }).fill('Léa');
  const preview = templates.getByRole('article', { name: 'Ce que voit votre client' });
  await expect(preview).toContainText('Bonjour Léa, votre commande est prête.');
  const form = await templates.locator('form').boundingBox();
  const bubble = await preview.boundingBox();
  expect(bubble!.y).toBeGreaterThan(form!.y + form!.height - 1);
  await audit(page, 'template editor (French, phone)');
  await biz.context.close();
});
