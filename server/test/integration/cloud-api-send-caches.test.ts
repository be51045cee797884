/**
 * The Business API's hot path: batched webhook deliveries (an app that asks for them gets several
 * events per POST, each POST signed over its exact bytes, every status once), and the in-memory
 * caches of the send path, which must never outlive what they stand for: a revoked token and a
 * deregistered number are refused at once, and a customer-service window known open closes at
 * exactly 24 hours.
 */
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalizeWebhook, verifySignature } from '@kapso/whatsapp-cloud-api/server';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, signIn, type Person } from '../helpers/clients.js';
import { WebhookReceiver, type WebhookJson } from '../helpers/webhook-receiver.js';
import { apiBusiness, customerWrites, digits, expectGraphError, graph, helloWorld, type ApiBusiness } from '../helpers/api-business.js';
import { ManualClock } from '../../src/platform/clock.js';
import { runMaintenance } from '../../src/workers/maintenance.js';

type Status = { id: string; status: string };
const statusesOf = (json: WebhookJson): Status[] =>
  ((json as { entry?: { changes?: { value?: { statuses?: Status[] } }[] }[] }).entry ?? []).flatMap((e) => (e.changes ?? []).flatMap((c) => c.value?.statuses ?? []));

const inboundOf = (json: WebhookJson): unknown[] =>
  ((json as { entry?: { changes?: { value?: { messages?: unknown[] } }[] }[] }).entry ?? []).flatMap((e) => (e.changes ?? []).flatMap((c) => c.value?.messages ?? []));

