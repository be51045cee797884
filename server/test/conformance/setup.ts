/**
 * Shared set-up of the conformance suite: a Parley test server with a Business API business whose
 * app's webhooks go to a local receiver, a customer on a WebSocket, a local file server for `link`
 * sends, and the two published client libraries pointed at Parley (the base URL is the only change).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect } from 'vitest';
import { WhatsAppAPI } from 'whatsapp-api-js';
import { WhatsAppClient } from '@kapso/whatsapp-cloud-api';
import { startServer, type TestServer } from '../helpers/server.js';
import { openChat, signIn, WsClient, type Person } from '../helpers/clients.js';
import { firstMessage, firstStatus, WebhookReceiver, type ReceivedRequest, type WebhookJson } from '../helpers/webhook-receiver.js';
import { apiBusiness, type ApiBusiness, customerWrites } from '../helpers/api-business.js';
import { makeOggOpus, makePdf, makePng, makeWebp } from '../helpers/media-fixtures.js';

/** whatsapp-api-js pointed at Parley: its `ponyfill.fetch` sends `https://graph.facebook.com` requests to Parley. */
export function whatsappApiJs(server: TestServer, biz: ApiBusiness): WhatsAppAPI {
  const redirect: typeof fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return fetch(url.replace(/^https:\/\/graph\.facebook\.com/, server.url), init);
  };
  return new WhatsAppAPI({ token: biz.apiToken, appSecret: biz.appSecret, webhookVerifyToken: 'verify-me', v: 'v24.0', ponyfill: { fetch: redirect } });
}

/** @kapso/whatsapp-cloud-api pointed at Parley with its `baseUrl` option. */
export function kapso(server: TestServer, biz: ApiBusiness): WhatsAppClient {
  return new WhatsAppClient({ accessToken: biz.apiToken, baseUrl: server.url, graphVersion: 'v23.0' });
}

export const bodyOf = (req: ReceivedRequest) => req.body.toString('utf8');
export const sig256 = (req: ReceivedRequest) => String(req.headers['x-hub-signature-256'] ?? '');

/** Small but real files of each kind (their magic bytes are what Parley sniffs). */
export const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom', 'latin1'), Buffer.from([0, 0, 2, 0]), Buffer.from('isommp41', 'latin1'), Buffer.from([0, 0, 0, 8]), Buffer.from('free', 'latin1')]);
export const FILES = {
  image: { bytes: makePng(8, 8, 77), type: 'image/png', name: 'photo.png' },
  audio: { bytes: makeOggOpus(), type: 'audio/ogg', name: 'note.ogg' },
  video: { bytes: MP4, type: 'video/mp4', name: 'clip.mp4' },
  document: { bytes: makePdf(), type: 'application/pdf', name: 'Facture n°42.pdf' },
  sticker: { bytes: makeWebp(), type: 'image/webp', name: 'sticker.webp' },
} as const;
export type MediaKind = keyof typeof FILES;
export const MEDIA_KINDS = Object.keys(FILES) as MediaKind[];

/** A local file server on 127.0.0.1 serving FILES at /<kind>/<name> (test servers allow private fetches). */
export class FileServer {
  url = '';
  readonly hits: string[] = [];
  private readonly server = http.createServer((req, res) => {
    this.hits.push(req.url ?? '');
    const kind = (req.url ?? '').split('/')[1] as MediaKind;
    const f = FILES[kind];
    if (!f) return res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': f.type, 'content-length': String(f.bytes.length) }).end(f.bytes);
  });
  link(kind: MediaKind): string {
    return `${this.url}/${kind}/${encodeURIComponent(FILES[kind].name)}`;
  }
  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

export type Frame = Awaited<ReturnType<WsClient['nextUpdate']>>;
export type Message = NonNullable<Frame['update']['message']>;

export interface Env {
  server: TestServer;
  receiver: WebhookReceiver;
  files: FileServer;
  biz: ApiBusiness;
  customer: Person;
  ws: WsClient;
  chatId: string;
  /** The next message from the business that the customer's socket receives. */
  received(): Promise<Message>;
  /** The same, as the whole update frame (with its `seq` to acknowledge). */
  receivedFrame(): Promise<Frame>;
  /** The customer sends a message (a `send` frame) in the chat with the business; returns its id. */
  customerSends(frame: Record<string, unknown>): Promise<string>;
  /** The first webhook whose parsed body matches. */
  hook(pred: (j: WebhookJson) => boolean): Promise<{ req: ReceivedRequest; json: WebhookJson }>;
  /** The status webhook `status` of `wamid`. */
  statusHook(wamid: string, status?: string): Promise<{ req: ReceivedRequest; json: WebhookJson }>;
  /** The inbound message webhook whose message matches. */
  messageHook(pred: (m: NonNullable<ReturnType<typeof firstMessage>>) => boolean): Promise<{ req: ReceivedRequest; json: WebhookJson }>;
}

/** Registers beforeEach/afterEach; the returned object is filled for each test. */
export function conformanceEnv(): Env {
  const env = {} as Env;
  let n = 0;
  beforeEach(async () => {
    env.server = await startServer();
    env.receiver = await WebhookReceiver.start();
    env.files = await new FileServer().start();
    env.biz = await apiBusiness(env.server, env.receiver);
    env.customer = await signIn(env.server);
    // The customer wrote first: free-form messages are allowed for 24 hours (the messaging policy).
    await customerWrites(env.server, env.customer, env.biz, 'Bonjour 👋');
    env.ws = await WsClient.connect(env.server, env.customer.token);
    env.chatId = await openChat(env.server, env.customer, env.biz);
    env.receivedFrame = async () =>
      (await env.ws.next(
        (f) => f.type === 'update' && (f.update as { type: string }).type === 'message.created' && (f.update as { message: { senderId: string } }).message.senderId === env.biz.accountId,
      )) as Frame;
    env.received = async () => (await env.receivedFrame()).update.message!;
    env.customerSends = async (frame) => {
      const r = await env.ws.request({ type: 'send', chatId: env.chatId, clientId: `conf-${++n}`, ...frame });
      expect(r.type, JSON.stringify(r)).toBe('reply');
      return (r.result as { messageId: string }).messageId;
    };
    env.hook = (pred) => env.receiver.waitFor(pred);
    env.statusHook = (wamid, status = 'sent') => env.receiver.waitFor((j) => firstStatus(j)?.id === wamid && firstStatus(j)?.status === status);
    env.messageHook = (pred) =>
      env.receiver.waitFor((j) => {
        const m = firstMessage(j);
        return !!m && pred(m);
      });
  });
  afterEach(async () => {
    await env.ws.close();
    await env.server.close();
    await env.receiver.close();
    await env.files.close();
  });
  return env;
}

/** The wamid in a library's send response (both libraries return the Graph body). */
export function wamidOf(res: unknown): string {
  const id = (res as { messages?: { id: string }[] }).messages?.[0]?.id;
  expect(id, JSON.stringify(res)).toMatch(/^wamid\./);
  return id!;
}

/** A whatsapp-api-js answer that must not be its error variant (the Graph error envelope). */
export function ok<T extends object>(res: T): Exclude<T, { error: unknown }> {
  expect(res, JSON.stringify(res)).not.toHaveProperty('error');
  return res as Exclude<T, { error: unknown }>;
}
