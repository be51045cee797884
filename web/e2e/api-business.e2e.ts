/**
 * The Business API from both sides, in real browsers: the owner turns API access on and creates an
 * app and an access token on the Business API screen; software holding that token sends through
 * the Cloud-API-compatible endpoint (POST /{phone_number_id}/messages, plain Node fetch); the
 * customer, signed in in another browser context, sees the messages, answers interactive buttons,
 * lists and template quick replies by tapping, and is told that the chat ends at the business's
 * platform. Accessibility: axe on the API screen and on a chat with an interactive message.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { signInNew, signInNewBusiness, startChat, type SignedInPage } from './helpers.js';

const base = () => process.env.PARLEY_E2E_URL!;

async function audit(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const found = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  expect(found, `${what}: accessibility violations`).toEqual([]);
}

async function openApiScreen(page: Page) {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Business tools' }).click();
  await page.getByRole('complementary', { name: 'Business tools' }).getByRole('button', { name: 'Business API' }).click();
  return page.getByRole('complementary', { name: 'Business API' });
}

interface ApiAccess {
  wabaId: string;
  phoneNumberId: string;
  token: string;
}

/** A Graph call as an integration makes it: Node fetch with the access token. */
async function graph(access: ApiAccess, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base()}/v23.0${path}`, {
    method,
    headers: { authorization: `Bearer ${access.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}


