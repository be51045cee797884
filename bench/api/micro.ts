/**
 * `npx tsx bench/api/micro.ts` — the Business API's send path without sockets: the server in this
 * process (temporary SQLite database, synchronous=FULL; every customer has an open service window
 * and a chat with every number, as in `npm run bench:api`), `POST /{pnid}/messages` through
 * Fastify's inject, every `sent` status webhook delivered to a receiver in its own process. Prints
 * the server's CPU per accepted message (send and webhook delivery together), which depends far
 * less on what else runs on the machine than throughput does, and the bytes the process wrote per
 * message (WAL frames and checkpoints: a count that does not depend on the machine's speed).
 *
 * Knobs: MICRO_NUMBERS (2), MICRO_CUSTOMERS (200), MICRO_MESSAGES (6000), MICRO_CONCURRENCY (64),
 * MICRO_WEBHOOK_BATCH (50; 1 = one change per POST), MICRO_NO_WEBHOOKS=1 (no app subscribes: no webhook is queued
 * or delivered). MICRO_SQL_STATS=1 also prints the SQL
 * statements run per accepted message in the measured part (wrapping them costs a little CPU);
 * MICRO_PROFILE=1 writes a CPU profile of the measured part to bench/api/out/ (summarise it with
 * `npx tsx bench/relay/profile.ts FILE`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { countSqlStatements } from '../lib/sql-stats.mjs';
import { Session } from 'node:inspector/promises';
import pino from 'pino';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config/load.js';
import { openDatabase } from '../../server/src/platform/db/database.js';
import type { DB } from '../../server/src/tables.js';
import { seedDatabase } from '../relay/seed.js';
import { mainThreadCpuSeconds, ownIoBytes } from '../lib/processes.js';
import { ensureDirectChat } from '../../server/src/domain/messaging/chats.js';
import type { ReceiverCounts } from './common.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const env = (name: string, dflt: number) => Number(process.env[name] ?? dflt);
const numbers = env('MICRO_NUMBERS', 2);
const customers = env('MICRO_CUSTOMERS', 200);
const total = env('MICRO_MESSAGES', 6000);
const concurrency = env('MICRO_CONCURRENCY', 64);
const batch = env('MICRO_WEBHOOK_BATCH', 50);
/** MICRO_NO_WEBHOOKS=1: the apps have no webhook subscription, so nothing is queued or delivered (the webhook pipeline's share of the CPU, by difference). */
const webhooks = process.env.MICRO_NO_WEBHOOKS !== '1';

/** MICRO_SQL_STATS=1: calls and time per SQL text, counted over the measured part. */
const sqlStats = process.env.MICRO_SQL_STATS === '1' ? countSqlStatements() : null;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-api-micro-'));
const receiver = fork(path.join(HERE, 'receiver.ts'), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, BENCH_VERIFY_TOKEN: 'micro' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const ask = <T>(msg: unknown, pick: (m: Record<string, unknown>) => T | undefined): Promise<T> =>
  new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      const v = pick(m);
      if (v === undefined) return;
      receiver.off('message', on);
      resolve(v);
    };
    receiver.on('message', on);
    if (msg !== null) receiver.send(msg as never);
  });

