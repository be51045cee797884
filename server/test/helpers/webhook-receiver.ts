/**
 * Test helper: a real webhook receiver on 127.0.0.1 (port 0) that records the raw bytes and headers
 * of every request, answers the hub.challenge handshake when the verify token matches, and can be
 * told to fail (500) or to answer slowly.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  at: number;
}

export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** What POSTs get: a status, after an optional delay. */
  mode: { status: number; delayMs?: number } = { status: 200 };
  verifyToken = 'verify-me';
  url = '';
  private readonly server: http.Server;

  private constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), at: Date.now() });
        if (req.method === 'GET') {
          const q = new URL(req.url ?? '/', 'http://x').searchParams;
          if (q.get('hub.mode') === 'subscribe' && q.get('hub.verify_token') === this.verifyToken) {
            res.writeHead(200, { 'content-type': 'text/plain' }).end(q.get('hub.challenge') ?? '');
          } else res.writeHead(403).end('forbidden');
          return;
        }
        const { status, delayMs } = this.mode;
        const answer = () => {
          if (!res.destroyed) res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'EVENT_RECEIVED' : 'nope');
        };
        if (delayMs) setTimeout(answer, delayMs);
        else answer();
      });
    });
  }

  static async start(): Promise<WebhookReceiver> {
    const r = new WebhookReceiver();
    await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
    r.url = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}/webhook`;
    return r;
  }

  posts(): ReceivedRequest[] {
    return this.requests.filter((r) => r.method === 'POST');
  }

  /** Parsed POST bodies. */
  payloads(): { req: ReceivedRequest; json: WebhookJson }[] {
    return this.posts().map((req) => ({ req, json: JSON.parse(req.body.toString('utf8')) as WebhookJson }));
  }

  /** Wait for the first POST whose parsed body matches. */
  async waitFor(pred: (json: WebhookJson) => boolean, timeoutMs = 5000): Promise<{ req: ReceivedRequest; json: WebhookJson }> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.payloads().find((p) => pred(p.json));
      if (hit) return hit;
      if (Date.now() > until) throw new Error(`no matching webhook; got ${JSON.stringify(this.payloads().map((p) => p.json)).slice(0, 2000)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

/** The parts of the Cloud API webhook envelope the tests read. */
export interface WebhookJson {
  object: string;
  entry: {
    id: string;
    changes: {
      field: string;
      value: {
        messaging_product: string;
        metadata: { display_phone_number: string; phone_number_id: string };
        contacts?: { profile: { name: string }; wa_id: string }[];
        messages?: ({ from: string; id: string; timestamp: string; type: string; text?: { body: string }; context?: { from: string; id: string } } & Record<string, unknown>)[];
        statuses?: ({ id: string; status: string; timestamp: string; recipient_id: string; errors?: { code: number; title: string }[] } & Record<string, unknown>)[];
      };
    }[];
  }[];
}

export const firstStatus = (j: WebhookJson) => j.entry[0]?.changes[0]?.value.statuses?.[0];
export const firstMessage = (j: WebhookJson) => j.entry[0]?.changes[0]?.value.messages?.[0];
