import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import type { Transaction } from 'kysely';
import { Hooks, type MessageSentEvent, type ReceiptsMovedEvent } from '../../src/platform/hooks/hooks.js';
import { accountKindOf, mayBeBusinessChat } from '../../src/domain/accounts/index.js';
import type { DB } from '../../src/tables.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { signIn } from '../helpers/clients.js';
import { signInBusiness } from '../helpers/business.js';

const sent = (memberIds: string[]): MessageSentEvent => ({
  chatId: 'cht_1',
  memberIds,
  senderId: memberIds[0]!,
  senderDeviceId: 'dev_1',
  message: {} as MessageSentEvent['message'],
  withheld: false,
});
const tx = {} as Transaction<DB>;

describe('hooks for business chats only', () => {
  it('skips them for the chats the business-chat test rules out, and runs every other handler', async () => {
    const hooks = new Hooks(pino({ level: 'silent' }));
    const calls: string[] = [];
    const business = new Set(['biz']);
    hooks.setBusinessChatTest((ids) => ids.some((id) => business.has(id)));
    hooks.onMessageStoredInTx(async () => void calls.push('stored: any chat'));
    hooks.onMessageStoredInTx(async () => void calls.push('stored: business'), { businessChatsOnly: true });
    hooks.onReceiptsMovedInTx(async () => void calls.push('receipts: business'), { businessChatsOnly: true });
    hooks.onMessageSent(() => void calls.push('sent: business'), { businessChatsOnly: true });
    const receipts = (memberIds: string[]): ReceiptsMovedEvent => ({ chatId: 'cht_1', memberIds, readerId: memberIds[0]!, deliveredSeq: 1, readSeq: 0, at: 0 });

    await hooks.messageStored(tx, () => undefined, sent(['ann', 'bob']));
    // No handler concerns a chat between people: nothing to wait for (the caller needs no await).
    expect(hooks.receiptsMoved(tx, () => undefined, receipts(['ann', 'bob']))).toBeUndefined();
    hooks.messageSentCommitted(sent(['ann', 'bob']));
    await hooks.idle();
    expect(calls).toEqual(['stored: any chat']);

    calls.length = 0;
    await hooks.messageStored(tx, () => undefined, sent(['ann', 'biz']));
    await hooks.receiptsMoved(tx, () => undefined, receipts(['ann', 'biz']));
    hooks.messageSentCommitted(sent(['ann', 'biz']));
    await hooks.idle();
    expect(calls).toEqual(['stored: any chat', 'stored: business', 'receipts: business', 'sent: business']);
  });

  it('runs them all when no test is installed', async () => {
    const hooks = new Hooks(pino({ level: 'silent' }));
    const calls: string[] = [];
    hooks.onMessageStoredInTx(async () => void calls.push('business'), { businessChatsOnly: true });
    await hooks.messageStored(tx, () => undefined, sent(['ann', 'bob']));
    expect(calls).toEqual(['business']);
  });
});

describe('mayBeBusinessChat', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server.close());

  it('rules out only two people both known as people, for the minute that knowledge is trusted', async () => {
    const ctx = server.parley.ctx;
    const ann = await signIn(server);
    const bob = await signIn(server);
    const biz = await signInBusiness(server);
    // Unknown kinds: maybe.
    expect(mayBeBusinessChat(ctx, [ann.accountId, bob.accountId])).toBe(true);
    await accountKindOf(ctx, ctx.db, ann.accountId);
    expect(mayBeBusinessChat(ctx, [ann.accountId, bob.accountId])).toBe(true);
    await accountKindOf(ctx, ctx.db, bob.accountId);
    expect(mayBeBusinessChat(ctx, [ann.accountId, bob.accountId])).toBe(false);
    await accountKindOf(ctx, ctx.db, biz.accountId);
    expect(mayBeBusinessChat(ctx, [ann.accountId, biz.accountId])).toBe(true);
    // Groups and chats of one are never business chats.
    expect(mayBeBusinessChat(ctx, [ann.accountId, bob.accountId, biz.accountId])).toBe(false);
    expect(mayBeBusinessChat(ctx, [biz.accountId])).toBe(false);
    // A person is trusted to be one for a minute (another node may convert the account).
    const now = performance.now();
    const clock = vi.spyOn(performance, 'now').mockReturnValue(now + 61_000);
    try {
      expect(mayBeBusinessChat(ctx, [ann.accountId, bob.accountId])).toBe(true);
    } finally {
      clock.mockRestore();
    }
  });
});