const sign = (secret: string, body: Buffer) => 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Business API: batched webhook deliveries', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let biz: ApiBusiness;
  let customers: Person[];
  beforeEach(async () => {
    server = await startServer({ config: { PARLEY_WEBHOOK_RETRY_BASE_MS: 50, PARLEY_WEBHOOK_POLL_MS: 20 } });
    receiver = await WebhookReceiver.start();
    biz = await apiBusiness(server, receiver);
    customers = [];
    for (let i = 0; i < 3; i++) {
      const c = await signIn(server);
      await customerWrites(server, c, biz);
      customers.push(c);
    }
    // Their messages reach the receiver before a test clears it to count its own POSTs (they are
    // delivered after commit, later than the writes on a busy machine).
    await until(() => receiver.payloads().filter(({ json }) => inboundOf(json).length > 0).length >= 3);
  });
  afterEach(async () => {
    await server.close();
    await receiver.close();
  });

  const setBatch = (batchSize: number) =>
    api(server, 'PUT', `/v1/business/api/apps/${biz.appId}/webhook`, { token: biz.token, body: { callbackUrl: receiver.url, verifyToken: receiver.verifyToken, batchSize } });

  /** Send `n` texts at once (round-robin over the customers); returns their wamids. */
  async function sendMany(n: number): Promise<string[]> {
    const res = await Promise.all(
      Array.from({ length: n }, (_, i) => graph<{ messages: { id: string }[] }>(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: digits(customers[i % 3]!.phone), type: 'text', text: { body: `Order ${i} shipped` } })),
    );
    for (const r of res) expect(r.status, JSON.stringify(r.body)).toBe(200);
    return res.map((r) => r.body.messages[0]!.id);
  }

  it('one change per POST unless the app asks for batches; the batch size is validated and shown', async () => {
    const state = await api<{ apps: { webhook: { batchSize: number } }[] }>(server, 'GET', '/v1/business/api', { token: biz.token });
    expect(state.body.apps[0]!.webhook.batchSize).toBe(1);
    receiver.requests.length = 0;
    const wamids = await sendMany(6);
    await until(() => receiver.posts().length >= 6);
    await server.parley.webhooks.idle();
    expect(receiver.payloads().every(({ json }) => (json as { entry: unknown[] }).entry.length === 1 && statusesOf(json).length === 1)).toBe(true);
    expect(new Set(receiver.payloads().flatMap(({ json }) => statusesOf(json).map((s) => s.id)))).toEqual(new Set(wamids));

    for (const bad of [0, 101, 2.5]) {
      const res = await setBatch(bad);
      expect(res.status).toBe(400);
    }
    const ok = await setBatch(50);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ batchSize: 50 });
    // Saving the URL again without a batch size keeps it.
    const again = await api(server, 'PUT', `/v1/business/api/apps/${biz.appId}/webhook`, { token: biz.token, body: { callbackUrl: receiver.url, verifyToken: receiver.verifyToken } });
    expect(again.body).toMatchObject({ batchSize: 50 });
  });

  it('a batching app gets several statuses per POST, each POST signed over its bytes, every status exactly once, readable by a Cloud API parser', async () => {
    expect((await setBatch(50)).status).toBe(200);
    receiver.requests.length = 0;
    // Hold the receiver's answers so events pile up while the first POSTs are in flight.
    receiver.mode = { status: 200, delayMs: 150 };
    const wamids = [...(await sendMany(20)), ...(await sendMany(20))];
    await until(() => receiver.payloads().reduce((n, { json }) => n + statusesOf(json).length, 0) >= 40);
    await server.parley.webhooks.idle();

    const posts = receiver.posts();
    expect(posts.length).toBeLessThan(40);
    expect(posts.some((p) => statusesOf(JSON.parse(p.body.toString('utf8')) as WebhookJson).length > 1)).toBe(true);
    const seen: string[] = [];
    for (const p of posts) {
      expect(p.headers['x-hub-signature-256']).toBe(sign(biz.appSecret, p.body));
      expect(verifySignature({ appSecret: biz.appSecret, rawBody: p.body, signatureHeader: p.headers['x-hub-signature-256'] as string })).toBe(true);
      expect(p.headers['content-length']).toBe(String(p.body.length));
      expect(p.body.every((b) => b < 0x80)).toBe(true);
      const json = JSON.parse(p.body.toString('utf8')) as WebhookJson;
      const normalized = normalizeWebhook(json);
      expect(normalized.statuses.map((s) => s.id)).toEqual(statusesOf(json).map((s) => s.id));
      // The event ids of the POST, one per status, in order.
      expect(String(p.headers['x-parley-event-id']).split(',')).toHaveLength(statusesOf(json).length);
      seen.push(...statusesOf(json).map((s) => s.id));
    }
    expect(seen.sort()).toEqual([...wamids].sort());

    type Deliveries = { deliveries: { status: string; attempts: number }[] };
    const d = await api<Deliveries>(server, 'GET', `/v1/business/api/apps/${biz.appId}/deliveries?limit=200`, { token: biz.token });
    expect(d.body.deliveries.filter((x) => x.status === 'delivered' && x.attempts === 1).length).toBeGreaterThanOrEqual(40);
  });

  it('a failed batched POST is retried as a whole and each of its statuses is delivered once it succeeds', async () => {
    expect((await setBatch(50)).status).toBe(200);
    receiver.requests.length = 0;
    receiver.mode = { status: 500 };
    const wamids = await sendMany(10);
    await until(() => receiver.posts().length >= 1);
    await server.parley.webhooks.idle();
    const failed = receiver.posts().map((p) => p.body.toString('utf8'));
    receiver.mode = { status: 200 };
    const ids = () => new Set(receiver.payloads().slice(failed.length).flatMap(({ json }) => statusesOf(json).map((s) => s.id)));
    await until(() => ids().size >= 10, 8000);
    await server.parley.webhooks.idle();
    // Every status arrived after the failure, and the events of the first failed POST again with the same bytes.
    expect(ids()).toEqual(new Set(wamids));
    const head = '{"object":"whatsapp_business_account","entry":[';
    const entries = failed[0]!.slice(head.length, -2);
    expect(receiver.posts().slice(failed.length).some((p) => p.body.toString('utf8').includes(entries))).toBe(true);
    type Deliveries = { deliveries: { status: string; attempts: number }[] };
    const d = await api<Deliveries>(server, 'GET', `/v1/business/api/apps/${biz.appId}/deliveries?limit=200`, { token: biz.token });
    expect(d.body.deliveries.filter((x) => x.status !== 'delivered')).toEqual([]);
    expect(d.body.deliveries.some((x) => x.attempts >= 2)).toBe(true);
  });

  it('a delivered batch records one attempt per status; unsubscribing or subscribing the app takes effect on the very next send', async () => {
    type Deliveries = { deliveries: { status: string; attempts: number; lastStatusCode: number | null; recentAttempts: { statusCode: number | null }[] }[] };
    const deliveries = async () => (await api<Deliveries>(server, 'GET', `/v1/business/api/apps/${biz.appId}/deliveries?limit=200`, { token: biz.token })).body.deliveries;
    // The customers' first messages (set-up) were webhooks too.
    await server.parley.webhooks.idle();
    const earlier = (await deliveries()).length;
    expect((await setBatch(50)).status).toBe(200);
    receiver.requests.length = 0;
    const wamids = await sendMany(8);
    await until(() => receiver.payloads().flatMap(({ json }) => statusesOf(json)).length >= 8);
    await server.parley.webhooks.idle();
    const d = { body: { deliveries: (await deliveries()).slice(0, 8) } };
    expect(await deliveries()).toHaveLength(earlier + 8);
    expect(d.body.deliveries.every((x) => x.status === 'delivered' && x.attempts === 1 && x.lastStatusCode === 200)).toBe(true);
    expect(d.body.deliveries.map((x) => x.recentAttempts.map((a) => a.statusCode))).toEqual(Array.from({ length: 8 }, () => [200]));
    expect(wamids).toHaveLength(8);

    // The send path knows the app is subscribed (it just wrote its events); unsubscribing must still stop the next status.
    expect((await graph(server, biz.apiToken, 'DELETE', `/${biz.wabaId}/subscribed_apps`)).status).toBe(200);
    const posts = receiver.posts().length;
    await sendMany(2);
    await server.parley.webhooks.idle();
    expect(await deliveries()).toHaveLength(earlier + 8);
    expect(receiver.posts().length).toBe(posts);

    // Subscribed again (its webhook set anew): the next statuses are enqueued and delivered.
    expect((await setBatch(50)).status).toBe(200);
    const again = await sendMany(3);
    await until(() => receiver.payloads().flatMap(({ json }) => statusesOf(json)).length >= 11);
    expect(receiver.payloads().flatMap(({ json }) => statusesOf(json).map((s) => s.id)).slice(8)).toEqual(expect.arrayContaining(again));

    // A new callback URL (and batch size) takes effect on the very next delivery, though the dispatcher remembers where the app's webhooks go.
    await server.parley.webhooks.idle();
    const other = await WebhookReceiver.start();
    try {
      const moved = await api(server, 'PUT', `/v1/business/api/apps/${biz.appId}/webhook`, { token: biz.token, body: { callbackUrl: other.url, verifyToken: other.verifyToken, batchSize: 1 } });
      expect(moved.status).toBe(200);
      const before = receiver.posts().length;
      const last = await sendMany(2);
      await until(() => other.payloads().flatMap(({ json }) => statusesOf(json)).length >= 2);
      await server.parley.webhooks.idle();
      expect(other.payloads().flatMap(({ json }) => statusesOf(json).map((s) => s.id)).sort()).toEqual([...last].sort());
      expect(other.posts()).toHaveLength(2);
      expect(receiver.posts().length).toBe(before);
    } finally {
      await other.close();
    }
  });
});

