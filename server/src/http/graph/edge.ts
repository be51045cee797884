/**
 * @module http/graph/edge
 * The Graph API listener (PARLEY_API_PORT, ADR 0007): a worker thread (workers/api-edge.mjs) owns
 * the port, parses HTTP and writes the answers; this thread, which holds the database, answers.
 * - The send path (`POST /{phone_number_id}/messages` with a JSON body and a bearer header) skips
 *   the HTTP framework: {@link answerSend} runs the same steps as the Fastify route (the default
 *   JSON parser, the token, handleMessagesPost, the Graph error envelope, the request counter).
 * - Every other request runs through the Fastify app itself (`inject`), so it gets exactly the
 *   answer it would get on PORT.
 * Requests come over in batches (one message per turn of the listener's event loop) and answers go
 * back the same way: the sends of one durable commit are answered with one message.
 *
 * If the thread dies, the requests it held are lost with their connections (their clients see a
 * reset and may retry; a send that was stored stays stored), and a new thread takes the port again
 * after a second (trying every second while something else holds the port).
 */
import { Worker } from 'node:worker_threads';
import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../context.js';
import { GraphError, handleMessagesPost } from '../../domain/api/index.js';
import { MAX_MEDIA_BYTES } from '../../domain/media/index.js';
import { graphErrorReply } from './errors.js';
import { principalOf, tokenOf } from './routes.js';

/** Bodies of the send path, as on PORT (the app's `bodyLimit`). */
const JSON_LIMIT = 1024 * 1024;
/** Anything larger is refused without reading on (the largest media upload and its form fields). */
const BODY_CAP = MAX_MEDIA_BYTES + 2 * 1024 * 1024;

type EdgeRequest =
  | { id: number; kind: 'send'; pnid: string; auth: string; text: string }
  | { id: number; kind: 'http'; method: string; url: string; headers: Record<string, string | string[]>; remoteAddress: string; body: Uint8Array }
  | { id: number; kind: 'tooLarge' };

type EdgeReply = { id: number; status: number; json: string } | { id: number; status: number; headers: Record<string, unknown>; body: Uint8Array };

type EdgeMessage = { type: 'listening'; port: number } | { type: 'failed'; message: string } | { type: 'requests'; items: EdgeRequest[] } | { type: 'closed' };

export interface ApiEdgeOptions {
  host: string;
  /** 0 picks a free port (kept for the thread's restarts). */
  port: number;
  /** Delay before a thread that died is replaced (ms). */
  restartDelayMs?: number;
}

export class ApiEdge {
  private worker: Worker | null = null;
  private port: number;
  private closed = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private readonly parseJson: (req: unknown, body: string, done: (err: Error | null, value?: unknown) => void) => void;
  /** Answers ready for the thread, sent together at the end of this turn. */
  private outbox: EdgeReply[] = [];
  private flushing = false;
  /** Requests being answered (waited for on close). */
  private readonly underWay = new Set<Promise<void>>();

  constructor(
    private readonly ctx: Ctx,
    private readonly app: FastifyInstance,
    private readonly opts: ApiEdgeOptions,
  ) {
    this.port = opts.port;
    // The parser of PORT's JSON bodies, with the app's defaults (prototype poisoning refused).
    this.parseJson = app.getDefaultJsonParser('error', 'error') as never;
  }

  /** The listener's thread while one runs. */
  get thread(): Worker | null {
    return this.worker;
  }

  /** The listener's URL once started. */
  get url(): string {
    return `http://${this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host}:${this.port}`;
  }

  /** Start the thread and wait until it listens (rejects if it cannot take the port). */
  async start(): Promise<string> {
    await this.spawn();
    return this.url;
  }

