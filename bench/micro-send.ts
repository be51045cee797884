/**
 * Micro-benchmark of the server's send path without sockets: N concurrent sendMessage calls
 * through the write queue on a temporary SQLite database. Prints messages/s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config/load.js';
import pino from 'pino';
import { sendMessage, markDelivered } from '../server/src/domain/messaging/index.js';
import { ensureDirectChat } from '../server/src/domain/messaging/chats.js';
import { newId } from '../server/src/platform/ids.js';
import { ownIoBytes } from './lib/processes.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-micro-'));
const config = loadConfig({}, { PARLEY_DATA_DIR: dir, PORT: 0, PARLEY_LOG_LEVEL: 'silent', PARLEY_SQLITE_SYNCHRONOUS: (process.env.SYNC as 'FULL' | 'NORMAL') ?? 'FULL' });
const app = await buildApp(config, { logger: pino({ level: 'silent' }) });
const { ctx } = app;
const pairs = 200;
const accounts: string[] = [];
for (let i = 0; i < pairs * 2; i++) {
  const id = newId('acc');
  accounts.push(id);
  await ctx.db.insertInto('accounts').values({ id, phone: `+3361${String(i).padStart(7, '0')}`, display_name: '', about: '', photo_media_id: null, privacy_last_seen: 'everyone', privacy_online: 'everyone', privacy_photo: 'everyone', privacy_about: 'everyone', read_receipts: 1, last_seen_at: null, update_seq: 0, created_at: Date.now(), kind: 'person' }).execute();
}
const chats: string[] = [];
for (let i = 0; i < pairs; i++) chats.push(await ctx.writes.run((tx) => ensureDirectChat(tx, accounts[2 * i]!, accounts[2 * i + 1]!, Date.now())));
const total = Number(process.env.N ?? 20000);
let n = 0;
/** Nanoseconds the main thread ran (Linux; other threads, e.g. the fsyncs in libuv's pool, are not counted). */
const mainThreadNs = (): number => {
  try {
    return Number(fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return NaN;
  }
};
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const main0 = mainThreadNs();
const inflight = 400;
await Promise.all(
  Array.from({ length: inflight }, async (_, w) => {
    while (n < total) {
      const i = n++;
      const pair = (w + i) % pairs;
      const r = await sendMessage(ctx, { accountId: accounts[2 * pair]!, deviceId: 'dev_x' }, { chatId: chats[pair]!, clientId: `c${i}`, kind: 'text', content: { text: `m${i}` } });
      if (process.env.RECEIPTS) await markDelivered(ctx, accounts[2 * pair + 1]!, new Map([[chats[pair]!, r.message.seq]]));
    }
  }),
);
const s = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuS = (cpu.user + cpu.system) / 1e6;
const mainUs = (mainThreadNs() - main0) / 1e3;
// msg per CPU-second is the figure least disturbed by other processes on a shared machine.
console.log(`${total} sends${process.env.RECEIPTS ? ' + delivery receipts' : ''} in ${s.toFixed(2)} s: ${(total / s).toFixed(0)} msg/s, ${(total / cpuS).toFixed(0)} msg per CPU-second (${((cpuS * 1e6) / total).toFixed(0)} µs CPU each, ${(mainUs / total).toFixed(0)} µs of them on the main thread)`);
const walBytes = fs.statSync(path.join(dir, 'parley.db-wal'), { throwIfNoEntry: false })?.size ?? 0;
if (process.env.VERBOSE) {
  const io = ownIoBytes();
  console.log(`WAL file at the end: ${(walBytes / 2 ** 20).toFixed(1)} MiB; written by this process: ${(io.written / 2 ** 20).toFixed(0)} MiB, read ${(io.read / 2 ** 20).toFixed(0)} MiB`);
}
await app.close();
fs.rmSync(dir, { recursive: true, force: true });
