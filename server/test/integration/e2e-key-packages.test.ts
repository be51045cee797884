/**
 * Key-package exhaustion: a device with no ordinary key package left is still added to chats
 * through its last-resort key package (RFC 9420 §16.8), which the server hands out only then and
 * never deletes; claims are rate-limited per device with a clear error.
 */
import { describe, expect, it } from 'vitest';
import { toBase64 } from '../../../packages/e2e/src/index.js';
import type { TestServer } from '../helpers/server.js';
import { api, openChat, signIn } from '../helpers/clients.js';
import { useE2eServer, type E2eClient } from '../helpers/e2e-client.js';

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };
type Claim = { devices: { deviceId: string; keyPackage: string | null; lastResort: boolean }[] };

describe('key-package exhaustion', () => {
  let server!: TestServer;
  const { start } = useE2eServer((s) => (server = s));
  const count = async (c: E2eClient) => (await api<{ count: number; lastResort: boolean }>(server, 'GET', '/v1/e2e/key-packages/count', { token: c.person.token })).body;

  it('a device with zero ordinary key packages is still added to chats, through its last-resort key package', async () => {
    const bob = await start(await signIn(server), 0);
    expect(await count(bob)).toEqual({ count: 0, lastResort: false });
    await bob.uploadLastResort();
    expect(await count(bob)).toEqual({ count: 0, lastResort: true });

    // Alice and Carol each add Bob's device to a chat: both get the same last-resort key package.
    const alice = await start(await signIn(server));
    const carol = await start(await signIn(server));
    for (const [friend, text] of [
      [alice, 'from Alice'],
      [carol, 'from Carol'],
    ] as const) {
      const chatId = await openChat(server, friend.person, bob.person);
      expect(await friend.reconcile(chatId)).toBe(200);
      await bob.waitFor('e2e.welcome', (u) => u.chatId === chatId);
      expect(await bob.device.hasGroup(chatId)).toBe(true);
      const id = await friend.send(chatId, { kind: 'text', content: { text } });
      expect(await bob.receive(id)).toMatchObject({ content: { text } });
    }
    expect(await count(bob)).toEqual({ count: 0, lastResort: true });

    // With ordinary key packages again, those go first and are used up; the last-resort one stays.
    await bob.uploadKeyPackages(1);
    const claim = () => api<Claim>(server, 'POST', '/v1/e2e/key-packages/claim', { token: alice.person.token, body: { accountId: bob.person.accountId } });
    const first = (await claim()).body.devices[0]!;
    const second = (await claim()).body.devices[0]!;
    expect(first).toMatchObject({ lastResort: false, keyPackage: expect.any(String) });
    expect(second).toMatchObject({ lastResort: true, keyPackage: expect.any(String) });
    expect(second.keyPackage).not.toBe(first.keyPackage);
    expect(await count(bob)).toEqual({ count: 0, lastResort: true });
  });

  it("a contact's first encrypting device is announced in a chat that has no group yet, so messages waiting for it can go", async () => {
    const alice = await start(await signIn(server));
    const bobPerson = await signIn(server);
    const chatId = await openChat(server, alice.person, bobPerson);
    // Bob has no encrypting device: Alice cannot make the chat's group (her messages wait).
    const claim = await api<Claim>(server, 'POST', '/v1/e2e/key-packages/claim', { token: alice.person.token, body: { accountId: bobPerson.accountId } });
    expect(claim.body.devices.every((d) => d.keyPackage === null)).toBe(true);
    expect(await alice.device.hasGroup(chatId)).toBe(false);
    // His device publishes key packages: Alice hears of it in that chat at once.
    const bob = await start(bobPerson);
    let record: Record<string, unknown> | undefined;
    await alice.waitFor('e2e.devices', (u) => u.chatId === chatId && !!(record = u));
    expect(record).toMatchObject({ chatId, accountId: bobPerson.accountId, deviceId: bob.person.deviceId, change: 'added' });
    expect(await alice.reconcile(chatId)).toBe(200);
    const id = await alice.send(chatId, { kind: 'text', content: { text: 'now encrypted' } });
    expect(await bob.receive(id)).toMatchObject({ content: { text: 'now encrypted' } });
  });

  it('checks which slot a key package goes in, and a new last-resort key package replaces the old one', async () => {
    const bob = await start(await signIn(server), 0);
    const lastResort = toBase64(await bob.device.generateLastResortKeyPackage());
    const ordinary = toBase64((await bob.device.generateKeyPackages(1))[0]!);
    const upload = (body: unknown) => api<ErrorBody>(server, 'POST', '/v1/e2e/key-packages', { token: bob.person.token, body });
    expect((await upload({ keyPackages: [ordinary, lastResort] })).body.error).toMatchObject({ code: 'E2E_KEY_PACKAGE_INVALID', details: { index: 1 } });
    expect((await upload({ lastResort: ordinary })).body.error).toMatchObject({ code: 'E2E_KEY_PACKAGE_INVALID', details: { index: -1 } });
    expect((await upload({})).body.error.code).toBe('VALIDATION_FAILED');
    expect(await count(bob)).toEqual({ count: 0, lastResort: false });

    expect((await upload({ keyPackages: [ordinary], lastResort })).status).toBe(200);
    expect(await count(bob)).toEqual({ count: 1, lastResort: true });
    await bob.uploadLastResort();
    const rows = await server.parley.ctx.db.selectFrom('e2e_key_packages').select(['data', 'last_resort']).where('device_id', '=', bob.person.deviceId).where('last_resort', '=', 1).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.data).not.toBe(lastResort);
  });

  it('limits claims to 30 a minute per device with a clear error', async () => {
    const bob = await start(await signIn(server), 0);
    await bob.uploadLastResort();
    const alice = await start(await signIn(server));
    const claim = () => api<Claim & ErrorBody>(server, 'POST', '/v1/e2e/key-packages/claim', { token: alice.person.token, body: { accountId: bob.person.accountId } });
    for (let i = 0; i < 30; i++) expect((await claim()).status).toBe(200);
    const refused = await claim();
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'E2E_CLAIMS_RATE_LIMITED', details: { max: 30, retryAfterSeconds: expect.any(Number) } });
    expect(refused.body.error.message).toMatch(/At most 30 key-package claims a minute per device/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another device is not affected.
    const carol = await start(await signIn(server));
    expect((await api(server, 'POST', '/v1/e2e/key-packages/claim', { token: carol.person.token, body: { accountId: bob.person.accountId } })).status).toBe(200);
  });
});
