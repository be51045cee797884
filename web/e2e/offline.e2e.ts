/**
 * The installable, offline-capable app (the production build, with its service worker): the
 * manifest and icons, the worker's precache, the offline banner, messages typed offline (kept in
 * the outbox, through a reload with no network) and delivered exactly once when the network is back.
 *
 * The network is cut with `context.setOffline(true)` plus closing the open WebSocket (see
 * `cutNetwork`). A service worker only controls pages loaded after it activated, so the tests
 * wait for `navigator.serviceWorker.ready` and a controlled page before going offline.
 */
import { expect, test, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import { en } from '../src/i18n/en.js';
import { fr } from '../src/i18n/fr.js';
import { signInNew, startChat, type SignedInPage } from './helpers.js';

/** Wait until the service worker is active and controls the page (reloading once if needed). */
async function controlledBySw(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state ?? null), { timeout: 15_000 }).toBe('activated');
  if (!(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)))) {
    await page.reload();
    await expect(page.locator('#root > *')).toBeVisible();
  }
  await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);
}

/**
 * Cut the network as a phone losing it does. `context.setOffline(true)` fails new requests and
 * WebSockets, the service worker's fetches included, and fires `offline`; but Chromium keeps an
 * already open WebSocket going, where a real network loss breaks it. So the page's open sockets
 * (recorded by `recordSockets`) are closed too.
 */
async function cutNetwork(context: BrowserContext): Promise<void> {
  await context.setOffline(true);
  for (const page of context.pages()) {
    await page.evaluate(() => {
      for (const ws of (window as unknown as { __sockets?: WebSocket[] }).__sockets ?? []) if (ws.readyState <= WebSocket.OPEN) ws.close(3000, 'network lost');
    });
  }
}

/** Keep a list of the page's WebSockets (for `cutNetwork`), from the next load on. */
async function recordSockets(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const Native = window.WebSocket;
    const sockets: WebSocket[] = [];
    (window as unknown as { __sockets: WebSocket[] }).__sockets = sockets;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        sockets.push(this);
      }
    };
  });
}

/** What the API stores, read with the account's own token: the ground truth for "exactly once". */
/**
 * The text messages the server holds for the chat. Chats between people are end-to-end encrypted:
 * the server has envelopes only, so this counts them (each one an envelope); Bob's view shows the texts.
 */
async function serverTexts(request: APIRequestContext, page: Page, chatId: string): Promise<number> {
  const token = await page.evaluate(() => (JSON.parse(localStorage.getItem('parley.session') ?? '{}') as { token?: string }).token ?? '');
  const res = await request.get(`/v1/chats/${encodeURIComponent(chatId)}/messages?limit=100`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.ok()).toBe(true);
  const body = (await res.json()) as { messages: { kind: string; content: { e2e?: { ct?: string } } | null }[] };
  const texts = body.messages.filter((m) => m.kind === 'text');
  for (const m of texts) expect(m.content?.e2e?.ct).toBeTruthy();
  return texts.length;
}

function pngSize(buf: Buffer): { width: number; height: number } {
  expect(buf.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

test('the app is installable: manifest, icons and an active service worker with the shell precached', async ({ browser, request }) => {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByRole('heading', { name: en['auth.title'] })).toBeVisible();

  // The manifest, linked from the page and served with the right type and fields.
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href).toBe('/manifest.webmanifest');
  const res = await request.get(href!);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toMatch(/^application\/manifest\+json/);
  const manifest = (await res.json()) as Record<string, unknown> & { icons: { src: string; sizes: string; type: string; purpose?: string }[] };
  expect(manifest).toMatchObject({ name: 'Parley', short_name: 'Parley', start_url: '/', scope: '/', display: 'standalone' });
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
  expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);

  // Icons: PNG 192 and 512, "any" and "maskable", each served and of the size it claims.
  for (const size of [192, 512]) {
    for (const purpose of ['any', 'maskable']) {
      const icon = manifest.icons.find((i) => i.sizes === `${size}x${size}` && i.type === 'image/png' && (i.purpose ?? 'any').split(' ').includes(purpose));
      expect(icon, `${purpose} ${size} icon`).toBeTruthy();
      const r = await request.get(icon!.src);
      expect(r.status()).toBe(200);
      expect(r.headers()['content-type']).toBe('image/png');
      expect(pngSize(await r.body())).toEqual({ width: size, height: size });
    }
  }
  const svg = manifest.icons.find((i) => i.type === 'image/svg+xml');
  expect((await request.get(svg!.src)).status()).toBe(200);
  const touch = await page.locator('link[rel="apple-touch-icon"]').getAttribute('href');
  const touchRes = await request.get(touch!);
  expect(touchRes.status()).toBe(200);
  expect(pngSize(await touchRes.body()).width).toBeGreaterThanOrEqual(180);

  // The worker registers, activates and controls the page; it is never cached by HTTP.
  await controlledBySw(page);
  const sw = await request.get('/sw.js');
  expect(sw.headers()['cache-control']).toBe('no-cache');
  expect(sw.headers()['content-type']).toMatch(/javascript/);

  // The precache holds the shell and every script and stylesheet the page loaded, and nothing
  // from the API.
  const cached = await page.evaluate(async () => {
    const names = await caches.keys();
    const urls: string[] = [];
    for (const n of names) for (const r of await (await caches.open(n)).keys()) urls.push(new URL(r.url).pathname);
    const loaded = [...document.querySelectorAll<HTMLScriptElement | HTMLLinkElement>('script[src], link[rel="stylesheet"]')].map((e) => new URL('src' in e ? e.src : e.href).pathname);
    return { names, urls, loaded };
  });
  expect(cached.names).toHaveLength(1);
  expect(cached.names[0]).toMatch(/^parley-[0-9a-f]{12}$/);
  expect(cached.urls).toContain('/');
  expect(cached.urls).toContain('/manifest.webmanifest');
  expect(cached.loaded.length).toBeGreaterThan(0);
  for (const u of cached.loaded) expect(cached.urls).toContain(u);
  expect(cached.urls.filter((u) => u.startsWith('/v1'))).toEqual([]);

  // What Chromium itself says (DevTools protocol): the manifest parses without errors, and
  // nothing stands in the way of installing but the test browser's own incognito profile.
  const cdp = await context.newCDPSession(page);
  const parsed = (await cdp.send('Page.getAppManifest' as never)) as { url: string; errors: { message: string }[] };
  expect(new URL(parsed.url).pathname).toBe('/manifest.webmanifest');
  expect(parsed.errors).toEqual([]);
  const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors' as never)) as { installabilityErrors: { errorId: string }[] };
  expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
  await context.close();
});

