/**
 * The requests themselves, written straight to keep-alive TCP connections: each request is one
 * buffer (request line, the same few headers every time, the JSON body), each answer is read just
 * far enough to get its status code and, on a failure, its body. This costs the load process a
 * fraction of what node:http's client does per request, so on a machine whose cores the load
 * shares with the server, the server gets them. At most one request is in flight per connection
 * (no pipelining); requests beyond the free connections wait in order, as with an http.Agent.
 */
import net from 'node:net';
import type { LoadSetup } from './common.js';

type Done = (ok: boolean, failure?: string) => void;

interface Conn {
  socket: net.Socket;
  /** Unread bytes of the answer under way. */
  buf: Buffer;
  /** The request whose answer is awaited, if any. */
  waiting: Done | null;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** Status code and total length of the first complete answer in `buf`, or null if it is not all there yet. */
function completeAnswer(buf: Buffer): { status: number; headEnd: number; end: number } | null {
  const headEnd = buf.indexOf(HEADER_END);
  if (headEnd < 0) return null;
  const head = buf.toString('latin1', 0, headEnd);
  const status = Number(head.slice(9, 12));
  const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (!m) throw new Error(`An answer without Content-Length (status ${status}); this load reads only such answers.`);
  const end = headEnd + 4 + Number(m[1]);
  return buf.length >= end ? { status, headEnd, end } : null;
}

export function rawSender(setup: LoadSetup): { send: (onDone: Done) => void; close: () => void } {
  const url = new URL(setup.baseUrl);
  const host = `${url.hostname}:${url.port}`;
  const heads = setup.senders.map((s) => `POST /v23.0/${s.phoneNumberId}/messages HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${s.token}\r\nContent-Type: application/json\r\nContent-Length: `);
  const free: Conn[] = [];
  const queue: { bytes: Buffer; done: Done }[] = [];
  let counter = 0;

  const fail = (c: Conn, message: string) => {
    const w = c.waiting;
    c.waiting = null;
    c.socket.destroy();
    w?.(false, message);
  };
  const open = (): Conn => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port), noDelay: true });
    const c: Conn = { socket, buf: Buffer.alloc(0), waiting: null };
    socket.on('data', (chunk: Buffer) => {
      c.buf = c.buf.length === 0 ? chunk : Buffer.concat([c.buf, chunk]);
      let a: ReturnType<typeof completeAnswer>;
      try {
        a = completeAnswer(c.buf);
      } catch (err) {
        fail(c, (err as Error).message);
        return;
      }
      if (!a) return;
      const body = a.status === 200 ? '' : c.buf.toString('utf8', a.headEnd + 4, a.end).slice(0, 200);
      c.buf = c.buf.subarray(a.end);
      const w = c.waiting;
      c.waiting = null;
      next(c);
      w?.(a.status === 200, a.status === 200 ? undefined : `${a.status} ${body}`);
    });
    socket.on('error', (err) => fail(c, err.message));
    socket.on('close', () => {
      const i = free.indexOf(c);
      if (i >= 0) free.splice(i, 1);
      if (c.waiting) fail(c, 'The server closed the connection.');
      if (!closing) free.push(open());
    });
    return c;
  };
  /** Give connection `c` the next waiting request, or put it back among the free ones. */
  const next = (c: Conn) => {
    const q = queue.shift();
    if (!q) {
      free.push(c);
      return;
    }
    c.waiting = q.done;
    c.socket.write(q.bytes);
  };
  let closing = false;
  for (let i = 0; i < setup.connections; i++) free.push(open());

  return {
    send(onDone) {
      const n = counter++;
      const head = heads[n % heads.length]!;
      const to = setup.customers[Math.floor(n / heads.length) % setup.customers.length]!;
      const body = JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { body: `Votre commande n°${n} est prête.` } });
      const bytes = Buffer.from(`${head}${Buffer.byteLength(body)}\r\n\r\n${body}`);
      const c = free.pop();
      if (!c) {
        queue.push({ bytes, done: onDone });
        return;
      }
      c.waiting = onDone;
      c.socket.write(bytes);
    },
    close() {
      closing = true;
      for (const c of free) c.socket.destroy();
    },
  };
}
