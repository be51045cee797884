/**
 * The API benchmark's baselines: bare Fastify endpoints that accept `POST /{pnid}/messages` with a
 * bearer, parse the JSON and answer the Cloud API's success shape.
 *
 * - Without BARE_DURABLE_DIR: nothing is stored (the cost of HTTP and JSON alone).
 * - With BARE_DURABLE_DIR: each accepted message is first stored durably, as lean as it can be: one
 *   row in a table shaped like Parley's `messages` (same columns and unique indexes) in a SQLite
 *   database in WAL mode, the requests of one event-loop turn in one transaction through prepared
 *   statements, and the answer sent once an fsync of the WAL covers the row (the next turn's batch
 *   commits while that fsync runs). No policy, no webhooks, no update log: the floor of "stored
 *   durably before it is acknowledged" on this machine.
 */
import Fastify from 'fastify';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';

interface Row {
  id: string;
  chatId: string;
  seq: number;
  senderId: string;
  clientId: string;
  content: string;
  createdAt: number;
}

/** Durable storage for the durable baseline, or null: `store(row)` resolves once the row is committed and fsynced. */
function durableStore(dir: string | undefined): ((row: Omit<Row, 'seq'>) => Promise<void>) | null {
  if (!dir) return null;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'bare.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 1000');
  db.exec(`create table if not exists messages (
    id text primary key, chat_id text not null, seq integer not null, sender_id text not null, sender_device_id text not null,
    client_id text not null, kind text not null, content text not null, created_at integer not null,
    constraint messages_chat_seq unique (chat_id, seq), constraint messages_sender_client unique (sender_id, client_id))`);
  const insert = db.prepare("insert into messages (id, chat_id, seq, sender_id, sender_device_id, client_id, kind, content, created_at) values (?, ?, ?, ?, 'api', ?, 'text', ?, ?)");
  const seqs = new Map<string, number>();
  let batch: { row: Row; done: () => void; fail: (e: unknown) => void }[] = [];
  let walFd: number | null = null;
  const flush = () => {
    const todo = batch;
    batch = [];
    try {
      db.transaction(() => {
        for (const { row } of todo) insert.run(row.id, row.chatId, row.seq, row.senderId, row.clientId, row.content, row.createdAt);
      })();
    } catch (err) {
      for (const t of todo) t.fail(err);
      return;
    }
    walFd ??= fs.openSync(`${file}-wal`, 'r+');
    fs.fdatasync(walFd, (err) => {
      for (const t of todo) {
        if (err) t.fail(err);
        else t.done();
      }
    });
  };
  return (row) =>
    new Promise<void>((done, fail) => {
      const seq = (seqs.get(row.chatId) ?? 0) + 1;
      seqs.set(row.chatId, seq);
      if (batch.length === 0) setImmediate(flush);
      batch.push({ row: { ...row, seq }, done, fail });
    });
}

const store = durableStore(process.env.BARE_DURABLE_DIR);
const app = Fastify({ logger: false });
app.post('/:version/:pnid/messages', async (req, reply) => {
  if (!req.headers.authorization?.startsWith('Bearer ')) return reply.code(401).send({ error: { code: 104 } });
  const body = req.body as { to?: string; text?: { body?: string } };
  if (typeof body?.to !== 'string' || typeof body.text?.body !== 'string') return reply.code(400).send({ error: { code: 100 } });
  const waId = body.to.replace(/\D/g, '');
  const id = randomBytes(12).toString('hex');
  if (store) {
    const pnid = (req.params as { pnid: string }).pnid;
    await store({ id: `msg_${Date.now().toString(32)}${id}`, chatId: `${pnid}:${waId}`, senderId: pnid, clientId: id, content: JSON.stringify({ body: body.text.body }), createdAt: Date.now() });
  }
  return { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: waId }], messages: [{ id: 'wamid.' + Buffer.from(`${waId}:${id}`).toString('base64') }] };
});
await app.listen({ host: '127.0.0.1', port: Number(process.env.BARE_PORT) });
console.log('bare api listening');