/** Send a message of `type`; skip the test when the server does not send that type yet (131051). */
async function sendThroughApi(access: ApiAccess, to: string, type: string, payload: Record<string, unknown>): Promise<void> {
  const res = await graph(access, 'POST', `/${access.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to, type, [type]: payload });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** API access for the business signed in on `page`, set up over the owner's HTTP API (the screen is covered by the first test). */
async function apiAccessOver(page: Page): Promise<ApiAccess> {
  const session = JSON.parse((await page.evaluate(() => localStorage.getItem('parley.session'))) ?? 'null') as { token: string };
  const headers = { authorization: `Bearer ${session.token}` };
  const on = (await (await page.request.post('/v1/business/api/enable', { headers })).json()) as { wabaId: string; numbers: { phoneNumberId: string }[] };
  const tok = (await (await page.request.post('/v1/business/api/tokens', { headers, data: { scopes: ['messaging', 'management'] } })).json()) as { token: string };
  return { wabaId: on.wabaId, phoneNumberId: on.numbers[0]!.phoneNumberId, token: tok.token };
}

const digits = (phone: string) => phone.replace(/\D/g, '');

/** The customer writes to the business first: the business may then send free-form messages for 24 hours. */
async function customerWrites(customer: SignedInPage, businessPhone: string, text = 'Bonjour !'): Promise<void> {
  await startChat(customer.page, businessPhone);
  await customer.page.locator('.composer textarea').fill(text);
  await customer.page.keyboard.press('Enter');
  await expect(customer.page.locator('.composer textarea')).toHaveValue('');
  await expect(customer.page.getByText(text, { exact: true }).first()).toBeVisible();
}

async function openChatWithBusiness(customer: SignedInPage, hasText: string) {
  await customer.page.locator('.chat-item', { hasText }).first().click();
  await expect(customer.page.locator('.composer textarea')).toBeVisible();
}

test('an owner turns API access on and creates an app and a token; a text sent with that token reaches the customer', async ({ browser }) => {
  const biz = await signInNewBusiness(browser, { name: 'Boulangerie API', category: 'food_grocery' });
  const customer = await signInNew(browser);

  const panel = await openApiScreen(biz.page);
  await panel.getByRole('button', { name: 'Turn on API access' }).click();
  const pnidInput = panel.getByRole('textbox', { name: /^Phone number id of \+/ });
  await expect(pnidInput).toHaveValue(/^[1-9]\d{14,15}$/);
  const phoneNumberId = await pnidInput.inputValue();
  const wabaId = await panel.getByRole('textbox', { name: 'Business account id (WABA id)', exact: true }).inputValue();
  expect(wabaId).toMatch(/^[1-9]\d{14,15}$/);

  // An app: its secret is shown once.
  await panel.getByLabel('New app name').fill('Shop backend');
  await panel.getByRole('button', { name: 'Create app' }).click();
  const appOnce = panel.getByRole('region', { name: 'App “Shop backend” created' });
  await expect(appOnce.getByRole('textbox', { name: 'App secret', exact: true })).toHaveValue(/^[0-9a-f]{32}$/);
  await expect(appOnce.getByText(/shown only this once/)).toBeVisible();
  await appOnce.getByRole('button', { name: 'I have saved it' }).click();
  await expect(appOnce).toHaveCount(0);
  await expect(panel.getByRole('textbox', { name: 'App id', exact: true })).toHaveValue(/^[1-9]\d{14,15}$/);

  // A token with the messaging scope only.
  await panel.getByLabel('Token name').fill('E2E integration');
  await panel.getByRole('checkbox', { name: /Management/ }).uncheck();
  await panel.getByRole('button', { name: 'Create token' }).click();
  const tokenOnce = panel.getByRole('region', { name: 'Token “E2E integration” created' });
  const tokenInput = tokenOnce.getByRole('textbox', { name: 'Access token', exact: true });
  await expect(tokenInput).toHaveValue(/^EAA/);
  const token = await tokenInput.inputValue();
  await expect(panel.getByRole('list', { name: 'Your tokens' })).toContainText('E2E integration');
  await audit(biz.page, 'Business API screen (light)');
  await biz.page.emulateMedia({ colorScheme: 'dark' });
  await audit(biz.page, 'Business API screen (dark)');
  await biz.page.emulateMedia({ colorScheme: 'light' });

  // A setting-up mistake is explained: the callback URL does not answer the handshake.
  await panel.getByRole('button', { name: 'Set webhook' }).click();
  await panel.getByLabel('Callback URL').fill(`${base()}/v1/no-such-receiver`);
  await panel.getByLabel('Verify token').fill('secret');
  await panel.getByRole('button', { name: 'Verify and save' }).click();
  await expect(panel.getByRole('alert').filter({ hasText: /^Verification failed: your server answered with status 404/ })).toBeVisible();
  await expect(panel.getByText('No webhook: this app receives nothing yet.')).toBeVisible();

  // The integration sends a text with that token.
  const access = { wabaId, phoneNumberId, token };
  await customerWrites(customer, biz.phone, 'Ma commande est-elle prête ?');
  const sent = await graph(access, 'POST', `/${phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: digits(customer.phone), type: 'text', text: { body: 'Bonjour ! Votre commande est prête.' } });
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  expect((sent.body.messages as { id: string }[])[0]!.id).toMatch(/^wamid\./);

  // The customer sees it, and that the chat ends at the business's platform.
  await openChatWithBusiness(customer, 'Boulangerie API');
  await expect(customer.page.locator('.msg-row.in .bubble-text', { hasText: 'Bonjour ! Votre commande est prête.' })).toBeVisible();
  await expect(customer.page.locator('.chat-subtitle')).toHaveText('Business API · messages go to the business’s platform');
  await customer.page.locator('.chat-header').getByRole('button', { name: 'Contact info' }).click();
  const info = customer.page.getByRole('complementary', { name: 'Contact info' });
  await expect(info.getByRole('note').filter({ hasText: 'uses the Business API' })).toBeVisible();
  // Block and report are there for an API business too.
  await expect(info.getByRole('button', { name: /^Block / })).toBeVisible();
  await expect(info.getByRole('button', { name: /^Report / })).toBeVisible();
  // The customer stops promotions from this business, and can resume them.
  await info.getByRole('button', { name: 'Stop promotions' }).click();
  await expect(info.getByRole('button', { name: 'Resume promotions' })).toBeVisible();
  await expect(info.getByText('You stopped promotions from this business.', { exact: false })).toBeVisible();
  await audit(customer.page, 'contact info of an API business');
  // The choice is kept by the server: after a reload the panel shows it again.
  await customer.page.reload();
  await customer.page.locator('.chat-header').getByRole('button', { name: 'Contact info' }).click();
  await expect(customer.page.getByRole('complementary', { name: 'Contact info' }).getByRole('button', { name: 'Resume promotions' })).toBeVisible();

  // Opened again, the screen shows the token as used.
  await panel.getByRole('button', { name: 'Back' }).click();
  await biz.page.getByRole('complementary', { name: 'Business tools' }).getByRole('button', { name: 'Business API' }).click();
  await expect(panel.getByRole('list', { name: 'Your tokens' })).toContainText('last used');

  await biz.context.close();
  await customer.context.close();
});

/**
 * Until the server sends interactive and template messages, the customer's page is given some in
 * its history (the messages endpoint is answered in the browser), so that their rendering is
 * checked in a real browser, in both themes and on a phone, with axe.
 */
