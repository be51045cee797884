import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { signIn } from '../helpers/clients.js';
import { signInBusiness } from '../helpers/business.js';
import { customerWrites } from '../helpers/api-business.js';
import { backfillCustomerWindows } from '../../src/migrations/0012_api_policy.js';

describe('migration 0012: customer-service windows of customers who wrote before it', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server.close());

  it('records each customer’s latest message to each business, and nothing for chats between two people', async () => {
    const db = server.parley.ctx.db;
    const biz = await signInBusiness(server);
    const ann = await signIn(server);
    const bob = await signIn(server);
    await customerWrites(server, ann, biz, 'first');
    const latest = await customerWrites(server, ann, biz, 'second');
    await customerWrites(server, ann, bob, 'to a friend');
    // As before the migration: no policy rows.
    await db.deleteFrom('customer_policy').execute();
    await backfillCustomerWindows(db as never);
    const rows = await db.selectFrom('customer_policy').selectAll().execute();
    const sent = await db.selectFrom('messages').select('created_at').where('id', '=', latest.messageId).executeTakeFirstOrThrow();
    expect(rows).toEqual([expect.objectContaining({ business_id: biz.accountId, customer_id: ann.accountId, opt_in_source: 'customer_message' })]);
    expect(Number(rows[0]!.last_inbound_at)).toBe(Number(sent.created_at));
    // Running it again changes nothing.
    await backfillCustomerWindows(db as never);
    expect(await db.selectFrom('customer_policy').selectAll().execute()).toHaveLength(1);
  });
});