try {
  const port = await ask(null, (m) => m.port as number | undefined);
  const seed = await seedDatabase(path.join(work, 'data'), numbers + customers, 0);
  // Every customer wrote to every number: text messages are within the service window, and their chat exists.
  const database = openDatabase<DB>({ url: '', dataDir: path.dirname(seed.dbFile), sqliteSynchronous: 'NORMAL' });
  const now = Date.now();
  const rows = seed.seed.clients.slice(0, numbers).flatMap((b) =>
    seed.seed.clients.slice(numbers).map((c) => ({ business_id: b.accountId, customer_id: c.accountId, last_inbound_at: now, opt_in_at: now, opt_in_source: 'customer_message', marketing_opt_out_at: null, marketing_opt_out_source: null, marketing_resumed_at: null })),
  );
  await database.db.transaction().execute(async (tx) => {
    for (let i = 0; i < rows.length; i += 500) await tx.insertInto('customer_policy').values(rows.slice(i, i + 500)).execute();
    // Their chats exist too, as the customers' messages would leave them (as in `npm run bench:api`).
    for (const r of rows) await ensureDirectChat(tx, r.business_id, r.customer_id, now);
  });
  await database.close();

  const config = loadConfig({}, { PARLEY_DATA_DIR: path.dirname(seed.dbFile), PORT: 0, PARLEY_LOG_LEVEL: 'silent', PARLEY_API_THROUGHPUT_PER_SECOND: 10_000_000, PARLEY_API_PAIR_BURST: 10_000_000 } as never);
  const parley = await buildApp(config, { logger: pino({ level: 'silent' }) });
  const app = parley.app;
  const call = async <T>(token: string, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown): Promise<T> => {
    const res = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body !== undefined ? { payload: body as Record<string, unknown> } : {}) });
    if (res.statusCode !== 200) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return res.json() as T;
  };
  const senders: { pnid: string; token: string; secret: string }[] = [];
  for (let i = 0; i < numbers; i++) {
    const device = seed.seed.clients[i]!.token;
    await call(device, 'POST', '/v1/business/convert', { name: `Micro shop ${i}`, category: 'shopping_retail' });
    const enabled = await call<{ numbers: { phoneNumberId: string }[] }>(device, 'POST', '/v1/business/api/enable');
    const a = await call<{ id: string; appSecret: string }>(device, 'POST', '/v1/business/api/apps', { name: 'Micro' });
    if (webhooks) await call(device, 'PUT', `/v1/business/api/apps/${a.id}/webhook`, { callbackUrl: `http://127.0.0.1:${port}/webhook`, verifyToken: 'micro', ...(batch !== 1 ? { batchSize: batch } : {}) });
    const tok = await call<{ token: string }>(device, 'POST', '/v1/business/api/tokens', { name: 'micro', scopes: ['messaging'] });
    senders.push({ pnid: enabled.numbers[0]!.phoneNumberId, token: tok.token, secret: a.appSecret });
  }
  receiver.send({ cmd: 'secrets', secrets: senders.map((s) => s.secret) });
  const tos = seed.seed.clients.slice(numbers).map((c) => `3361${String(c.index).padStart(7, '0')}`);

  let sent = 0;
  const send = async (i: number) => {
    const s = senders[i % numbers]!;
    const res = await app.inject({
      method: 'POST',
      url: `/v23.0/${s.pnid}/messages`,
      headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ messaging_product: 'whatsapp', to: tos[Math.floor(i / numbers) % customers], type: 'text', text: { body: `Your order ${i} has shipped.` } }),
    });
    if (res.statusCode !== 200) throw new Error(`send: ${res.statusCode} ${res.body.slice(0, 300)}`);
    sent++;
  };
  const run = async (from: number, n: number) => {
    let next = from;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < from + n) await send(next++);
    }));
  };
  const delivered = () => ask({ cmd: 'counts' }, (m) => m.counts as ReceiverCounts | undefined);
  const drain = async (owed: number) => {
    if (!webhooks) return;
    const until = Date.now() + 120_000;
    while ((await delivered()).statuses < owed && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  };

  // Warm-up: one message per (number, customer) pair (chats, conversations, caches). MICRO_COLD=1
  // skips it: every pair is then new to this process (as in a campaign to many customers).
  const warmup = process.env.MICRO_COLD === '1' ? 0 : numbers * customers;
  await run(0, warmup);
  await drain(sent);
  sqlStats?.take(); // the warm-up's statements do not count
  const profiler = process.env.MICRO_PROFILE === '1' ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const io0 = ownIoBytes().written;
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuSeconds(process.pid);
  const t0 = performance.now();
  await run(warmup, total);
  const acceptCpu = process.cpuUsage(cpu0);
  const acceptMs = performance.now() - t0;
  await drain(sent);
  const cpu = process.cpuUsage(cpu0);
  const mainUs = ((mainThreadCpuSeconds(process.pid) - main0) * 1e6) / total;
  const written = ownIoBytes().written - io0;
  const ms = performance.now() - t0;
  const c = await delivered();
  const us = (u: NodeJS.CpuUsage) => (u.user + u.system) / total;
  console.log(
    `${total} sends (after ${warmup} warm-up), ${concurrency} at once, webhook batches of ${batch}: ` +
      `${Math.round(total / (acceptMs / 1000))} accepted/s in-process; CPU ${us(acceptCpu).toFixed(0)} µs per message while accepting, ` +
      `${us(cpu).toFixed(0)} µs per message with every status delivered (${Math.round(ms)} ms), ${mainUs.toFixed(0)} µs of it on the main thread; statuses ${c.statuses} / ${sent} in ${c.posts} POSTs, bad signatures ${c.badSignatures}; ${(written / total / 1024).toFixed(1)} KiB written per message (WAL and checkpoints)`,
  );
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    const out = path.join(HERE, 'out', `micro-${Date.now()}.cpuprofile`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(profile));
    console.log(`CPU profile: ${path.relative(process.cwd(), out)}`);
  }
  const counted = sqlStats?.take() ?? [];
  if (counted.length) {
    const rows = counted.sort((a, b) => b.ms - a.ms);
    const sum = rows.reduce((n, r) => ({ calls: n.calls + r.calls, ms: n.ms + r.ms }), { calls: 0, ms: 0 });
    console.log(`SQL statements per accepted message: ${(sum.calls / total).toFixed(2)}, ${((sum.ms * 1000) / total).toFixed(0)} µs (calls per message, µs per message, longest call in ms, statement):`);
    for (const r of rows.slice(0, 25)) console.log(`  ${(r.calls / total).toFixed(3).padStart(7)} ${((r.ms * 1000) / total).toFixed(1).padStart(6)} ${r.maxMs.toFixed(1).padStart(6)}  ${r.sql.replace(/\s+/g, ' ').slice(0, 120)}`);
  }
  await parley.close();
} finally {
  receiver.kill();
  fs.rmSync(work, { recursive: true, force: true });
}