test('interactive and template messages render accessibly (history given to the page)', async ({ browser }) => {
  const biz = await signInNewBusiness(browser, { name: 'Café Rendu', category: 'restaurant' });
  const customer = await signInNew(browser);
  const access = await apiAccessOver(biz.page);
  // A template (the customer never wrote, so no free-form message may be sent): the chat appears.
  const sent = await graph(access, 'POST', `/${access.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: digits(customer.phone), type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  await expect(customer.page.locator('.chat-item', { hasText: 'Café Rendu' })).toBeVisible();

  await customer.page.route('**/v1/chats/*/messages*', async (route) => {
    const res = await route.fetch();
    const page = (await res.json()) as { messages: { seq: number; senderId: string; chatId: string }[]; hasMore: boolean };
    const real = page.messages.find((m) => m.senderId !== undefined);
    if (!real) return route.fulfill({ response: res });
    let seq = Math.max(...page.messages.map((m) => m.seq));
    const base = { chatId: real.chatId, senderId: page.messages.find((m) => m.seq > 0)!.senderId, mediaId: null, replyTo: null, forwarded: false, editedAt: null, deletedAt: null, reactions: [], status: 'read' };
    const fake = (kind: string, content: unknown) => ({ ...base, id: `msg_fake${++seq}`, clientId: `fake${seq}`, seq, kind, content, createdAt: Date.now() - 1000 });
    const messages = [
      ...page.messages,
      fake('interactive', { type: 'button', header: { type: 'text', text: 'Delivery' }, body: 'When should we deliver?', footer: 'Café Rendu', buttons: [{ id: 'am', title: 'Morning' }, { id: 'pm', title: 'Afternoon' }] }),
      fake('interactive', { type: 'list', body: 'What would you like?', list: { button: 'See the menu', sections: [{ title: 'Bakery', rows: [{ id: 'croissant', title: 'Croissant', description: 'Butter, baked this morning' }] }, { title: 'Drinks', rows: [{ id: 'coffee', title: 'Coffee' }] }] } }),
      fake('interactive', { type: 'cta_url', body: 'Our new menu is online', cta: { displayText: 'See the menu', url: 'https://www.cafe.example/menu' } }),
      fake('template', {
        name: 'order_ready',
        language: 'en_US',
        category: 'utility',
        header: { type: 'text', text: 'Order ready' },
        body: 'Your order 42 is ready.',
        footer: 'Reply STOP to opt out',
        buttons: [
          { type: 'quick_reply', text: 'On my way', payload: 'omw' },
          { type: 'url', text: 'Track', url: 'https://cafe.example/track/42' },
          { type: 'phone_number', text: 'Call us', phoneNumber: '+33123456789' },
          { type: 'copy_code', text: 'Copy code', code: 'CAFE10' },
        ],
      }),
    ];
    await route.fulfill({ response: res, json: { ...page, messages } });
  });
  await openChatWithBusiness(customer, 'Café Rendu');
  const log = customer.page.getByRole('log');
  await expect(log.locator('.msg-row.in', { hasText: 'When should we deliver?' }).getByRole('button', { name: /Afternoon/ })).toBeVisible();
  await expect(log.getByRole('link', { name: /^See the menu\s*,\s*cafe\.example\s*\(opens in a new tab\)$/ })).toHaveAttribute('rel', /noopener/);
  await expect(log.getByRole('link', { name: 'Call us, call +33123456789' })).toHaveAttribute('href', 'tel:+33123456789');
  await expect(log.locator('.msg-row.in', { hasText: 'Your order 42 is ready.' }).locator('.api-msg-footer')).toHaveText('Reply STOP to opt out');
  await audit(customer.page, 'chat with interactive and template messages (light)');
  await customer.page.emulateMedia({ colorScheme: 'dark' });
  await audit(customer.page, 'chat with interactive and template messages (dark)');

  await log.getByRole('button', { name: /See the menu/ }).click();
  const dialog = customer.page.getByRole('dialog', { name: 'See the menu' });
  await expect(dialog.getByRole('button', { name: /Croissant/ })).toBeFocused();
  await audit(customer.page, 'list dialog (dark)');
  await customer.page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(log.getByRole('button', { name: /See the menu/ })).toBeFocused();

  await customer.page.setViewportSize({ width: 390, height: 844 });
  await customer.page.emulateMedia({ colorScheme: 'light' });
  await audit(customer.page, 'chat with interactive messages on a phone');

  await biz.context.close();
  await customer.context.close();
});

test.describe('interactive and template messages', () => {
  let biz: SignedInPage;
  let customer: SignedInPage;
  let access: ApiAccess;

  test.beforeEach(async ({ browser }) => {
    biz = await signInNewBusiness(browser, { name: 'Café Interactif', category: 'restaurant' });
    customer = await signInNew(browser);
    access = await apiAccessOver(biz.page);
    await customerWrites(customer, biz.phone);
  });
  test.afterEach(async () => {
    await biz.context.close();
    await customer.context.close();
  });

  test('reply buttons: the customer taps one, the business gets the answer', async () => {
    await sendThroughApi(access, digits(customer.phone), 'interactive', {
      type: 'button',
      header: { type: 'text', text: 'Delivery' },
      body: { text: 'When should we deliver?' },
      footer: { text: 'Café Interactif' },
      action: { buttons: [{ type: 'reply', reply: { id: 'slot-am', title: 'Morning' } }, { type: 'reply', reply: { id: 'slot-pm', title: 'Afternoon' } }] },
    });
    await openChatWithBusiness(customer, 'Café Interactif');
    const bubble = customer.page.locator('.msg-row.in', { hasText: 'When should we deliver?' });
    await expect(bubble.getByText('Delivery')).toBeVisible();
    await audit(customer.page, 'chat with an interactive message');
    await bubble.getByRole('button', { name: /Afternoon/ }).click();
    await expect(customer.page.locator('.msg-row.out', { hasText: 'Afternoon' }).locator('.quote')).toContainText('When should we deliver?');
    await expect(bubble.getByRole('button', { name: 'Afternoon (sent)' })).toBeVisible();
    await expect(biz.page.locator('.chat-item', { hasText: 'Afternoon' })).toBeVisible();
  });

  test('list: the customer opens it, chooses a row, the business gets the answer', async () => {
    await sendThroughApi(access, digits(customer.phone), 'interactive', {
      type: 'list',
      body: { text: 'What would you like?' },
      action: { button: 'See the menu', sections: [{ title: 'Bakery', rows: [{ id: 'croissant', title: 'Croissant', description: 'Butter, baked this morning' }] }, { title: 'Drinks', rows: [{ id: 'coffee', title: 'Coffee' }] }] },
    });
    await openChatWithBusiness(customer, 'Café Interactif');
    await customer.page.getByRole('button', { name: /See the menu/ }).click();
    const dialog = customer.page.getByRole('dialog', { name: 'See the menu' });
    await expect(dialog.getByRole('heading', { name: 'Drinks' })).toBeVisible();
    await audit(customer.page, 'list dialog');
    await dialog.getByRole('button', { name: /Croissant/ }).click();
    await expect(dialog).toHaveCount(0);
    await expect(customer.page.locator('.msg-row.out', { hasText: 'Croissant' })).toBeVisible();
    await expect(biz.page.locator('.chat-item', { hasText: 'Croissant' })).toBeVisible();
  });

  test('template: header, body, footer and buttons; a quick reply answers', async () => {
    const created = await graph(access, 'POST', `/${access.wabaId}/message_templates`, {
      name: 'order_ready_e2e',
      language: 'en_US',
      category: 'UTILITY',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Order ready' },
        { type: 'BODY', text: 'Your order {{1}} is ready.', example: { body_text: [['42']] } },
        { type: 'FOOTER', text: 'Café Interactif' },
        { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'On my way' }, { type: 'URL', text: 'Track', url: 'https://shop.example/track' }] },
      ],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    await sendThroughApi(access, digits(customer.phone), 'template', { name: 'order_ready_e2e', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: '42' }] }] });
    await openChatWithBusiness(customer, 'Café Interactif');
    const bubble = customer.page.locator('.msg-row.in', { hasText: 'Your order 42 is ready.' });
    await expect(bubble.getByText('Order ready')).toBeVisible();
    await expect(bubble.locator('.api-msg-footer')).toHaveText('Café Interactif');
    await expect(bubble.getByRole('link', { name: /^Track\s*,\s*shop\.example/ })).toHaveAttribute('target', '_blank');
    await bubble.getByRole('button', { name: /On my way/ }).click();
    await expect(customer.page.locator('.msg-row.out', { hasText: 'On my way' })).toBeVisible();
    await expect(biz.page.locator('.chat-item', { hasText: 'On my way' })).toBeVisible();
  });
});
