/**
 * Test helper: register a new number as a business account through the real code flow.
 */
import type { TestServer } from './server.js';
import { api, nextPhone, type Person } from './clients.js';

export async function signInBusiness(
  server: TestServer,
  business = { name: 'Chez Léa', category: 'restaurant' },
  phone = nextPhone(),
  deviceName = 'Shop',
): Promise<Person & { status: number; body: unknown }> {
  await api(server, 'POST', '/v1/auth/code', { body: { phone } });
  const code = server.codes.codes.get(phone);
  if (!code) throw new Error('no code captured');
  const res = await api<{ token: string; deviceId: string; account: { id: string } }>(server, 'POST', '/v1/auth/verify', { body: { phone, code, deviceName, business } });
  return { phone, token: res.body.token, accountId: res.body.account?.id, deviceId: res.body.deviceId, status: res.status, body: res.body };
}

export interface NewBusinessOptions {
  name?: string;
  category?: string;
  /** Profile fields set after registration with PATCH /v1/business/profile (e.g. `timezone`, `hours`). */
  profile?: Record<string, unknown>;
}

/**
 * A new business account, registered through the real code flow (and its profile completed through
 * PATCH /v1/business/profile when `profile` is given). Throws if the server refuses.
 */
export async function newBusiness(server: TestServer, opts: NewBusinessOptions = {}): Promise<Person> {
  const biz = await signInBusiness(server, { name: opts.name ?? 'Chez Test', category: opts.category ?? 'restaurant' });
  if (biz.status !== 200) throw new Error(`business registration failed: ${JSON.stringify(biz.body)}`);
  if (opts.profile && Object.keys(opts.profile).length > 0) {
    const res = await api(server, 'PATCH', '/v1/business/profile', { token: biz.token, body: opts.profile });
    if (res.status !== 200) throw new Error(`business profile refused: ${JSON.stringify(res.body)}`);
  }
  return { phone: biz.phone, token: biz.token, accountId: biz.accountId, deviceId: biz.deviceId };
}
