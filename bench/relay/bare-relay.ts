/**
 * The baseline of the relay benchmark: a bare `ws` relay speaking the subset of Parley's protocol
 * the load uses (hello, sync, send, ack, ping) with the same frame shapes, storing nothing.
 *
 * Authenticates the bearer token (Authorization header or ?token=) against an in-memory Map loaded
 * from the benchmark's seed.json, parses every JSON frame, and for a `send` looks up the chat's
 * members and writes a `message.created` update to every socket of every member — the peer and
 * the sender's own devices, exactly the fan-out Parley does — then replies to the sender. Per
 * account update seqs and per chat message seqs are counters in memory; nothing is persisted,
 * nothing is validated beyond the frame type, no receipts are produced.
 *
 * Env: BARE_HOST (127.0.0.1), BARE_PORT, BARE_SEED (path to seed.json).
 */
import fs from 'node:fs';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import type { SeedFile } from './common.js';

const host = process.env.BARE_HOST || '127.0.0.1';
const port = Number(process.env.BARE_PORT || 0);
const seedPath = process.env.BARE_SEED;
if (!seedPath) {
  console.error('BARE_SEED is required');
  process.exit(2);
}
const seed = JSON.parse(fs.readFileSync(seedPath, 'utf8')) as SeedFile;

const accountOfToken = new Map<string, { accountId: string; deviceId: string }>();
for (const c of seed.clients) accountOfToken.set(c.token, { accountId: c.accountId, deviceId: c.deviceId });
const chatMembers = new Map<string, string[]>(Object.entries(seed.chats));
/** accountId → the peer's direct chat, for `send` frames that give `to` instead of `chatId`. */
const directChat = new Map<string, string>();
for (const [chatId, members] of chatMembers) {
  const [a, b] = members;
  if (a && b) {
    directChat.set(`${a}:${b}`, chatId);
    directChat.set(`${b}:${a}`, chatId);
  }
}

const socketsOf = new Map<string, Set<WebSocket>>();
const updateSeq = new Map<string, number>();
const chatSeq = new Map<string, number>();
let nextMessage = 0;
const idPrefix = `msg_${randomBytes(4).toString('hex')}`;

function nextUpdateSeq(accountId: string): number {
  const seq = (updateSeq.get(accountId) ?? 0) + 1;
  updateSeq.set(accountId, seq);
  return seq;
}

type Frame = { type?: unknown; id?: unknown; [k: string]: unknown };

function reply(ws: WebSocket, id: unknown, result: Record<string, unknown>): void {
  ws.send(JSON.stringify({ type: 'reply', id, result }));
}

function fail(ws: WebSocket, id: unknown, code: string, message: string): void {
  ws.send(JSON.stringify({ type: 'error', ...(typeof id === 'string' ? { id } : {}), code, message }));
}

function onFrame(ws: WebSocket, accountId: string, data: RawData): void {
  let f: Frame;
  try {
    f = JSON.parse(data.toString()) as Frame;
  } catch {
    fail(ws, undefined, 'FRAME_MALFORMED', 'Frames must be JSON text objects with a "type".');
    return;
  }
  switch (f.type) {
    case 'send': {
      const chatId = typeof f.chatId === 'string' ? f.chatId : directChat.get(`${accountId}:${String(f.to)}`);
      const members = chatId ? chatMembers.get(chatId) : undefined;
      if (!chatId || !members || !members.includes(accountId)) {
        fail(ws, f.id, 'CHAT_NOT_FOUND', 'No such chat.');
        return;
      }
      const seq = (chatSeq.get(chatId) ?? 0) + 1;
      chatSeq.set(chatId, seq);
      const now = Date.now();
      const message = {
        id: `${idPrefix}${(nextMessage++).toString(36)}`,
        chatId,
        seq,
        senderId: accountId,
        clientId: f.clientId,
        kind: f.kind,
        content: f.content,
        mediaId: null,
        replyTo: null,
        forwarded: false,
        createdAt: now,
        editedAt: null,
        deletedAt: null,
        reactions: [],
      };
      for (const member of members) {
        const seqOfMember = nextUpdateSeq(member);
        const sockets = socketsOf.get(member);
        if (!sockets) continue;
        for (const s of sockets) s.send(JSON.stringify({ type: 'update', seq: seqOfMember, update: { type: 'message.created', chatId, message } }));
      }
      reply(ws, f.id, { messageId: message.id, chatId, seq, createdAt: now, duplicate: false });
      return;
    }
    case 'ack':
      reply(ws, f.id, { seq: f.seq });
      return;
    case 'sync':
      reply(ws, f.id, { seq: f.after });
      return;
    case 'ping':
      reply(ws, f.id, { serverTime: Date.now() });
      return;
    default:
      fail(ws, f.id, 'FRAME_UNKNOWN_TYPE', `Unknown frame type "${String(f.type).slice(0, 40)}".`);
  }
}

const server = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    return;
  }
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1024 * 1024 });

server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const header = req.headers.authorization;
  const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : url.searchParams.get('token');
  const who = token ? accountOfToken.get(token) : undefined;
  if (url.pathname !== '/v1/ws' || !who) {
    socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    let set = socketsOf.get(who.accountId);
    if (!set) socketsOf.set(who.accountId, (set = new Set()));
    set.add(ws);
    ws.on('message', (data) => onFrame(ws, who.accountId, data));
    const drop = () => {
      const s = socketsOf.get(who.accountId);
      s?.delete(ws);
      if (s && s.size === 0) socketsOf.delete(who.accountId);
    };
    ws.on('close', drop);
    ws.on('error', drop);
    ws.send(
      JSON.stringify({
        type: 'hello',
        protocol: 1,
        accountId: who.accountId,
        deviceId: who.deviceId,
        updateSeq: updateSeq.get(who.accountId) ?? 0,
        serverTime: Date.now(),
        heartbeatMs: 30000,
      }),
    );
  });
});

server.listen(port, host, () => {
  const addr = server.address();
  console.log(`bare relay listening on ${typeof addr === 'object' && addr ? `${addr.address}:${addr.port}` : String(addr)}`);
});

const stop = () => {
  for (const c of wss.clients) c.terminate();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
