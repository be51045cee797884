/**
 * Screenshots of the main screens — sign-in, chat list, an open chat, settings — on a desktop
 * (1280×800) and a phone (390×844), light and dark, in English, and in French (light).
 *
 * The people and their conversations are created over the HTTP API (fast and repeatable); the
 * screens are the real app. The PNGs always go to test-results/screenshots/; with
 * UPDATE_SCREENSHOTS=1 they are also copied to docs/screenshots/ (used by the README):
 *
 *   npm run build:web && UPDATE_SCREENSHOTS=1 npx playwright test --config web/e2e/playwright.config.ts web/e2e/screenshots.e2e.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';
import WebSocket from 'ws';
import { en } from '../src/i18n/en.js';
import { fr } from '../src/i18n/fr.js';
import { codeFor, nextNational } from './helpers.js';

test.describe.configure({ mode: 'serial' });

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT = path.join(ROOT, 'test-results/screenshots');
const DOCS = path.join(ROOT, 'docs/screenshots');
const UPDATE = process.env.UPDATE_SCREENSHOTS === '1';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

type Lang = 'en' | 'fr';
const dict = { en, fr };

interface Account {
  token: string;
  accountId: string;
  deviceId: string;
  phone: string;
}

// ---- the HTTP API -------------------------------------------------------------------------------

async function api<T>(method: string, url: string, token: string | null, body?: unknown): Promise<T> {
  const res = await fetch(`${process.env.PARLEY_E2E_URL}${url}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function register(displayName: string, about: string): Promise<Account> {
  const phone = `+33${nextNational()}`;
  await api('POST', '/v1/auth/code', null, { phone });
  const code = await codeFor(phone);
  const r = await api<{ token: string; deviceId: string; account: { id: string } }>('POST', '/v1/auth/verify', null, { phone, code, deviceName: 'Firefox on Linux', platform: 'web' });
  await api('PATCH', '/v1/me', r.token, { displayName, about });
  return { token: r.token, accountId: r.account.id, deviceId: r.deviceId, phone };
}

let sent = 0;
async function send(from: Account, chatId: string, kind: string, content: Record<string, unknown>, replyTo?: string): Promise<{ id: string; seq: number }> {
  const r = await api<{ message: { id: string; seq: number } }>('POST', `/v1/chats/${chatId}/messages`, from.token, {
    clientId: `shot-${process.pid}-${++sent}`,
    kind,
    content,
    ...(replyTo ? { replyTo } : {}),
  });
  return r.message;
}

const text = (from: Account, chatId: string, body: string, replyTo?: string) => send(from, chatId, 'text', { text: body }, replyTo);

async function openChat(a: Account, b: Account): Promise<string> {
  return (await api<{ id: string }>('POST', '/v1/chats', a.token, { peer: b.phone })).id;
}

async function read(who: Account, chatId: string, seq: number): Promise<void> {
  await api('POST', `/v1/chats/${chatId}/read`, who.token, { seq });
}

// ---- the people and their chats, in each language -----------------------------------------------

const SCRIPT = {
  en: {
    me: ['Alice Martin', 'Climbing, coffee and long walks'],
    main: ['Bob Lefèvre', 'Available'],
    others: [
      ['Chloé Durand', 'At work'],
      ['David Moreau', 'Hey there! I am using Parley.'],
      ['Emma Wilson', 'Travelling 🌍'],
    ],
    emma: ['Thanks for yesterday, it was lovely!', 'Anytime 😊'],
    chloe: 'I am sending you the slides tonight',
    david: ['Are we still on for Friday?', 'I booked the table for 8'],
    bob: {
      before: ['How was the concert last night?', 'Amazing! They played for almost three hours 🎸'],
      hi: 'Hi Alice! Are you in Paris this weekend?',
      yes: 'Yes, arriving Saturday morning 🚄',
      reply: 'Great, let’s have lunch together',
      place: { name: 'Café de l’Homme', address: '17 Place du Trocadéro, Paris' },
      card: 'Chloé Durand',
      after: 'Chloé knows the owner, ask her for a table by the window',
      last: 'Perfect, see you there! 👍',
    },
  },
  fr: {
    me: ['Camille Bernard', 'Escalade, café et longues balades'],
    main: ['Hugo Lambert', 'Disponible'],
    others: [
      ['Inès Garnier', 'Au travail'],
      ['Julien Roux', 'Salut ! J’utilise Parley.'],
      ['Léa Fontaine', 'En voyage 🌍'],
    ],
    emma: ['Merci pour hier, c’était super !', 'Avec plaisir 😊'],
    chloe: 'Je t’envoie les diapos ce soir',
    david: ['On maintient vendredi ?', 'J’ai réservé pour 20 h'],
    bob: {
      before: ['Alors, ce concert hier soir ?', 'Génial ! Ils ont joué presque trois heures 🎸'],
      hi: 'Salut Camille ! Tu es à Lyon ce week-end ?',
      yes: 'Oui, j’arrive samedi matin 🚄',
      reply: 'Super, on déjeune ensemble ?',
      place: { name: 'Les Halles Paul Bocuse', address: '102 Cours Lafayette, Lyon' },
      card: 'Inès Garnier',
      after: 'Inès connaît le patron, demande-lui une table près de la fenêtre',
      last: 'Parfait, à samedi ! 👍',
    },
  },
} as const;

const COORDS = { en: [48.862725, 2.287592], fr: [45.763288, 4.850556] } as const;

interface World {
  me: Account;
  bob: Account;
  bobName: string;
  presence: WebSocket;
}

async function seed(lang: Lang): Promise<World> {
  const s = SCRIPT[lang];
  const me = await register(s.me[0], s.me[1]);
  const person = (i: number) => register(s.others[i]![0], s.others[i]![1]);
  const emma = await person(2);
  const chloe = await person(0);
  const david = await person(1);
  const bob = await register(s.main[0], s.main[1]);

  // Older chats first, so that the chat with Bob is the most recent one.
  const withEmma = await openChat(emma, me);
  await text(emma, withEmma, s.emma[0]);
  const e2 = await text(me, withEmma, s.emma[1]);
  await read(emma, withEmma, e2.seq);
  await read(me, withEmma, e2.seq);
  await api('PATCH', `/v1/chats/${withEmma}`, me.token, { pinned: true });

  const withChloe = await openChat(me, chloe);
  const c1 = await text(me, withChloe, s.chloe);
  await read(chloe, withChloe, c1.seq);

  const withDavid = await openChat(david, me);
  await text(david, withDavid, s.david[0]);
  await text(david, withDavid, s.david[1]);

  const chat = await openChat(bob, me);
  await text(me, chat, s.bob.before[0]);
  await text(bob, chat, s.bob.before[1]);
  await text(bob, chat, s.bob.hi);
  const yes = await text(me, chat, s.bob.yes);
  await text(bob, chat, s.bob.reply, yes.id);
  const place = await send(me, chat, 'location', { latitude: COORDS[lang][0], longitude: COORDS[lang][1], ...s.bob.place });
  await api('PUT', `/v1/messages/${place.id}/reaction`, bob.token, { emoji: '❤️' });
  await send(bob, chat, 'contact', { contacts: [{ name: s.bob.card, phones: [{ number: chloe.phone.replace(/^\+33(\d)(\d\d)(\d\d)(\d\d)(\d\d)$/, '+33 $1 $2 $3 $4 $5'), label: 'mobile' }] }] });
  await text(bob, chat, s.bob.after);
  const last = await text(me, chat, s.bob.last);
  await read(bob, chat, last.seq);
  await read(me, chat, last.seq);

  // Bob is online (a connected device) while the screenshots are taken.
  const presence = new WebSocket(`${process.env.PARLEY_E2E_URL!.replace(/^http/, 'ws')}/v1/ws`, { headers: { authorization: `Bearer ${bob.token}` } });
  await new Promise<void>((resolve, reject) => {
    presence.once('open', () => resolve());
    presence.once('error', reject);
  });
  return { me, bob, bobName: s.main[0], presence };
}

// ---- taking the pictures --------------------------------------------------------------------------

async function shoot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  // Nothing mid-transition, no caret, no hover.
  await page.mouse.move(0, 0);
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  if (UPDATE) {
    fs.mkdirSync(DOCS, { recursive: true });
    fs.copyFileSync(file, path.join(DOCS, `${name}.png`));
  }
}

interface Variant {
  device: 'desktop' | 'phone';
  scheme: 'light' | 'dark';
  lang: Lang;
}

function contextOptions(v: Variant): BrowserContextOptions {
  return {
    locale: v.lang === 'fr' ? 'fr-FR' : 'en-GB',
    timezoneId: 'Europe/Paris',
    colorScheme: v.scheme,
    viewport: v.device === 'phone' ? PHONE : DESKTOP,
    deviceScaleFactor: v.device === 'phone' ? 2 : 1,
    isMobile: v.device === 'phone',
    hasTouch: v.device === 'phone',
  };
}

const suffix = (v: Variant) => `${v.device}-${v.scheme}${v.lang === 'en' ? '' : `-${v.lang}`}`;

async function signInScreen(browser: Browser, v: Variant): Promise<void> {
  const t = dict[v.lang];
  const context = await browser.newContext(contextOptions(v));
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByRole('heading', { name: t['auth.title'] })).toBeVisible();
  await page.locator('#country').selectOption('FR');
  await page.locator('#phone').fill('612345678');
  await page.locator('#phone').blur();
  await shoot(page, `sign-in-${suffix(v)}`);
  await context.close();
}

async function appScreens(browser: Browser, world: World, v: Variant): Promise<void> {
  const t = dict[v.lang];
  const s = SCRIPT[v.lang];
  const session = { token: world.me.token, accountId: world.me.accountId, deviceId: world.me.deviceId };
  const context = await browser.newContext({
    ...contextOptions(v),
    storageState: { cookies: [], origins: [{ origin: process.env.PARLEY_E2E_URL!, localStorage: [{ name: 'parley.session', value: JSON.stringify(session) }] }] },
  });
  const page = await context.newPage();
  await page.goto('/');

  // The chat list: four chats, the pinned one first, one with unread messages.
  const items = page.locator('.chat-list .chat-item');
  await expect(items).toHaveCount(4);
  await expect(items.first()).toContainText(s.others[2][0]);
  await expect(page.locator('.chat-list .badge')).toHaveText('2');
  await expect(page.locator('.banner')).toHaveCount(0);
  await shoot(page, `chats-${suffix(v)}`);

  // The chat with Bob: text, a reply with its quote, a location with a reaction, a contact card.
  await page.locator('.chat-item', { hasText: world.bobName }).click();
  const log = page.getByRole('log', { name: world.bobName });
  await expect(log.locator('.bubble-text', { hasText: s.bob.last })).toBeVisible();
  await expect(log.locator('.quote-preview', { hasText: s.bob.yes })).toBeVisible();
  await expect(log.locator('.location-name')).toHaveText(s.bob.place.name);
  await expect(log.locator('.contact-card')).toContainText(s.bob.card);
  await expect(log.locator('.reactions')).toContainText('❤️');
  await expect(page.locator('.chat-subtitle')).toHaveText(t['chat.online']);
  await expect(log.locator('.msg-row.out .tick').last()).toHaveAttribute('data-status', 'read');
  await shoot(page, `chat-${suffix(v)}`);

  // Settings: beside the open chat on a desktop; full screen on a phone, opened from the list.
  if (v.device === 'phone') {
    await page.getByRole('button', { name: t['chat.back'] }).click();
    await expect(items).toHaveCount(4);
  }
  await page.getByRole('button', { name: t['settings.title'], exact: true }).first().click();
  const panel = page.getByRole('complementary', { name: t['settings.title'] });
  await expect(panel.getByLabel(t['settings.name'], { exact: true })).toHaveValue(s.me[0]);
  await expect(panel.getByRole('list', { name: t['settings.devices'] }).getByRole('listitem')).not.toHaveCount(0);
  await shoot(page, `settings-${suffix(v)}`);
  await context.close();
}

// ---- the runs ------------------------------------------------------------------------------------

const worlds: Partial<Record<Lang, World>> = {};

test.beforeAll(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  worlds.en = await seed('en');
  worlds.fr = await seed('fr');
});

test.afterAll(() => {
  for (const w of Object.values(worlds)) w.presence.close();
});

const VARIANTS: Variant[] = [
  { device: 'desktop', scheme: 'light', lang: 'en' },
  { device: 'desktop', scheme: 'dark', lang: 'en' },
  { device: 'phone', scheme: 'light', lang: 'en' },
  { device: 'phone', scheme: 'dark', lang: 'en' },
  { device: 'desktop', scheme: 'light', lang: 'fr' },
  { device: 'phone', scheme: 'light', lang: 'fr' },
];

for (const v of VARIANTS) {
  test(`screens: ${suffix(v)}`, async ({ browser }) => {
    await signInScreen(browser, v);
    await appScreens(browser, worlds[v.lang]!, v);
  });
}