describe('Business API: the send path caches', () => {
  let server: TestServer;
  let biz: ApiBusiness;
  let customer: Person;
  const clock = new ManualClock();
  beforeEach(async () => {
    server = await startServer({ clock });
    biz = await apiBusiness(server, null);
    customer = await signIn(server);
  });
  afterEach(async () => {
    await server.close();
  });

  const text = (body: string) => ({ messaging_product: 'whatsapp', to: digits(customer.phone), type: 'text', text: { body } });

  it('a revoked token is refused at once, though it was just used', async () => {
    await customerWrites(server, customer, biz);
    for (let i = 0; i < 3; i++) expect((await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, text(`Hi ${i}`))).status).toBe(200);
    const revoked = await api(server, 'DELETE', `/v1/business/api/tokens/${biz.tokenId}`, { token: biz.token });
    expect(revoked.status).toBe(200);
    expectGraphError(await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, text('After')), 401, 190);
    expectGraphError(await graph(server, biz.apiToken, 'GET', `/${biz.phoneNumberId}`), 401, 190);
  });

  it("a token never reaches another business's number, however warm the caches are", async () => {
    const other = await apiBusiness(server, null);
    await customerWrites(server, customer, biz);
    await customerWrites(server, customer, other);
    expect((await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, text('Mine'))).status).toBe(200);
    expect((await graph(server, other.apiToken, 'POST', `/${other.phoneNumberId}/messages`, text('Theirs'))).status).toBe(200);
    expectGraphError(await graph(server, biz.apiToken, 'POST', `/${other.phoneNumberId}/messages`, text('Not mine')), 400, 100, { error_subcode: 33 });
    expectGraphError(await graph(server, other.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, text('Not theirs')), 400, 100, { error_subcode: 33 });
  });

  it('a deregistered number refuses sends at once, and sends again once registered', async () => {
    await customerWrites(server, customer, biz);
    expect((await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, text('Before'))).status).toBe(200);
    expect((await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/deregister`, { messaging_product: 'whatsapp' })).status).toBe(200);
    expectGraphError(await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, text('During')), 400, 133010);
    expect((await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/register`, { messaging_product: 'whatsapp', pin: '123456' })).status).toBe(200);
    expect((await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, text('After'))).status).toBe(200);
  });

  it('a service window known open closes at exactly 24 hours after the customer wrote, and a new message reopens it', async () => {
    await customerWrites(server, customer, biz);
    // Sends inside the window (from the first one on, the window is known open to the send path).
    for (const hours of [0, 12, 11]) {
      clock.advance(hours * 3600_000);
      expect((await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, text(`After ${hours} h`))).status).toBe(200);
    }
    clock.advance(3600_000 - 1); // 24 h minus 1 ms after the customer wrote
    expect((await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, text('Just in time'))).status).toBe(200);
    clock.advance(1); // exactly 24 h
    expectGraphError(await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, text('Too late')), 400, 131047);
    // A template still goes; the customer writes again: free-form messages go again.
    expect((await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, helloWorld(digits(customer.phone)))).status).toBe(200);
    await customerWrites(server, customer, biz, 'Back again');
    expect((await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, text('Welcome back'))).status).toBe(200);
  });
});

