import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { openChat, signIn, WsClient, type Person } from '../helpers/clients.js';
import { markDelivered, readUpdates } from '../../src/domain/messaging/index.js';

describe('delivery receipts are coalesced per write batch', () => {
  let server: TestServer;
  let alice: Person;
  let bob: Person;
  let carol: Person;

  beforeEach(async () => {
    server = await startServer();
    alice = await signIn(server);
    bob = await signIn(server);
    carol = await signIn(server);
  });
  afterEach(() => server.close());

  const receiptsOf = async (p: Person) =>
    (await readUpdates(server.parley.ctx.db, p.accountId, 0, 1000)).map((u) => u.update).filter((u) => u.type === 'chat.receipts');

  it('deliveries reported in the same turn move each cursor once and send one receipt per chat member', async () => {
    const withBob = await openChat(server, alice, bob);
    const withCarol = await openChat(server, alice, carol);
    const a = await WsClient.connect(server, alice.token);
    for (const [chatId, n] of [[withBob, 3], [withCarol, 1]] as const) {
      for (let i = 1; i <= n; i++) await a.request({ type: 'send', chatId, clientId: `${chatId}-${i}`, kind: 'text', content: { text: `m${i}` } });
    }
    await a.close();
    const { ctx } = server.parley;

    // Two reports of Bob (say, two devices) and one of Carol in the same turn: without coalescing,
    // Alice would get a receipt for seq 2, then one for seq 3.
    await Promise.all([
      markDelivered(ctx, bob.accountId, new Map([[withBob, 2]])),
      markDelivered(ctx, bob.accountId, new Map([[withBob, 3]])),
      markDelivered(ctx, carol.accountId, new Map([[withCarol, 1]])),
    ]);
    expect(await receiptsOf(alice)).toEqual([
      { type: 'chat.receipts', chatId: withBob, accountId: bob.accountId, deliveredSeq: 3, readSeq: 0 },
      { type: 'chat.receipts', chatId: withCarol, accountId: carol.accountId, deliveredSeq: 1, readSeq: 0 },
    ]);

    // A later report that moves nothing sends nothing; one that moves the cursor sends one more.
    await markDelivered(ctx, bob.accountId, new Map([[withBob, 1]]));
    expect(await receiptsOf(alice)).toHaveLength(2);
    await markDelivered(ctx, carol.accountId, new Map([[withCarol, 1]]));
    expect(await receiptsOf(alice)).toHaveLength(2);
  });

  it('a chat the reporter is not in is skipped; the rest of the batch still counts', async () => {
    const withBob = await openChat(server, alice, bob);
    const withCarol = await openChat(server, alice, carol);
    const a = await WsClient.connect(server, alice.token);
    await a.request({ type: 'send', chatId: withBob, clientId: 'x1', kind: 'text', content: { text: 'hi' } });
    await a.close();
    const { ctx } = server.parley;
    await Promise.all([
      markDelivered(ctx, bob.accountId, new Map([[withCarol, 1]])), // not Bob's chat
      markDelivered(ctx, bob.accountId, new Map([[withBob, 1]])),
    ]);
    expect(await receiptsOf(alice)).toEqual([{ type: 'chat.receipts', chatId: withBob, accountId: bob.accountId, deliveredSeq: 1, readSeq: 0 }]);
    expect(await receiptsOf(carol)).toEqual([]);
  });
});
