import { createHmac } from 'node:crypto';
import net from 'node:net';
import type { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PostThread } from '../../src/workers/webhooks.js';
import { signatureHeaders } from '../../src/domain/api/index.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

/** A port on loopback that nothing listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('the webhook thread (signing and POSTs off the main thread)', () => {
  let receiver: WebhookReceiver;
  let thread: PostThread;

  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
    thread = new PostThread();
  });
  afterEach(async () => {
    await thread.close();
    await receiver.close();
  });

  const body = '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"text":"\\u00e9t\\u00e9 \\ud83d\\ude00"}}]}]}';

  it('POSTs the exact bytes with their signatures, the headers it was given and Content-Length, and resolves with the status code', async () => {
    expect(await thread.post(receiver.url, body, { 'content-type': 'application/json', 'x-parley-event-id': 'whe_1' }, 'app-secret', 5_000)).toBe(200);
    const [p] = receiver.posts();
    expect(p!.body.toString('utf8')).toBe(body);
    expect(p!.headers['x-hub-signature-256']).toBe('sha256=' + createHmac('sha256', 'app-secret').update(p!.body).digest('hex'));
    // The same signatures as the domain's own function over the same bytes.
    expect(p!.headers['x-hub-signature-256']).toBe(signatureHeaders('app-secret', body)['x-hub-signature-256']);
    expect(p!.headers['x-hub-signature']).toBe(signatureHeaders('app-secret', body)['x-hub-signature']);
    expect(p!.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(p!.headers['x-parley-event-id']).toBe('whe_1');
    receiver.mode = { status: 503 };
    expect(await thread.post(receiver.url, body, {}, 'app-secret', 5_000)).toBe(503);
  });

  it('fails a POST that gets no answer within the timeout, and one that cannot connect, each with its reason', async () => {
    receiver.mode = { status: 200, delayMs: 2_000 };
    const slow = await thread.post(receiver.url, body, {}, 's', 150).catch((e: Error) => e);
    expect(slow).toBeInstanceOf(Error);
    expect((slow as Error).name).toBe('TimeoutError');
    expect((slow as Error).message).toBe('No answer within 150 ms.');
    const refused = await thread.post(`http://127.0.0.1:${await closedPort()}/hook`, body, {}, 's', 5_000).catch((e: Error) => e);
    expect((refused as Error).name).toBe('Error');
    expect((refused as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('aborts every POST under way when asked (stopping)', async () => {
    receiver.mode = { status: 200, delayMs: 5_000 };
    const pending = thread.post(receiver.url, body, {}, 's', 10_000).catch((e: Error) => e);
    while (receiver.posts().length === 0) await new Promise((r) => setTimeout(r, 10));
    const t0 = Date.now();
    thread.abortAll();
    const err = await pending;
    expect(err).toBeInstanceOf(Error);
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  it('fails the POSTs under way when the thread stops, and starts a new thread for the next POST', async () => {
    receiver.mode = { status: 200, delayMs: 5_000 };
    const pending = thread.post(receiver.url, body, {}, 's', 10_000).catch((e: Error) => e);
    while (receiver.posts().length === 0) await new Promise((r) => setTimeout(r, 10));
    // The thread dies under it (as on a crash).
    await (thread as unknown as { worker: Worker }).worker.terminate();
    expect(String(await pending)).toMatch(/the webhook thread stopped/);
    receiver.mode = { status: 200 };
    expect(await thread.post(receiver.url, body, {}, 's', 5_000)).toBe(200);
    // Closed for good (the dispatcher stopping): no thread is started again.
    await thread.close();
    await expect(thread.post(receiver.url, body, {}, 's', 5_000)).rejects.toThrow(/closed/);
  });
});
