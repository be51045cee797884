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
