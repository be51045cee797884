/**
 * Helpers for Business API (Cloud API compatible) tests: a business with API access, Graph calls,
 * and the Graph error envelope check.
 */
import { expect } from 'vitest';
import type { TestServer } from './server.js';
import { api, nextPhone, type Person } from './clients.js';
import { requestCode, verifyCode } from '../../src/domain/accounts/index.js';
import { signInBusiness } from './business.js';
import type { WebhookReceiver } from './webhook-receiver.js';

export interface ApiBusiness extends Person {
  wabaId: string;
  phoneNumberId: string;
  appId: string;
  appSecret: string;
  apiToken: string;
  tokenId: string;
}

/** A business with API access, an app subscribed to `receiver`, and a messaging+management token. */
export async function apiBusiness(server: TestServer, receiver: WebhookReceiver | null, scopes = ['messaging', 'management']): Promise<ApiBusiness> {
  const biz = await signInBusiness(server);
  const enabled = await api<{ wabaId: string; numbers: { phoneNumberId: string }[] }>(server, 'POST', '/v1/business/api/enable', { token: biz.token });
  expect(enabled.status).toBe(200);
  const app = await api<{ id: string; appSecret: string }>(server, 'POST', '/v1/business/api/apps', { token: biz.token, body: { name: 'Shop backend' } });
  expect(app.status).toBe(200);
  const tok = await api<{ id: string; token: string }>(server, 'POST', '/v1/business/api/tokens', { token: biz.token, body: { scopes } });
  expect(tok.status).toBe(200);
  if (receiver) {
    const hook = await api(server, 'PUT', `/v1/business/api/apps/${app.body.id}/webhook`, { token: biz.token, body: { callbackUrl: receiver.url, verifyToken: receiver.verifyToken } });
    expect(hook.status, JSON.stringify(hook.body)).toBe(200);
  }
  return { ...biz, wabaId: enabled.body.wabaId, phoneNumberId: enabled.body.numbers[0]!.phoneNumberId, appId: app.body.id, appSecret: app.body.appSecret, apiToken: tok.body.token, tokenId: tok.body.id };
}

export const digits = (phone: string) => phone.replace(/\D/g, '');

export function graph<T = Record<string, unknown>>(server: TestServer, token: string | null, method: string, path: string, body?: unknown) {
  return api<T>(server, method, path, { ...(token ? { token } : {}), ...(body !== undefined ? { body } : {}) });
}

/** The sample template every WABA starts with (UTILITY, no parameters): sendable outside the customer-service window. */
export const helloWorld = (to: string) => ({ messaging_product: 'whatsapp', to, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });

export const textExample = (to: string) => ({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'See https://example.com/order/42', preview_url: true } });

export function expectGraphError(res: { status: number; body: unknown }, status: number, code: number, extra: Record<string, unknown> = {}) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  const err = (res.body as { error: Record<string, unknown> }).error;
  expect(Object.keys(res.body as object)).toEqual(['error']);
  expect(err).toMatchObject({ code, type: expect.stringMatching(/^(OAuthException|GraphMethodException)$/), ...extra });
  expect(err.fbtrace_id).toMatch(/^A[\w-]{22}$/);
  expect(typeof err.message).toBe('string');
  return err;
}


/**
 * The customer writes to the business (opening the customer-service window of 24 hours, in which
 * the business may send free-form messages). Returns the chat and the message ids.
 */
export async function customerWrites(server: TestServer, customer: Person, business: { phone: string }, text = 'Hello!'): Promise<{ chatId: string; messageId: string }> {
  const chat = await api<{ id: string }>(server, 'POST', '/v1/chats', { token: customer.token, body: { peer: business.phone } });
  expect(chat.status, JSON.stringify(chat.body)).toBe(200);
  const sent = await api<{ message: { id: string } }>(server, 'POST', `/v1/chats/${chat.body.id}/messages`, { token: customer.token, body: { clientId: `hello-${Math.random().toString(36).slice(2)}`, kind: 'text', content: { text } } });
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  return { chatId: chat.body.id, messageId: sent.body.message.id };
}

/**
 * `n` customers signed in through the accounts domain (request and verify a code in-process, as
 * the HTTP routes do), for tests that need hundreds of them; the sends still go through the API.
 */
export async function manyCustomers(server: TestServer, n: number): Promise<Person[]> {
  const ctx = server.parley.ctx;
  const out: Person[] = [];
  for (let i = 0; i < n; i++) {
    const phone = nextPhone();
    await requestCode(ctx, phone);
    const code = server.codes.codes.get(phone);
    if (!code) throw new Error('no code captured');
    const s = await verifyCode(ctx, { phone, code, deviceName: 'Test device' });
    out.push({ phone, token: s.token, accountId: s.account.id, deviceId: s.device.id });
  }
  return out;
}
