/**
 * The API benchmark's webhook receiver (its own process): answers the verification handshake,
 * checks X-Hub-Signature-256 of every POST against the app secrets it is given, counts the
 * statuses (every one of a batched POST), and reports counts to the orchestrator over IPC.
 */
import http from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { ReceiverCounts } from './common.js';

const VERIFY_TOKEN = process.env.BENCH_VERIFY_TOKEN ?? 'bench-verify';
let secrets: string[] = [];
const counts: ReceiverCounts = { posts: 0, statuses: 0, badSignatures: 0, firstAt: 0, lastAt: 0 };

/**
 * Whether one of the apps' secrets signed `body`. A callback URL that ends in `/{i}` names the app
 * whose secret is tried first (as a real receiver knows which app a callback belongs to); the
 * others are tried after it.
 */
function signedBy(body: Buffer, header: string | undefined, first: number): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const got = Buffer.from(header.slice(7), 'hex');
  const matches = (s: string | undefined) => {
    if (s === undefined) return false;
    const want = createHmac('sha256', s).update(body).digest();
    return want.length === got.length && timingSafeEqual(want, got);
  };
  return matches(secrets[first]) || secrets.some((s, i) => i !== first && matches(s));
}

function statusCount(text: string): number {
  try {
    const json = JSON.parse(text) as { entry?: { changes?: { value?: { statuses?: unknown[] } }[] }[] };
    let n = 0;
    for (const e of json.entry ?? []) for (const c of e.changes ?? []) n += c.value?.statuses?.length ?? 0;
    return n;
  } catch {
    return 0;
  }
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'GET') {
      const q = new URL(req.url ?? '/', 'http://x').searchParams;
      if (q.get('hub.verify_token') === VERIFY_TOKEN) res.writeHead(200).end(q.get('hub.challenge') ?? '');
      else res.writeHead(403).end();
      return;
    }
    const body = Buffer.concat(chunks);
    const now = Date.now();
    counts.posts++;
    const app = Number(/\/(\d+)$/.exec(req.url ?? '')?.[1] ?? -1);
    if (!signedBy(body, req.headers['x-hub-signature-256'] as string | undefined, app)) counts.badSignatures++;
    // A batched delivery carries several entries, each with its statuses.
    const n = statusCount(body.toString('utf8'));
    if (n > 0) {
      counts.statuses += n;
      if (!counts.firstAt) counts.firstAt = now;
      counts.lastAt = now;
    }
    res.writeHead(200).end('ok');
  });
});

process.on('message', (m: { cmd: string; secrets?: string[] }) => {
  if (m.cmd === 'secrets') secrets = m.secrets ?? [];
  if (m.cmd === 'counts') process.send!({ counts });
  if (m.cmd === 'reset') Object.assign(counts, { posts: 0, statuses: 0, badSignatures: 0, firstAt: 0, lastAt: 0 });
});

server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
