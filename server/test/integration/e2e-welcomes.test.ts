/**
 * Welcomes kept until the addressed device confirms it joined: a device that missed its
 * `e2e.welcome` record (acknowledged without processing it, or pruned from the update log while it
 * was away) still joins through GET /v1/e2e/welcomes; only that device reads or acknowledges them.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { pruneUpdates } from '../../src/domain/messaging/index.js';
import type { TestServer } from '../helpers/server.js';
import { api, openChat, signIn, WsClient } from '../helpers/clients.js';
import { E2eClient, useE2eServer } from '../helpers/e2e-client.js';

type Welcomes = { welcomes: { id: string; chatId: string; epoch: number; welcome: string }[] };
const DAY = 86_400_000;

describe('pending welcomes', () => {
  let server!: TestServer;
  let clock!: ManualClock;
  beforeEach(() => {
    clock = new ManualClock(Date.now());
  });
  const { start, track } = useE2eServer(
    (s) => (server = s),
    () => ({ clock }),
  );
  const welcomesOf = async (token: string) => (await api<Welcomes>(server, 'GET', '/v1/e2e/welcomes', { token })).body.welcomes;

  it('a device whose welcome record was acknowledged without processing joins from the endpoint; only it sees its welcomes', async () => {
    const alice = await start(await signIn(server));
    const bob = await start(await signIn(server));
    const chatId = await openChat(server, alice.person, bob.person);
    expect(await alice.reconcile(chatId)).toBe(200);

    // Bob's device gets the record but acknowledges it without applying it (a crash in between, a bug).
    const record = await bob.ws.nextUpdate('e2e.welcome');
    expect(record.update).toMatchObject({ chatId, deviceId: bob.person.deviceId, welcomeId: expect.stringMatching(/^wel_/) });
    await bob.ws.request({ type: 'ack', seq: record.seq });
    await bob.close();
    const bobWs = await WsClient.connect(server, bob.person.token);
    expect(await bobWs.silentFor(200, (f) => f.type === 'update')).toBe(true);
    await bobWs.close();
    expect(await bob.device.hasGroup(chatId)).toBe(false);

    // Nobody else sees Bob's welcome: not Alice, not another device of Bob's.
    const bobLaptop = await signIn(server, bob.person.phone, 'Laptop');
    expect(await welcomesOf(alice.person.token)).toEqual([]);
    expect(await welcomesOf(bobLaptop.token)).toEqual([]);
    const [pending] = await welcomesOf(bob.person.token);
    expect(pending).toMatchObject({ id: (record.update as { welcomeId: string }).welcomeId, chatId, epoch: 1 });
    const stolenAck = await api<{ acknowledged: number }>(server, 'POST', '/v1/e2e/welcomes/ack', { token: alice.person.token, body: { ids: [pending!.id] } });
    expect(stolenAck.body).toEqual({ acknowledged: 0 });
    expect(await welcomesOf(bob.person.token)).toHaveLength(1);

    // Alice commits again before Bob is back: Bob joins at epoch 1 and catches up on epoch 2.
    expect((await alice.submit(await alice.device.prepareCommit(chatId, {}))).status).toBe(200);
    const message = await alice.send(chatId, { kind: 'text', content: { text: 'did you get this?' } });
    const bob2 = track(await E2eClient.resume(bob));
    expect(await bob2.fetchWelcomes()).toEqual([chatId]);
    expect(await bob2.device.epoch(chatId)).toBe(2);
    const history = await api<{ messages: { id: string; kind: string; content: unknown }[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: bob.person.token });
    const stored = history.body.messages.find((m) => m.id === message)!;
    expect(await bob2.device.decrypt(chatId, 'text', stored.content)).toMatchObject({ content: { text: 'did you get this?' } });
    // Acknowledged: gone.
    expect(await welcomesOf(bob.person.token)).toEqual([]);
  });

  it('a device away past the update log retention joins from its kept welcome; a newer welcome supersedes, a new key or a revoke drops it', async () => {
    const alice = await start(await signIn(server));
    const bob = await start(await signIn(server));
    bob.ackWelcomes = false;
    const chatId = await openChat(server, alice.person, bob.person);
    await bob.close();

    expect(await alice.reconcile(chatId)).toBe(200);
    clock.advance((server.parley.ctx.config.PARLEY_UPDATE_RETENTION_DAYS + 1) * DAY);
    expect(await pruneUpdates(server.parley.ctx)).toBeGreaterThan(0);
    const bobWs = await WsClient.connect(server, bob.person.token, { sync: false });
    expect(await bobWs.request({ type: 'sync', after: 0 })).toMatchObject({ type: 'error', code: 'RESYNC_REQUIRED' });
    await bobWs.close();

    const bob2 = track(await E2eClient.resume(bob));
    expect(await bob2.fetchWelcomes()).toEqual([chatId]);
    const id = await alice.send(chatId, { kind: 'text', content: { text: 'welcome back' } });
    expect(await bob2.receive(id)).toMatchObject({ content: { text: 'welcome back' } });
    expect(await welcomesOf(bob.person.token)).toEqual([]);

    // Bob's device is removed and added again twice without confirming: the newer welcome supersedes the older.
    bob2.ackWelcomes = false;
    for (let i = 0; i < 2; i++) {
      expect((await alice.submit(await alice.device.prepareCommit(chatId, { removeDeviceIds: [bob.person.deviceId] }))).status).toBe(200);
      expect(await alice.reconcile(chatId)).toBe(200);
    }
    expect((await welcomesOf(bob.person.token)).map((w) => w.epoch)).toEqual([5]);
    // A new signature key (a reinstall) makes the kept welcome useless: it is dropped.
    await bob2.resetKeys();
    expect(await welcomesOf(bob.person.token)).toEqual([]);

    // A revoked device's welcomes go with it.
    const laptop = await start(await signIn(server, bob.person.phone, 'Laptop'));
    await alice.waitFor('e2e.devices', (u) => u.deviceId === laptop.person.deviceId);
    laptop.ackWelcomes = false;
    expect(await alice.reconcile(chatId)).toBe(200);
    expect(await welcomesOf(laptop.person.token)).toHaveLength(1);
    expect((await api(server, 'DELETE', `/v1/devices/${laptop.person.deviceId}`, { token: bob.person.token })).status).toBe(204);
    expect(await server.parley.ctx.db.selectFrom('e2e_welcomes').select('id').where('device_id', '=', laptop.person.deviceId).execute()).toEqual([]);
  });
});