describe('Business API: statuses handed to the dispatcher in memory', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  const clock = new ManualClock();
  beforeEach(async () => {
    // One POST at a time, each taking a while: the later statuses wait in the dispatcher's memory.
    server = await startServer({ clock, config: { PARLEY_WEBHOOK_CONCURRENCY: 1, PARLEY_WEBHOOK_TIMEOUT_MS: 2000, PARLEY_WEBHOOK_POLL_MS: 20 } });
    receiver = await WebhookReceiver.start();
  });
  afterEach(async () => {
    await server.close();
    await receiver.close();
  });

  it('a process that stops before delivering them leaves them to the lease: every status still arrives, after it', async () => {
    const biz = await apiBusiness(server, receiver);
    const customer = await signIn(server);
    await customerWrites(server, customer, biz);
    receiver.requests.length = 0;
    receiver.mode = { status: 200, delayMs: 300 };
    const wamids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await graph<{ messages: { id: string }[] }>(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: digits(customer.phone), type: 'text', text: { body: `Parcel ${i}` } });
      expect(res.status).toBe(200);
      wamids.push(res.body.messages[0]!.id);
    }
    // Stop with the first POST in flight and the others in memory, then start again on the same database.
    await server.restart();
    receiver.mode = { status: 200 };
    const received = () => new Set(receiver.payloads().flatMap(({ json }) => statusesOf(json).map((s) => s.id)));
    await new Promise((r) => setTimeout(r, 200));
    // Still leased to the stopped process: not delivered again yet.
    expect(received().size).toBeLessThan(3);
    // The lease ends (the timeout plus 30 s): the new process delivers every one of them.
    clock.advance(2000 + 30_000);
    await until(() => received().size === 3, 5000);
    expect(received()).toEqual(new Set(wamids));
  });
});

describe('Business API: the webhook outbox is pruned', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  const clock = new ManualClock();
  beforeEach(async () => {
    server = await startServer({ clock, config: { PARLEY_WEBHOOK_RETENTION_DAYS: 14, PARLEY_WEBHOOK_POLL_MS: 20 } });
    receiver = await WebhookReceiver.start();
  });
  afterEach(async () => {
    await server.close();
    await receiver.close();
  });

  it('deletes delivered events and their attempts past the retention, never a pending one', async () => {
    const biz = await apiBusiness(server, receiver);
    const customer = await signIn(server);
    await customerWrites(server, customer, biz);
    const text = (body: string) => ({ messaging_product: 'whatsapp', to: digits(customer.phone), type: 'text', text: { body } });
    for (const body of ['one', 'two']) expect((await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, text(body))).status).toBe(200);
    await until(() => receiver.payloads().filter(({ json }) => statusesOf(json).length > 0).length >= 2);
    await server.parley.webhooks.idle();
    // One more that the receiver refuses: it stays pending (the dispatcher is stopped before its retry).
    receiver.mode = { status: 500 };
    expect((await graph(server, biz.apiToken, 'POST', `/${biz.phoneNumberId}/messages`, text('three'))).status).toBe(200);
    const db = server.parley.ctx.db;
    const attemptsOf = async (ids: string[]) => (await db.selectFrom('webhook_attempts').select('event_id').where('event_id', 'in', ids).execute()).length;
    await until(() => receiver.posts().length >= 4);
    await server.parley.webhooks.idle();
    await server.parley.webhooks.stop();
    const before = await db.selectFrom('webhook_events').select(['id', 'status']).execute();
    const finished = before.filter((e) => e.status === 'delivered').map((e) => e.id);
    const pending = before.filter((e) => e.status === 'pending').map((e) => e.id);
    expect(finished.length).toBeGreaterThanOrEqual(3); // the customer's message and two statuses
    expect(pending).toHaveLength(1);
    expect(await attemptsOf(pending)).toBe(1);

    // Within the retention nothing goes.
    clock.advance(13 * 24 * 3600_000);
    expect(await runMaintenance(server.parley.ctx)).toMatchObject({ webhookEventsPruned: 0 });
    // Past it, the finished events and their attempts go; the pending one and its attempt stay.
    clock.advance(2 * 24 * 3600_000);
    expect(await runMaintenance(server.parley.ctx)).toMatchObject({ webhookEventsPruned: finished.length });
    expect((await db.selectFrom('webhook_events').select('id').execute()).map((e) => e.id)).toEqual(pending);
    expect(await attemptsOf(finished)).toBe(0);
    expect(await attemptsOf(pending)).toBe(1);
  });
});