test.describe('offline', () => {
  let alice: SignedInPage;
  let bob: SignedInPage;

  test.afterEach(async () => {
    await alice?.context.close();
    await bob?.context.close();
  });

  test('messages typed offline wait in the outbox, survive a reload with no network, and arrive exactly once', async ({ browser, request }) => {
    // Alice uses the app in French (the banner follows the language); Bob in English.
    alice = await signInNew(browser, { locale: 'fr-FR' });
    bob = await signInNew(browser);
    await startChat(alice.page, bob.phone);
    await alice.page.locator('.composer textarea').fill('Salut Bob');
    await alice.page.keyboard.press('Enter');
    const bobItem = bob.page.locator('.chat-item', { hasText: 'Salut Bob' });
    await expect(bobItem).toBeVisible();
    await bobItem.click();
    const atBob = (text: string) => bob.page.locator('.msg-row.in .bubble-text', { hasText: text });
    await expect(atBob('Salut Bob')).toHaveCount(1);

    const chatId = decodeURIComponent(new URL(alice.page.url()).pathname.replace(/^\/chat\//, ''));
    await recordSockets(alice.context);
    await alice.page.reload();
    await controlledBySw(alice.page);
    const mine = (text: string) => alice.page.locator('.msg-row.out', { has: alice.page.locator('.bubble-text', { hasText: text }) });
    await expect(mine('Salut Bob').locator('.tick')).not.toHaveAttribute('data-status', 'pending');

    // Offline: the banner says so, in French.
    await cutNetwork(alice.context);
    const banner = alice.page.locator('.banner[role="status"]');
    await expect(banner).toHaveText(fr['app.offline']);

    // Two messages typed offline: shown at once, with the clock.
    const box = alice.page.locator('.composer textarea');
    for (const text of ['Hors ligne 1', 'Hors ligne 2']) {
      await box.fill(text);
      await box.press('Enter');
      await expect(mine(text)).toHaveCount(1);
      await expect(mine(text).locator('.tick')).toHaveAttribute('data-status', 'pending');
    }

    // A reload with no network: the service worker serves the shell, IndexedDB the chat list,
    // the recent messages and the outbox.
    const shell = await alice.page.reload();
    expect(shell?.fromServiceWorker()).toBe(true);
    await expect(banner).toHaveText(fr['app.offline']);
    await expect(alice.page.locator('.sidebar .chat-item', { hasText: /Hors ligne 2|Salut Bob/ })).toBeVisible();
    await expect(alice.page.locator('.msg-row.out .bubble-text', { hasText: 'Salut Bob' })).toBeVisible();
    for (const text of ['Hors ligne 1', 'Hors ligne 2']) {
      await expect(mine(text)).toHaveCount(1);
      await expect(mine(text).locator('.tick')).toHaveAttribute('data-status', 'pending');
    }
    expect(await serverTexts(request, alice.page, chatId)).toBe(1);
    await expect(atBob('Hors ligne 1')).toHaveCount(0);

    // Back online: the banner goes, the outbox is sent, the ticks leave "pending".
    await alice.context.setOffline(false);
    await expect(banner).toHaveCount(0, { timeout: 20_000 });
    for (const text of ['Hors ligne 1', 'Hors ligne 2']) {
      await expect(mine(text).locator('.tick')).not.toHaveAttribute('data-status', 'pending', { timeout: 15_000 });
      await expect(mine(text)).toHaveCount(1);
    }

    // Exactly once, at Bob and on the server. A message sent afterwards is a fence: anything
    // sent before it (a duplicate included) is in Bob's view by the time it shows.
    await box.fill('Fin');
    await box.press('Enter');
    await expect(atBob('Fin')).toHaveCount(1);
    await expect(atBob('Hors ligne 1')).toHaveCount(1);
    await expect(atBob('Hors ligne 2')).toHaveCount(1);
    expect(await serverTexts(request, alice.page, chatId)).toBe(4);
    await expect(bob.page.locator('.msg-row.in .bubble-text')).toHaveText(['Salut Bob', 'Hors ligne 1', 'Hors ligne 2', 'Fin']);
  });
});
