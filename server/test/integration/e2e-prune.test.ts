/**
 * Pruning of the delivery service's stored commits and welcomes (the maintenance worker): a commit
 * goes once every current device of its chat acknowledged its `e2e.commit` record and no pending
 * welcome needs it; anything older than PARLEY_E2E_RETENTION_DAYS goes regardless.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { runMaintenance } from '../../src/workers/maintenance.js';
import type { TestServer } from '../helpers/server.js';
import { openChat, signIn } from '../helpers/clients.js';
import { useE2eServer, type E2eClient } from '../helpers/e2e-client.js';

const DAY = 86_400_000;

describe('pruning end-to-end commits', () => {
  let server!: TestServer;
  let clock!: ManualClock;
  beforeEach(() => {
    clock = new ManualClock(Date.now());
  });
  const { start, pair } = useE2eServer((s) => (server = s), () => ({ clock, config: { PARLEY_E2E_RETENTION_DAYS: 7 } }));

  const storedEpochs = async (chatId: string) =>
    (await server.parley.ctx.db.selectFrom('e2e_commits').select('epoch').where('chat_id', '=', chatId).orderBy('epoch').execute()).map((c) => Number(c.epoch));

  /** The log seq of the `e2e.commit` record for `epoch` this client received. */
  const recordSeq = (c: E2eClient, epoch: number) => c.ws.updates().find((f) => (f.update as { type: string; epoch?: number }).type === 'e2e.commit' && (f.update as { epoch: number }).epoch === epoch)!.seq;

  /** Acknowledge the log up to `seq` over the socket and wait until the server recorded it. */
  async function ack(c: E2eClient, seq: number): Promise<void> {
    expect((await c.ws.request({ type: 'ack', seq })).type).toBe('reply');
    for (let i = 0; i < 50; i++) {
      const row = await server.parley.ctx.db.selectFrom('devices').select('acked_seq').where('id', '=', c.person.deviceId).executeTakeFirstOrThrow();
      if (Number(row.acked_seq) >= seq) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the ack was not recorded');
  }

  async function commitEmpty(c: E2eClient, chatId: string): Promise<void> {
    expect((await c.submit(await c.device.prepareCommit(chatId, {}))).status).toBe(200);
  }

  it('deletes the commits every current device acknowledged, and only those', async () => {
    const { alice, bob, chatId } = await pair();
    await commitEmpty(alice, chatId);
    await commitEmpty(alice, chatId);
    await bob.waitFor('e2e.commit', (u) => u.epoch === 3);
    await alice.waitFor('e2e.commit', (u) => u.epoch === 3);
    expect(await storedEpochs(chatId)).toEqual([1, 2, 3]);

    // Nobody acknowledged anything: everything is kept.
    expect(await runMaintenance(server.parley.ctx)).toMatchObject({ e2eCommitsPruned: 0 });
    // Alice acknowledged all, Bob up to epoch 2: epoch 3 is still needed by Bob.
    await ack(alice, recordSeq(alice, 3));
    await ack(bob, recordSeq(bob, 2));
    expect(await runMaintenance(server.parley.ctx)).toMatchObject({ e2eCommitsPruned: 2 });
    expect(await storedEpochs(chatId)).toEqual([3]);
    await ack(bob, recordSeq(bob, 3));
    expect(await runMaintenance(server.parley.ctx)).toMatchObject({ e2eCommitsPruned: 1 });
    expect(await storedEpochs(chatId)).toEqual([]);

    // A new device of Bob's is added; until it acknowledges (and joins), the commits it needs stay.
    const laptop = await start(await signIn(server, bob.person.phone, 'Laptop'));
    laptop.ackWelcomes = false;
    await alice.waitFor('e2e.devices', (u) => u.deviceId === laptop.person.deviceId);
    expect(await alice.reconcile(chatId)).toBe(200);
    await commitEmpty(alice, chatId);
    await bob.waitFor('e2e.commit', (u) => u.epoch === 5);
    await alice.waitFor('e2e.commit', (u) => u.epoch === 5);
    await ack(alice, recordSeq(alice, 5));
    await ack(bob, recordSeq(bob, 5));
    await runMaintenance(server.parley.ctx);
    expect(await storedEpochs(chatId)).toEqual([4, 5]);
    // It joins from its kept welcome (epoch 4), catches up on epoch 5 and acknowledges: nothing is needed any more.
    expect(await laptop.fetchWelcomes()).toEqual([chatId]);
    expect(await laptop.device.epoch(chatId)).toBe(5);
    await laptop.waitFor('e2e.commit', (u) => u.epoch === 5);
    await ack(laptop, recordSeq(laptop, 5));
    await runMaintenance(server.parley.ctx);
    expect(await storedEpochs(chatId)).toEqual([]);
  });

  it('deletes commits and unconfirmed welcomes older than the retention period', async () => {
    const alice = await start(await signIn(server));
    const bob = await start(await signIn(server));
    bob.ackWelcomes = false;
    const chatId = await openChat(server, alice.person, bob.person);
    expect(await alice.reconcile(chatId)).toBe(200);
    clock.advance(6 * DAY);
    await commitEmpty(alice, chatId);
    expect(await runMaintenance(server.parley.ctx)).toMatchObject({ e2eCommitsPruned: 0, e2eWelcomesPruned: 0 });

    clock.advance(1 * DAY + 1);
    expect(await runMaintenance(server.parley.ctx)).toMatchObject({ e2eCommitsPruned: 1, e2eWelcomesPruned: 1 });
    expect(await storedEpochs(chatId)).toEqual([2]);
    expect(await server.parley.ctx.db.selectFrom('e2e_welcomes').select('id').execute()).toEqual([]);
  });
});