  private spawn(): Promise<void> {
    const w = new Worker(new URL('../../workers/api-edge.mjs', import.meta.url), {
      workerData: { host: this.opts.host, port: this.port, jsonLimit: JSON_LIMIT, bodyCap: BODY_CAP, keepAliveTimeoutMs: 72_000, requestTimeoutMs: 10 * 60 * 1000 },
    });
    this.worker = w;
    return new Promise<void>((resolve, reject) => {
      let started = false;
      w.on('message', (m: EdgeMessage) => {
        if (m.type === 'requests') {
          for (const item of m.items) this.take(w, item);
        } else if (m.type === 'listening') {
          started = true;
          this.port = m.port;
          resolve();
        } else if (m.type === 'failed') {
          reject(new Error(`The API listener cannot listen on ${this.opts.host}:${this.port}: ${m.message}`));
          void w.terminate();
        } else if (m.type === 'closed') {
          void w.terminate();
        }
      });
      w.on('error', (err) => {
        this.ctx.log.error({ msg: 'api.edge.failed', err });
        if (!started) reject(err);
      });
      w.on('exit', (code) => {
        if (this.worker === w) this.worker = null;
        if (!started) return reject(new Error(`The API listener stopped during start-up (exit code ${code}).`));
        if (this.closed) return;
        this.ctx.log.error({ msg: 'api.edge.stopped', code, text: 'The API listener thread stopped; starting a new one.' });
        this.scheduleRestart();
      });
    });
  }

  /** A new thread on the same port after the delay; again and again while the port cannot be taken. */
  private scheduleRestart(): void {
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.closed) return;
      this.spawn().catch((err: unknown) => {
        this.ctx.log.error({ msg: 'api.edge.restart_failed', err, text: 'The API listener could not start again; trying again.' });
        if (!this.closed) this.scheduleRestart();
      });
    }, this.opts.restartDelayMs ?? 1000);
  }

  private take(w: Worker, item: EdgeRequest): void {
    const p = this.answer(item)
      .catch((err: unknown): EdgeReply => ({ id: item.id, ...jsonReply(graphErrorReply(err, this.ctx.log)) }))
      .then((reply) => {
        // An answer for a thread that died since goes nowhere (its ids mean nothing to the next one).
        if (this.worker !== w) return;
        this.outbox.push(reply);
        if (!this.flushing) {
          this.flushing = true;
          setImmediate(() => this.flush(w));
        }
      })
      .finally(() => this.underWay.delete(p));
    this.underWay.add(p);
  }

  private flush(w: Worker): void {
    this.flushing = false;
    const items = this.outbox;
    this.outbox = [];
    if (this.worker === w && items.length) w.postMessage({ type: 'replies', items });
  }

  private async answer(item: EdgeRequest): Promise<EdgeReply> {
    if (item.kind === 'send') return { id: item.id, ...(await this.answerSend(item)) };
    if (item.kind === 'tooLarge') return { id: item.id, ...jsonReply(graphErrorReply(new GraphError(100, 'The request body is too large.'), this.ctx.log)) };
    const res = await this.app.inject({
      method: item.method as never,
      url: item.url,
      headers: item.headers,
      remoteAddress: item.remoteAddress,
      ...(item.body.byteLength > 0 ? { payload: Buffer.from(item.body.buffer, item.body.byteOffset, item.body.byteLength) } : {}),
    });
    return { id: item.id, status: res.statusCode, headers: res.headers as Record<string, unknown>, body: res.rawPayload };
  }

  /** `POST /{phone_number_id}/messages`, as the Graph route answers it on PORT. */
  private async answerSend(item: { pnid: string; auth: string; text: string }): Promise<{ status: number; json: string }> {
    let status = 200;
    let json: string;
    try {
      const body = await new Promise<unknown>((resolve, reject) => this.parseJson(null, item.text, (err, value) => (err ? reject(err) : resolve(value))));
      const principal = await principalOf(this.ctx, tokenOf(item.auth, undefined));
      json = JSON.stringify(await handleMessagesPost(this.ctx, principal, item.pnid, body));
    } catch (err) {
      const r = graphErrorReply(err, this.ctx.log);
      status = r.status;
      json = JSON.stringify(r.body);
    }
    this.ctx.metrics.httpRequests.inc({ method: 'POST', status: `${Math.floor(status / 100)}xx` });
    return { status, json };
  }

  /** Stop taking requests, answer those under way, then stop the thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const w = this.worker;
    if (!w) return;
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.postMessage({ type: 'close' });
    while (this.underWay.size) await Promise.allSettled([...this.underWay]);
    // The answers are on their way; the thread says 'closed' once it wrote them (or gives up after 5 s).
    const timer = setTimeout(() => void w.terminate(), 5000);
    await exited;
    clearTimeout(timer);
    this.worker = null;
  }
}

function jsonReply(r: { status: number; body: unknown }): { status: number; json: string } {
  return { status: r.status, json: JSON.stringify(r.body) };
}
