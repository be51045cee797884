/**
 * Test helper: real HTTP and WebSocket clients for a TestServer.
 */
import WebSocket from 'ws';
import type { TestServer } from './server.js';

export interface Person {
  phone: string;
  token: string;
  accountId: string;
  deviceId: string;
}

let phoneCounter = 0;
/** A fresh valid French mobile number for each call. */
export function nextPhone(): string {
  phoneCounter++;
  const n = (process.pid % 1000) * 10000 + phoneCounter;
  return `+336${String(10000000 + (n % 89999999)).padStart(8, '0')}`;
}

export async function api<T = unknown>(
  server: TestServer,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  }
  const res = await fetch(server.url + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** Register (or sign in) a number through the real code flow. */
export async function signIn(server: TestServer, phone = nextPhone(), deviceName = 'Test device'): Promise<Person> {
  const req = await api(server, 'POST', '/v1/auth/code', { body: { phone } });
  if (req.status !== 200) throw new Error(`code request failed: ${JSON.stringify(req.body)}`);
  const code = server.codes.codes.get(phone);
  if (!code) throw new Error('no code captured');
  const res = await api<{ token: string; deviceId: string; account: { id: string } }>(server, 'POST', '/v1/auth/verify', { body: { phone, code, deviceName } });
  if (res.status !== 200) throw new Error(`verify failed: ${JSON.stringify(res.body)}`);
  return { phone, token: res.body.token, accountId: res.body.account.id, deviceId: res.body.deviceId };
}

type Frame = { type: string; id?: string; [k: string]: unknown };

/** A WebSocket client that records frames and awaits specific ones. */
export class WsClient {
  readonly frames: Frame[] = [];
  private waiters: { pred: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  private nextId = 0;
  private readonly consumed = new Set<Frame>();
  closeCode: number | null = null;
  readonly closed: Promise<number>;
  hello!: Frame;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) =>
      ws.on('close', (code) => {
        this.closeCode = code;
        resolve(code);
      }),
    );
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as Frame;
      this.frames.push(f);
      const i = this.waiters.findIndex((w) => w.pred(f));
      if (i >= 0) {
        this.consumed.add(f);
        this.waiters.splice(i, 1)[0]!.resolve(f);
      }
    });
  }

  static async connect(server: TestServer, token: string, opts: { sync?: number | false } = {}): Promise<WsClient> {
    const ws = new WebSocket(server.wsUrl, { headers: { authorization: `Bearer ${token}` } });
    const client = new WsClient(ws);
    const hello = client.next((f) => f.type === 'hello');
    hello.catch(() => undefined); // awaited below; if the socket never opens, nobody waits for it
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    client.hello = await hello;
    if (opts.sync !== false) await client.request({ type: 'sync', after: opts.sync ?? (client.hello.updateSeq as number) });
    return client;
  }

  /** The first recorded-from-now (or already recorded and unconsumed) frame matching pred. */
  next(pred: (f: Frame) => boolean, timeoutMs = 3000): Promise<Frame> {
    const already = this.frames.find((f) => !this.consumed.has(f) && pred(f));
    if (already) {
      this.consumed.add(already);
      return Promise.resolve(already);
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        pred,
        resolve: (f: Frame) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`timed out waiting for a frame; got ${JSON.stringify(this.frames.slice(-5))}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  nextUpdate(type: string, timeoutMs = 3000): Promise<Frame & { seq: number; update: Record<string, unknown> & { message?: Record<string, unknown> } }> {
    return this.next((f) => f.type === 'update' && (f.update as { type: string }).type === type, timeoutMs) as never;
  }

  updates(type?: string): (Frame & { seq: number; update: Record<string, unknown> & { message?: Record<string, unknown> } })[] {
    return this.frames.filter((f) => f.type === 'update' && (!type || (f.update as { type: string }).type === type)) as never;
  }

  /** Send a frame with a fresh id; resolves with its reply or error frame. */
  async request(frame: Record<string, unknown>, timeoutMs = 3000): Promise<Frame> {
    const id = `r${++this.nextId}`;
    const answer = this.next((f) => (f.type === 'reply' || f.type === 'error') && f.id === id, timeoutMs);
    this.ws.send(JSON.stringify({ ...frame, id }));
    return answer;
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** True when no frame matching pred arrives within ms. */
  async silentFor(ms: number, pred: (f: Frame) => boolean = () => true): Promise<boolean> {
    try {
      await this.next(pred, ms);
      return false;
    } catch {
      return true;
    }
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close();
    await this.closed;
  }
}

export async function openChat(server: TestServer, a: Person, b: Person): Promise<string> {
  const res = await api<{ id: string }>(server, 'POST', '/v1/chats', { token: a.token, body: { peer: b.phone } });
  if (res.status !== 200) throw new Error(`open chat failed: ${JSON.stringify(res.body)}`);
  return res.body.id;
}
