/** Browser-test helpers: numbers, codes from the SMS stub, signing in through the real UI. */
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';

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

/** Open the app in a fresh context and sign in with a new French number through the UI. */
export async function signInNew(browser: Browser, opts: { locale?: string; viewport?: { width: number; height: number } } = {}): Promise<SignedInPage> {
  const context = await browser.newContext({ locale: opts.locale ?? 'en-GB', viewport: opts.viewport ?? { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto('/');
  const national = nextNational();
  const phone = `+33${national}`;
  await page.locator('#country').selectOption('FR');
  await page.locator('#phone').fill(national);
  await page.locator('form button[type=submit]').click();
  const code = await codeFor(phone);
  await page.locator('#code').fill(code);
  await page.locator('form button[type=submit]').click();
  await expect(page.locator('.sidebar')).toBeVisible();
  return { context, page, phone };
}

export async function startChat(page: Page, phone: string): Promise<void> {
  await page.getByRole('button', { name: /new chat|nouvelle discussion/i }).click();
  await page.locator('#new-chat-phone').fill(phone);
  await page.getByRole('button', { name: /start chat|démarrer/i }).click();
  await expect(page.locator('.composer textarea')).toBeVisible();
}
