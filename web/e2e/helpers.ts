/** Browser-test helpers: numbers, codes from the SMS stub, signing in through the real UI. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import zlib from 'node:zlib';
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';

const root = path.resolve(import.meta.dirname, '../..');

let n = 0;
/** A fresh valid French mobile number ("6 12 34 56 78" national form) for each call. */
export function nextNational(): string {
  n++;
  const digits = String(10_000_000 + ((process.pid % 500) * 10_000 + n * 7919) % 89_999_999).padStart(8, '0');
  return `6${digits}`;
}

export async function codeFor(e164: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`${process.env.PARLEY_E2E_SMS}/codes/${encodeURIComponent(e164)}`);
    if (res.ok) return ((await res.json()) as { code: string }).code;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no code for ${e164}`);
}

export interface SignedInPage {
  context: BrowserContext;
  page: Page;
  phone: string;
}

export interface SignInOptions {
  locale?: string;
  viewport?: { width: number; height: number };
}

/** A business to register: its name and a category id (`restaurant`, `food_grocery`, …). */
export interface NewBusiness {
  name: string;
  category: string;
}

async function signInThroughUi(browser: Browser, opts: SignInOptions, business?: NewBusiness): Promise<SignedInPage> {
  const context = await browser.newContext({ locale: opts.locale ?? 'en-GB', viewport: opts.viewport ?? { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto('/');
  const national = nextNational();
  const phone = `+33${national}`;
  await page.locator('#country').selectOption('FR');
  await page.locator('#phone').fill(national);
  if (business) {
    await page.getByRole('checkbox', { name: /Register as a business|S’inscrire en tant qu’entreprise/ }).check();
    await page.locator('#business-name').fill(business.name);
    await page.locator('#business-category').selectOption(business.category);
  }
  await page.locator('form button[type=submit]').click();
  const code = await codeFor(phone);
  await page.locator('#code').fill(code);
  await page.locator('form button[type=submit]').click();
  await expect(page.locator('.sidebar')).toBeVisible();
  return { context, page, phone };
}

/** Open the app in a fresh context and sign in with a new French number through the UI. */
export async function signInNew(browser: Browser, opts: SignInOptions = {}): Promise<SignedInPage> {
  return signInThroughUi(browser, opts);
}

/**
 * Open the app in a fresh context and register a new French number as a business account through
 * the sign-in screen's "Register as a business" option.
 */
export async function signInNewBusiness(browser: Browser, business: NewBusiness, opts: SignInOptions = {}): Promise<SignedInPage> {
  return signInThroughUi(browser, opts, business);
}

export async function startChat(page: Page, phone: string): Promise<void> {
  await page.getByRole('button', { name: /new chat|nouvelle discussion/i }).click();
  await page.locator('#new-chat-phone').fill(phone);
  await page.getByRole('button', { name: /start chat|démarrer/i }).click();
  await expect(page.locator('.composer textarea')).toBeVisible();
}

/** A tiny valid PNG (1×1), e.g. to upload as a verification document. */
export function png(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.from([0, 200, 30, 30]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface AdminCredentials {
  username: string;
  password: string;
}

let admins = 0;
/** Create a platform administrator with `parley admin create`, as an operator does (a new username each call). */
export function createAdmin(username = `reviewer-${process.pid % 100_000}-${++admins}`): AdminCredentials {
  const password = 'e2e admin password';
  const created = spawnSync(process.execPath, [path.join(root, 'bin/parley.js'), 'admin', 'create', '--username', username], {
    cwd: root,
    env: { ...process.env, PARLEY_DATA_DIR: process.env.PARLEY_E2E_DATA_DIR, DATABASE_URL: '', PARLEY_LOG_LEVEL: 'silent', PARLEY_ADMIN_PASSWORD: password },
    encoding: 'utf8',
  });
  expect(created.status, created.stderr).toBe(0);
  return { username, password };
}

/**
 * Get the business signed in on `page` verified through the real endpoints, without the screens
 * (those are covered by business-verification.e2e.ts): it uploads a document and asks for
 * verification with its device token; a new administrator approves the request over the admin API.
 */
export async function verifyBusiness(page: Page, legalName = 'E2E Business SARL'): Promise<void> {
  const session = JSON.parse((await page.evaluate(() => localStorage.getItem('parley.session'))) ?? 'null') as { token: string; accountId: string };
  const auth = { authorization: `Bearer ${session.token}` };
  const media = await page.request.post('/v1/media?kind=image', { headers: { ...auth, 'content-type': 'image/png' }, data: png() });
  expect(media.status()).toBe(201);
  const request = await page.request.post('/v1/business/verification', {
    headers: auth,
    data: { legalName, documentMediaIds: [((await media.json()) as { id: string }).id] },
  });
  expect(request.status()).toBe(201);

  const admin = createAdmin();
  const login = await page.request.post('/v1/admin/login', { data: admin });
  expect(login.status()).toBe(200);
  const adminAuth = { authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
  const queue = (await (await page.request.get('/v1/admin/verifications?status=pending', { headers: adminAuth })).json()) as {
    verifications: { id: string; accountId: string }[];
  };
  const pending = queue.verifications.find((v) => v.accountId === session.accountId);
  expect(pending).toBeDefined();
  expect((await page.request.post(`/v1/admin/verifications/${pending!.id}/approve`, { headers: adminAuth })).status()).toBe(204);
}
