/**
 * Commit validation beyond epoch and group: only a device in the chat's group may commit (its
 * creator, or one added by an accepted welcome, until its key changes or it is revoked); replayed
 * and reordered commits are refused and change nothing.
 */
import { describe, expect, it } from 'vitest';
import { toBase64, type PendingCommit } from '../../../packages/e2e/src/index.js';
import type { TestServer } from '../helpers/server.js';
import { api, signIn } from '../helpers/clients.js';
import { useE2eServer } from '../helpers/e2e-client.js';

type ErrorBody = { error: { code: string; details?: Record<string, unknown> } };

describe('who may commit', () => {
  let server!: TestServer;
  const { start, pair } = useE2eServer((s) => (server = s));

  const post = (token: string, p: PendingCommit) =>
    api<ErrorBody & { epoch: number }>(server, 'POST', `/v1/e2e/chats/${p.chatId}/commits`, {
      token,
      body: { commit: toBase64(p.commit), ...(p.welcome && p.addedDeviceIds.length ? { welcome: { deviceIds: p.addedDeviceIds, data: toBase64(p.welcome) } } : {}) },
    });
  const epochOf = async (chatId: string, token: string) => (await api<{ epoch: number }>(server, 'GET', `/v1/e2e/chats/${chatId}`, { token })).body.epoch;

  it('a device that is not in the group cannot commit, not even a valid commit it got hold of', async () => {
    const { alice, bob, chatId } = await pair();
    // Bob's new laptop has a credential and key packages, but nobody has added it yet.
    const laptop = await start(await signIn(server, bob.person.phone, 'Laptop'));
    const pending = await alice.device.prepareCommit(chatId, {});
    const byLaptop = await post(laptop.person.token, pending);
    expect(byLaptop.status).toBe(403);
    expect(byLaptop.body.error.code).toBe('E2E_NOT_IN_GROUP');
    // A signed-in device of a member without a credential: refused too.
    const phone = await signIn(server, bob.person.phone, 'Phone without encryption');
    expect((await post(phone.token, pending)).body.error.code).toBe('E2E_NOT_IN_GROUP');
    // Someone outside the chat does not even see it.
    const dave = await start(await signIn(server));
    expect((await post(dave.person.token, pending)).body.error.code).toBe('CHAT_NOT_FOUND');
    expect(await epochOf(chatId, alice.person.token)).toBe(1);

    // The same commit from Alice, who is in the group: accepted.
    expect((await post(alice.person.token, pending)).status).toBe(200);
    await alice.device.commitAccepted(chatId);
    // Once added by a welcome, the laptop may commit.
    await alice.waitFor('e2e.devices', (u) => u.deviceId === laptop.person.deviceId);
    expect(await alice.reconcile(chatId)).toBe(200);
    await laptop.waitFor('e2e.welcome', (u) => u.deviceId === laptop.person.deviceId);
    expect((await laptop.submit(await laptop.device.prepareCommit(chatId, {}))).status).toBe(200);
    await bob.waitFor('e2e.commit', (u) => u.epoch === 4);
    expect(await bob.device.epoch(chatId)).toBe(4);
  });

  it("a device whose key changed cannot commit with its old state until it is added again", async () => {
    const { alice, bob, chatId } = await pair();
    const oldDevice = bob.device;
    await bob.resetKeys();
    const stale = await oldDevice.prepareCommit(chatId, {});
    expect((await post(bob.person.token, stale)).body.error.code).toBe('E2E_NOT_IN_GROUP');
    await alice.waitFor('e2e.devices', (u) => u.deviceId === bob.person.deviceId && u.change === 'added');
    expect(await alice.reconcile(chatId)).toBe(200);
    await bob.waitFor('e2e.welcome', (u) => u.deviceId === bob.person.deviceId && u.epoch === 2);
    expect((await bob.submit(await bob.device.prepareCommit(chatId, {}))).status).toBe(200);
  });

  it('a replayed commit and a reordered one are refused and change nothing; in order they are accepted', async () => {
    const { alice, bob, chatId } = await pair();
    // Alice builds two commits in a row (epoch 1 → 2 → 3) and sends the second first.
    const first = await alice.device.prepareCommit(chatId, {});
    await alice.device.commitAccepted(chatId);
    const second = await alice.device.prepareCommit(chatId, {});
    const early = await post(alice.person.token, second);
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'E2E_EPOCH_CONFLICT', details: { epoch: 1 } });
    expect(await epochOf(chatId, bob.person.token)).toBe(1);
    expect((await post(alice.person.token, first)).body.epoch).toBe(2);
    // The first one again, from another member's device: a replay.
    const replay = await post(bob.person.token, first);
    expect(replay.body.error).toMatchObject({ code: 'E2E_EPOCH_CONFLICT', details: { epoch: 2 } });
    expect((await post(alice.person.token, second)).body.epoch).toBe(3);
    await alice.device.commitAccepted(chatId);
    const stored = await server.parley.ctx.db.selectFrom('e2e_commits').select(['epoch', 'sender_device_id']).where('chat_id', '=', chatId).orderBy('epoch').execute();
    expect(stored.map((c) => [Number(c.epoch), c.sender_device_id])).toEqual([
      [1, alice.person.deviceId],
      [2, alice.person.deviceId],
      [3, alice.person.deviceId],
    ]);
    // Bob applies them in the server's order and stays in step.
    await bob.waitFor('e2e.commit', (u) => u.epoch === 3);
    expect(await bob.device.epoch(chatId)).toBe(3);
    const id = await alice.send(chatId, { kind: 'text', content: { text: 'in order' } });
    expect(await bob.receive(id)).toMatchObject({ content: { text: 'in order' } });
  });
});
