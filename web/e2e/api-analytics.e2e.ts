/**
 * Business API analytics in a real browser: software holding the business's access token sends a
 * template (UTILITY) and a free-form reply (SERVICE) to a customer who wrote first; the owner opens
 * Business tools → API analytics and sees the totals per category and the chart of conversations
 * per day, with its table fallback. Accessibility: axe on the screen.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { signInNew, signInNewBusiness, startChat } from './helpers.js';

const base = () => process.env.PARLEY_E2E_URL!;

test('the owner sees conversations and messages by category after real sends; the screen passes axe', async ({ browser }) => {
  const biz = await signInNewBusiness(browser, { name: 'Fromagerie Stats', category: 'food_grocery' });
  const customer = await signInNew(browser);

  // API access and a token, over the owner's HTTP API (the set-up screen has its own test).
  const session = JSON.parse((await biz.page.evaluate(() => localStorage.getItem('parley.session'))) ?? 'null') as { token: string };
  const headers = { authorization: `Bearer ${session.token}` };
  const on = (await (await biz.page.request.post('/v1/business/api/enable', { headers })).json()) as { numbers: { phoneNumberId: string }[] };
  const { token } = (await (await biz.page.request.post('/v1/business/api/tokens', { headers, data: { scopes: ['messaging', 'management'] } })).json()) as { token: string };
  const send = async (body: Record<string, unknown>) => {
    const res = await fetch(`${base()}/v23.0/${on.numbers[0]!.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: customer.phone.replace(/\D/g, ''), ...body }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
  };

  // The customer writes first; the business answers with a template and a free-form message.
  await startChat(customer.page, biz.phone);
  await customer.page.locator('.composer textarea').fill('Vous avez du comté ?');
  await customer.page.keyboard.press('Enter');
  await expect(customer.page.getByText('Vous avez du comté ?', { exact: true }).first()).toBeVisible();
  await send({ type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
  await send({ type: 'text', text: { body: 'Oui, 18 mois d’affinage.' } });
  // The customer's open chat receives and reads both.
  await expect(customer.page.locator('.bubble-text', { hasText: 'Oui, 18 mois d’affinage.' })).toBeVisible();

  await biz.page.getByRole('button', { name: 'Settings' }).click();
  await biz.page.getByRole('button', { name: 'Business tools' }).click();
  await biz.page.getByRole('complementary', { name: 'Business tools' }).getByRole('button', { name: 'API analytics' }).click();
  const panel = biz.page.getByRole('complementary', { name: 'API analytics' });

  const totals = panel.getByRole('table', { name: 'Conversations and messages by category over the period' });
  // One conversation, opened by the template (UTILITY); one message of each category, both delivered.
  await expect(totals.getByRole('row', { name: /Utility/ }).locator('td')).toHaveText(['1', '1', '1', /[01]/]);
  await expect(totals.getByRole('row', { name: /Service/ }).locator('td')).toHaveText(['0', '1', '1', /[01]/]);
  await expect(totals.getByRole('row', { name: /Marketing/ }).locator('td')).toHaveText(['0', '0', '0', '0']);
  await expect(totals.getByRole('row', { name: /Total/ }).locator('td').first()).toHaveText('1');

  // The chart (for the eye) with its legend, and the same numbers as a table.
  const chart = panel.getByRole('region', { name: 'Conversations per day' });
  await expect(chart.locator('svg rect.api-cat-utility')).toHaveCount(7);
  await expect(chart.locator('.reach-legend')).toContainText('Authentication');
  await chart.getByRole('button', { name: 'Show as table' }).click();
  const perDay = chart.getByRole('table', { name: 'Conversations opened per day and category' });
  await expect(perDay).toBeVisible();
  await expect(perDay.locator('tbody tr')).toHaveCount(7);

  // A longer period.
  await panel.getByRole('combobox', { name: 'Period' }).selectOption('30');
  await expect(perDay.locator('tbody tr')).toHaveCount(30);

  const result = await new AxeBuilder({ page: biz.page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const found = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  expect(found, 'API analytics screen: accessibility violations').toEqual([]);

  await biz.context.close();
  await customer.context.close();
});
