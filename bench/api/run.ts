/**
 * `npm run bench:api` — the Business API's send path (`POST /{pnid}/messages`) against a bare
 * Fastify endpoint that accepts and discards the same requests, on this machine.
 *
 * Parley: a fresh server on a seeded database; BENCH_API_NUMBERS business numbers with API access,
 * each with an app whose webhook points at a local receiver (its own process, checking every
 * signature; the apps take BENCH_API_WEBHOOK_BATCH events per POST, 1 for one change per POST);
 * BENCH_API_CUSTOMERS customers. A load process (its own process) sends text messages
 * spread over the numbers and customers, to Parley's Business API listener (PARLEY_API_PORT, its
 * own thread; BENCH_API_EDGE=0 sends to PORT instead, where the main thread also does the HTTP):
 *   closed loop: BENCH_API_CONCURRENCY requests in flight for BENCH_API_SECONDS after a warm-up
 *                → accepted messages/s, accept latency p50/p99;
 *   open loop:   BENCH_API_RATE requests/s for BENCH_API_OPEN_SECONDS → p50/p99 at that rate
 *                (it starts once the closed loop's status webhooks were delivered);
 * then the run waits (at most BENCH_API_DRAIN_SECONDS) until the receiver holds one `sent` status
 * webhook per accepted message → webhook deliveries/s. Two baselines take the same loops (see
 * bare.ts): a bare Fastify endpoint that stores nothing, and a durable bare endpoint that stores
 * each message in SQLite and fsyncs it before answering (the floor of a durable accept here).
 * All of it runs BENCH_API_RUNS times on fresh servers (medians in the table; the CPU other processes
 * used is printed per run; BENCH_API_BASELINES=0 runs Parley alone). Every phase is bounded in time and count; children and temporary files
 * are removed at the end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { seedDatabase } from '../relay/seed.js';
import { ensureDirectChat } from '../../server/src/domain/messaging/chats.js';
import { openDatabase } from '../../server/src/platform/db/database.js';
import type { DB } from '../../server/src/tables.js';
import { sleep } from '../relay/common.js';
import { SHIPPED_NODE_FLAGS, cleanupSync, codeVersion, cpuModel, cpuSeconds, freePort, mainThreadCpuSeconds, logTail, machineBusySeconds, parleyEnv, stopChild, track, trackTempDir, withTimeout } from '../lib/processes.js';
import type { ApiSender, LoadCmd, LoadResult, LoadSetup, ReceiverCounts } from './common.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const QUICK = process.env.BENCH_QUICK === '1';

function num(name: string, full: number, quick: number = full): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return QUICK ? quick : full;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`${name}=${raw} is not a positive number`);
    process.exit(2);
  }
  return v;
}

const cfg = {
  numbers: Math.round(num('BENCH_API_NUMBERS', 8, 2)),
  customers: Math.round(num('BENCH_API_CUSTOMERS', 2000, 200)),
  // Enough requests in flight to keep the server busy: each waits for about one and a half WAL
  // fsyncs, and with the HTTP on the API listener's thread, 64 in flight left the main thread idle
  // a quarter of the time (throughput then measures latency, not capacity).
  concurrency: Math.round(num('BENCH_API_CONCURRENCY', 128, 32)),
  connections: Math.round(num('BENCH_API_CONNECTIONS', 128, 32)),
  warmupMs: num('BENCH_API_WARMUP_SECONDS', 3, 1) * 1000,
  measureMs: num('BENCH_API_SECONDS', 10, 3) * 1000,
  rate: num('BENCH_API_RATE', 1000, 500),
  openMs: num('BENCH_API_OPEN_SECONDS', 5, 2) * 1000,
  /**
   * The sustained open loop: this rate offered for BENCH_API_SUSTAINED_SECONDS, to see whether the
   * server keeps up with it (0 leaves it out). Default: 5 % above the throughput target, so that a
   * server that keeps up answers more than the target, and one that does not answers what it can.
   */
  sustainedRate: process.env.BENCH_API_SUSTAINED_RATE === '0' ? 0 : num('BENCH_API_SUSTAINED_RATE', 5250),
  sustainedMs: num('BENCH_API_SUSTAINED_SECONDS', 10, 3) * 1000,
  /** Its keep-alive connections: enough that requests seldom wait in the load for a free one (they would count as latency). */
  sustainedConnections: Math.round(num('BENCH_API_SUSTAINED_CONNECTIONS', 256)),
  drainMs: num('BENCH_API_DRAIN_SECONDS', 120, 60) * 1000,
  edge: process.env.BENCH_API_EDGE !== '0',
  /** Events per webhook POST the bench's apps ask for (1: one change per POST, the default of an app). */
  webhookBatch: Math.round(num('BENCH_API_WEBHOOK_BATCH', 50)),
  /** Runs of both targets (fresh servers each time); the table shows medians. */
  runs: Math.round(num('BENCH_API_RUNS', 3, 1)),
  /** BENCH_API_BASELINES=0: Parley alone, no table (to compare Parley with itself, e.g. two settings through BENCH_PARLEY_ENV). */
  baselines: process.env.BENCH_API_BASELINES !== '0',
  timeoutS: num('BENCH_TIMEOUT_SECONDS', 900, 300),
  outDir: process.env.BENCH_OUT_DIR || path.join(HERE, 'out'),
};
const TARGETS = { acceptedPerSecond: 5000, p99Ms: 50 };
const VERIFY_TOKEN = 'bench-verify';

const started = Date.now();
const el = () => `[${String(Math.round((Date.now() - started) / 1000)).padStart(3)} s]`;
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—');

// ---- children ----------------------------------------------------------------------------------

interface Child {
  proc: ChildProcess;
  request<T>(msg: unknown, pick: (m: Record<string, unknown>) => T | undefined, ms: number, what: string): Promise<T>;
}

function forkChild(file: string, env: NodeJS.ProcessEnv = {}): Child {
  const proc = track(fork(path.join(HERE, file), [], { cwd: ROOT, execArgv: ['--import', 'tsx'], env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  return {
    proc,
    request<T>(msg: unknown, pick: (m: Record<string, unknown>) => T | undefined, ms: number, what: string): Promise<T> {
      return withTimeout(
        new Promise<T>((resolve, reject) => {
          const done = () => {
            proc.off('message', onMessage);
            proc.off('exit', onExit);
          };
          const onExit = (code: number | null) => {
            done();
            reject(new Error(`${what}: the child exited (${code})`));
          };
          const onMessage = (m: Record<string, unknown>) => {
            if (typeof m.error === 'string') {
              done();
              reject(new Error(`${what}: ${m.error}`));
              return;
            }
            const v = pick(m);
            if (v !== undefined) {
              done();
              resolve(v);
            }
          };
          proc.on('message', onMessage);
          proc.on('exit', onExit);
          if (msg !== null) proc.send(msg as never);
        }),
        ms,
        what,
      );
    },
  };
}

interface ServerProc {
  proc: ChildProcess;
  port: number;
  /** Parley's Business API listener (PARLEY_API_PORT), where the load sends; null with BENCH_API_EDGE=0. */
  apiPort: number | null;
  logFile: string;
}

/**
 * Every customer wrote to every number just before the run (the customer-service window is open),
 * so the text messages of the load are allowed by the messaging policy: one `customer_policy` row
 * and one direct chat per pair in the seeded database, as the customers' messages would leave
 * them. The load then measures a business answering its customers, not first contacts.
 */
async function openServiceWindows(dbFile: string, businessIds: string[], customerIds: string[]): Promise<void> {
  const database = openDatabase<DB>({ url: '', dataDir: path.dirname(dbFile), sqliteSynchronous: 'NORMAL' });
  try {
    const now = Date.now();
    const rows = businessIds.flatMap((business_id) =>
      customerIds.map((customer_id) => ({ business_id, customer_id, last_inbound_at: now, opt_in_at: now, opt_in_source: 'customer_message', marketing_opt_out_at: null, marketing_opt_out_source: null, marketing_resumed_at: null })),
    );
    await database.db.transaction().execute(async (tx) => {
      for (let i = 0; i < rows.length; i += 500) await tx.insertInto('customer_policy').values(rows.slice(i, i + 500)).execute();
      for (const r of rows) await ensureDirectChat(tx, r.business_id, r.customer_id, now);
    });
  } finally {
    await database.close();
  }
}

/** BENCH_SERVER_NODE_ARGS: extra Node flags for both servers (e.g. `--trace-gc`, with BENCH_KEEP_TMP=1 to keep their logs). */
const serverNodeArgs = (): string[] => (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);

async function startProcess(kind: 'parley' | 'bare' | 'durable', dir: string, dbFile: string | null): Promise<ServerProc> {
  const port = await freePort();
  fs.mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, `${kind}.log`);
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PARLEY_') && k !== 'DATABASE_URL' && k !== 'NODE_OPTIONS') env[k] = v;
  let args: string[];
  let apiPort: number | null = null;
  if (kind === 'parley') {
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.copyFileSync(dbFile!, path.join(dataDir, 'parley.db'));
    Object.assign(env, { HOST: '127.0.0.1', PORT: String(port), PARLEY_DATA_DIR: dataDir, PARLEY_LOG_LEVEL: 'warn', DATABASE_URL: '' });
    // The load sends thousands of messages per second over a few numbers, each customer getting
    // several per second in the quick run: the per-number throughput and pair rate limits would
    // refuse most of them, so the benchmark raises both far above its rates.
    Object.assign(env, { PARLEY_API_THROUGHPUT_PER_SECOND: '10000000', PARLEY_API_PAIR_BURST: '10000000' }, parleyEnv());
    // The load sends to the Business API listener, as an API deployment would (BENCH_API_EDGE=0: to PORT).
    if (cfg.edge) Object.assign(env, { PARLEY_API_PORT: String((apiPort = await freePort())) });
    // BENCH_API_PROFILE=1: a V8 CPU profile of the Parley server, written to the output folder on exit.
    const prof = process.env.BENCH_API_PROFILE === '1' ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(cfg.outDir)] : [];
    args = [...SHIPPED_NODE_FLAGS, ...serverNodeArgs(), ...prof, path.join(ROOT, 'bin/parley.js'), 'serve'];
  } else {
    Object.assign(env, { BARE_PORT: String(port) }, kind === 'durable' ? { BARE_DURABLE_DIR: path.join(dir, 'data') } : {});
    args = [...SHIPPED_NODE_FLAGS, ...serverNodeArgs(), '--import', 'tsx', path.join(HERE, 'bare.ts')];
  }
  const fd = fs.openSync(logFile, 'a');
  const proc = track(spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', fd, fd] }));
  fs.closeSync(fd);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${kind} exited during start-up:\n${logTail(logFile)}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}${kind === 'parley' ? '/healthz' : '/v23.0/1/messages'}`, { method: kind === 'parley' ? 'GET' : 'POST', signal: AbortSignal.timeout(1000) });
      if (res.status < 500) return { proc, port, apiPort, logFile };
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${kind} did not answer within 30 s:\n${logTail(logFile)}`);
    await sleep(100);
  }
}

async function call<T>(base: string, token: string, method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(base + url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json().catch(() => ({}))) as T;
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

/** Turn a seeded person into a business with API access, an app subscribed to the receiver (at `/webhook/{i}`, which tells the receiver whose secret to check first) and a messaging token. */
async function setUpNumber(base: string, deviceToken: string, i: number, receiverUrl: string): Promise<ApiSender & { appSecret: string }> {
  await call(base, deviceToken, 'POST', '/v1/business/convert', { name: `Bench shop ${i}`, category: 'shopping_retail' });
  const enabled = await call<{ numbers: { phoneNumberId: string }[] }>(base, deviceToken, 'POST', '/v1/business/api/enable');
  const app = await call<{ id: string; appSecret: string }>(base, deviceToken, 'POST', '/v1/business/api/apps', { name: 'Bench' });
  await call(base, deviceToken, 'PUT', `/v1/business/api/apps/${app.id}/webhook`, { callbackUrl: `${receiverUrl}/${i}`, verifyToken: VERIFY_TOKEN, batchSize: cfg.webhookBatch });
  const tok = await call<{ token: string }>(base, deviceToken, 'POST', '/v1/business/api/tokens', { name: 'bench', scopes: ['messaging'] });
  return { phoneNumberId: enabled.numbers[0]!.phoneNumberId, token: tok.token, appSecret: app.appSecret };
}

interface TargetResult {
  closed: LoadResult;
  open: LoadResult;
  /** The sustained open loop (BENCH_API_SUSTAINED_RATE), when it ran. */
  sustained?: LoadResult;
  cpuPerMessage: number;
  /** The same, of the server's main (JavaScript) thread alone: the thread whose time bounds the throughput. */
  mainCpuPerMessage: number;
  /** CPU used by other processes on the machine during the closed loop, in % of one core. */
  othersPct: number;
  /** CPU the load process used per accepted message over the closed loop, in seconds. */
  loadCpuPerMessage: number;
  /** Parley only: what its metrics say about stalls during the open loop. */
  openStalls?: ServerStalls;
  /** Parley only: the same over the closed loop (its warm-up included). */
  closedStalls?: ServerStalls;
  webhooks?: { delivered: number; owed: number; perSecond: number; badSignatures: number; seconds: number; posts: number; receiverCpuPerStatus: number };
}

/**
 * The closed then the open loop against one server; `helpers`: the benchmark's own other processes
 * (load, receiver). `settle`, when given, runs between the two with the number of messages the
 * closed loop got accepted: Parley's waits until their status webhooks are delivered, so the open
 * loop measures latency at its own rate, not while the closed loop's backlog is being worked off.
 */
/** What the server's own metrics say about the open loop: its longest event-loop delay, and its COMMITs that held the event loop 20 ms or more. */
interface ServerStalls {
  eventLoopMaxMs: number;
  commits: number;
  commitsOver20ms: number;
  /** WAL fsyncs (the writes of a batch are acknowledged after theirs), and those of 20 ms or more. */
  syncs: number;
  syncsOver20ms: number;
  /** Seconds the COMMITs and the WAL fsyncs took in all, and the operations their batches held. */
  commitSeconds: number;
  syncSeconds: number;
  batchedOps: number;
}

/** Parley's /metrics: the event-loop delay histogram is reset by every scrape; the commit histogram counts up. */
async function scrapeStalls(base: string): Promise<ServerStalls> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const num = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
  const commits = num(/^parley_sqlite_commit_seconds_count (\S+)$/m);
  const syncs = num(/^parley_sqlite_wal_sync_seconds_count (\S+)$/m);
  return {
    eventLoopMaxMs: num(/^parley_nodejs_eventloop_lag_max_seconds (\S+)$/m) * 1000,
    commits,
    commitsOver20ms: commits - num(/^parley_sqlite_commit_seconds_bucket\{le="0\.02"\} (\S+)$/m),
    syncs,
    syncsOver20ms: syncs - num(/^parley_sqlite_wal_sync_seconds_bucket\{le="0\.02"\} (\S+)$/m),
    commitSeconds: num(/^parley_sqlite_commit_seconds_sum (\S+)$/m),
    syncSeconds: num(/^parley_sqlite_wal_sync_seconds_sum (\S+)$/m),
    batchedOps: num(/^parley_write_batch_size_sum (\S+)$/m),
  };
}

/** The counters' growth between two scrapes (the event-loop maximum is the later scrape's own). */
const stallsBetween = (a: ServerStalls, b: ServerStalls): ServerStalls => ({
  eventLoopMaxMs: b.eventLoopMaxMs,
  commits: b.commits - a.commits,
  commitsOver20ms: b.commitsOver20ms - a.commitsOver20ms,
  syncs: b.syncs - a.syncs,
  syncsOver20ms: b.syncsOver20ms - a.syncsOver20ms,
  commitSeconds: b.commitSeconds - a.commitSeconds,
  syncSeconds: b.syncSeconds - a.syncSeconds,
  batchedOps: b.batchedOps - a.batchedOps,
});

async function runLoads(load: Child, setup: LoadSetup, pid: number, helpers: number[], settle?: (accepted: number) => Promise<void>, base?: string): Promise<Omit<TargetResult, 'webhooks'>> {
  const cpu0 = cpuSeconds(pid);
  const main0 = mainThreadCpuSeconds(pid);
  const busy0 = machineBusySeconds();
  const own0 = [...helpers.map(cpuSeconds), process.cpuUsage()] as const;
  const t0 = performance.now();
  const closedCmd: LoadCmd = { cmd: 'closed', setup, concurrency: cfg.concurrency, warmupMs: cfg.warmupMs, measureMs: cfg.measureMs };
  const closedBefore = base ? await scrapeStalls(base) : undefined;
  const closed = await load.request(closedCmd, (m) => m.result as LoadResult | undefined, cfg.warmupMs + cfg.measureMs + 60_000, 'closed loop');
  const closedAfter = base ? await scrapeStalls(base) : undefined;
  const cpu = cpuSeconds(pid) - cpu0;
  const mainCpu = mainThreadCpuSeconds(pid) - main0;
  const loadCpu = cpuSeconds(helpers[0]!) - (own0[0] as number);
  const elapsed = (performance.now() - t0) / 1000;
  const mine = process.cpuUsage(own0[own0.length - 1] as NodeJS.CpuUsage);
  const ours = cpu + helpers.reduce((n, h, i) => n + cpuSeconds(h) - (own0[i] as number), 0) + (mine.user + mine.system) / 1e6;
  const othersPct = Math.max(0, ((machineBusySeconds() - busy0 - ours) / elapsed) * 100);
  await settle?.(closed.acceptedTotal);
  const openCmd: LoadCmd = { cmd: 'open', setup, rate: cfg.rate, durationMs: cfg.openMs };
  const before = base ? await scrapeStalls(base) : undefined;
  const open = await load.request(openCmd, (m) => m.result as LoadResult | undefined, cfg.openMs + 90_000, 'open loop');
  const after = base ? await scrapeStalls(base) : undefined;
  const openStalls = before && after ? stallsBetween(before, after) : undefined;
  const closedStalls = closedBefore && closedAfter ? stallsBetween(closedBefore, closedAfter) : undefined;
  let sustained: LoadResult | undefined;
  if (cfg.sustainedRate > 0) {
    // As for the open loop: the statuses owed so far are delivered first, so the server starts it
    // with no backlog; its own webhooks go out while it runs.
    await settle?.(closed.acceptedTotal + open.acceptedTotal);
    const cmd: LoadCmd = { cmd: 'open', setup: { ...setup, connections: cfg.sustainedConnections }, rate: cfg.sustainedRate, durationMs: cfg.sustainedMs, rampMs: Math.min(1000, cfg.sustainedMs / 4) };
    sustained = await load.request(cmd, (m) => m.result as LoadResult | undefined, cfg.sustainedMs + 120_000, 'sustained open loop');
  }
  return { closed, open, ...(sustained ? { sustained } : {}), cpuPerMessage: cpu / Math.max(1, closed.acceptedTotal), mainCpuPerMessage: mainCpu / Math.max(1, closed.acceptedTotal), othersPct, loadCpuPerMessage: loadCpu / Math.max(1, closed.acceptedTotal), ...(openStalls ? { openStalls } : {}), ...(closedStalls ? { closedStalls } : {}) };
}

/** One target's sustained open loop, for the per-run lines. */
function sustainedLine(name: string, r: TargetResult): string {
  const x = r.sustained;
  if (!x) return `${name} —`;
  return `${name} answered ${fmt(x.answeredPerSecond ?? 0)}/s, p50 ${fmt(x.p50, 1)} ms, p99 ${fmt(x.p99, 1)} ms, last answer ${fmt(x.lastAnswerAfterMs ?? 0)} ms after the last request (the load's own lateness: p99 ${fmt(x.scheduleLagP99 ?? 0, 1)} ms)`;
}

/** What Parley's own metrics said over its closed and its open loop. */
function printServerMetrics(r: TargetResult): void {
  const cs = r.closedStalls;
  if (cs) console.log(`${el()}   Parley over the closed loop: ${fmt(cs.commits)} COMMITs, ${fmt(cs.batchedOps / Math.max(1, cs.commits), 1)} writes per commit; mean COMMIT ${fmt((cs.commitSeconds / Math.max(1, cs.commits)) * 1000, 2)} ms (${fmt((cs.commitSeconds / Math.max(1e-9, r.closed.seconds + cfg.warmupMs / 1000)) * 100, 1)} % of the time), mean fsync ${fmt((cs.syncSeconds / Math.max(1, cs.syncs)) * 1000, 2)} ms`);
  const st = r.openStalls;
  if (st) console.log(`${el()}   Parley's own metrics over the open loop: longest event-loop turn ${fmt(st.eventLoopMaxMs, 1)} ms (10 ms sampling interval included); ${fmt(st.commitsOver20ms)} of ${fmt(st.commits)} COMMITs held it 20 ms or more; ${fmt(st.syncsOver20ms)} of ${fmt(st.syncs)} WAL fsyncs took 20 ms or more; mean COMMIT ${fmt((st.commitSeconds / Math.max(1, st.commits)) * 1000, 2)} ms, mean fsync ${fmt((st.syncSeconds / Math.max(1, st.syncs)) * 1000, 2)} ms, ${fmt(st.batchedOps / Math.max(1, st.commits), 1)} writes per commit`);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<number> {
  const watchdog = setTimeout(() => {
    console.error(`\nThe benchmark exceeded BENCH_TIMEOUT_SECONDS=${cfg.timeoutS}; aborting.`);
    cleanupSync();
    process.exit(3);
  }, cfg.timeoutS * 1000);
  const work = trackTempDir(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-api-')));
  console.log(`Parley API benchmark — ${cpuModel()}, Node ${process.version}, code ${codeVersion(ROOT)}`);
  console.log(`${cfg.numbers} numbers, ${cfg.customers} customers; closed loop ${cfg.concurrency} in flight for ${cfg.measureMs / 1000} s; open loop ${fmt(cfg.rate)}/s for ${cfg.openMs / 1000} s; webhooks in batches of up to ${cfg.webhookBatch}; Parley's load goes to ${cfg.edge ? 'its Business API listener (PARLEY_API_PORT)' : 'PORT (BENCH_API_EDGE=0)'}\n`);

  console.log(`${el()} seeding ${cfg.numbers + cfg.customers} accounts`);
  const seed = await seedDatabase(path.join(work, 'seed'), cfg.numbers + cfg.customers, 0);
  const customers = seed.seed.clients.slice(cfg.numbers).map((c) => `3361${String(c.index).padStart(7, '0')}`);
  await openServiceWindows(seed.dbFile, seed.seed.clients.slice(0, cfg.numbers).map((c) => c.accountId), seed.seed.clients.slice(cfg.numbers).map((c) => c.accountId));

  const receiver = forkChild('receiver.ts', { BENCH_VERIFY_TOKEN: VERIFY_TOKEN });
  const receiverPort = await receiver.request(null, (m) => m.port as number | undefined, 20_000, 'receiver start');
  const receiverUrl = `http://127.0.0.1:${receiverPort}/webhook`;
  const counts = () => receiver.request({ cmd: 'counts' }, (m) => m.counts as ReceiverCounts | undefined, 10_000, 'receiver counts');
  const load = forkChild('load.ts');
  await load.request(null, (m) => (m.ready ? true : undefined), 20_000, 'load start');

  const runs: { parley: TargetResult; bare: TargetResult; durable: TargetResult }[] = [];
  const helpers = [load.proc.pid!, receiver.proc.pid!];
  for (let run = 1; run <= cfg.runs; run++) {
    const tag = cfg.runs > 1 ? ` (run ${run} of ${cfg.runs})` : '';
    // Parley: a fresh server on a fresh copy of the seeded database.
    console.log(`${el()} Parley${tag}: starting and setting up ${cfg.numbers} API numbers`);
    const parley = await startProcess('parley', path.join(work, `parley-${run}`), seed.dbFile);
    const base = `http://127.0.0.1:${parley.port}`;
    const senders: (ApiSender & { appSecret: string })[] = [];
    for (let i = 0; i < cfg.numbers; i++) senders.push(await setUpNumber(base, seed.seed.clients[i]!.token, i, receiverUrl));
    receiver.proc.send({ cmd: 'secrets', secrets: senders.map((s) => s.appSecret) });
    const setup: LoadSetup = { baseUrl: parley.apiPort ? `http://127.0.0.1:${parley.apiPort}` : base, senders: senders.map(({ phoneNumberId, token }) => ({ phoneNumberId, token })), customers, connections: cfg.connections };
    const before = await counts();
    console.log(`${el()} Parley${tag}: closed loop, then open loop`);
    const t0 = Date.now();
    const receiverCpu0 = cpuSeconds(receiver.proc.pid!);
    // Until the receiver holds `owed` statuses of this run, or BENCH_API_DRAIN_SECONDS passed.
    const drain = async (owed: number) => {
      let c = await counts();
      const drainUntil = Date.now() + cfg.drainMs;
      while (c.statuses - before.statuses < owed && Date.now() < drainUntil) {
        await sleep(100);
        c = await counts();
      }
      return c;
    };
    const p = await runLoads(load, setup, parley.proc.pid!, helpers, async (accepted) => void (await drain(accepted)), base);
    const owed = p.closed.acceptedTotal + p.open.acceptedTotal + (p.sustained?.acceptedTotal ?? 0);
    console.log(`${el()} Parley${tag}: waiting for ${fmt(owed)} status webhooks`);
    const c = await drain(owed);
    const delivered = c.statuses - before.statuses;
    const receiverCpuPerStatus = (cpuSeconds(receiver.proc.pid!) - receiverCpu0) / Math.max(1, delivered);
    const seconds = (c.lastAt - Math.max(t0, c.firstAt)) / 1000;
    const parleyResult = { ...p, webhooks: { delivered, owed, perSecond: delivered / Math.max(0.001, seconds), badSignatures: c.badSignatures - before.badSignatures, seconds, posts: c.posts - before.posts, receiverCpuPerStatus } };
    await stopChild(parley.proc, 'SIGTERM');

    if (!cfg.baselines) {
      console.log(`${el()}   Parley ${fmt(parleyResult.closed.accepted / parleyResult.closed.seconds)} msg/s, ${fmt(parleyResult.cpuPerMessage * 1000, 3)} ms CPU each, ${fmt(parleyResult.mainCpuPerMessage * 1000, 3)} ms on its main thread; open-loop p99 ${fmt(parleyResult.open.p99, 1)} ms (baselines skipped)`);
      if (parleyResult.sustained) console.log(`${el()}   sustained open loop at ${fmt(cfg.sustainedRate)}/s: ${sustainedLine('Parley', parleyResult)}`);
      printServerMetrics(parleyResult);
      continue;
    }

    // Bare endpoint
    console.log(`${el()} bare Fastify endpoint${tag}: closed loop, then open loop`);
    const bare = await startProcess('bare', path.join(work, `bare-${run}`), null);
    const bareResult = await runLoads(load, { ...setup, baseUrl: `http://127.0.0.1:${bare.port}` }, bare.proc.pid!, helpers);
    await stopChild(bare.proc, 'SIGTERM');

    // Durable bare endpoint: the same, storing each message durably first (the floor of durability here)
    console.log(`${el()} durable bare endpoint${tag}: closed loop, then open loop`);
    const durable = await startProcess('durable', path.join(work, `durable-${run}`), null);
    const durableResult = await runLoads(load, { ...setup, baseUrl: `http://127.0.0.1:${durable.port}` }, durable.proc.pid!, helpers);
    await stopChild(durable.proc, 'SIGTERM');
    runs.push({ parley: parleyResult, bare: bareResult, durable: durableResult });
    const perS = (r: TargetResult) => fmt(r.closed.accepted / r.closed.seconds);
    console.log(`${el()}   Parley ${perS(parleyResult)} msg/s, ${fmt(parleyResult.cpuPerMessage * 1000, 3)} ms CPU each, ${fmt(parleyResult.mainCpuPerMessage * 1000, 3)} ms on its main thread (others ${fmt(parleyResult.othersPct)} % of a core); bare ${perS(bareResult)} msg/s (others ${fmt(bareResult.othersPct)} %); durable bare ${perS(durableResult)} msg/s, ${fmt(durableResult.cpuPerMessage * 1000, 3)} ms CPU each`);
    const lateness = (r: TargetResult) => `p99 ${fmt(r.open.p99, 1)} ms (the load's own lateness: p99 ${fmt(r.open.scheduleLagP99 ?? 0, 1)}, max ${fmt(r.open.scheduleLagMax ?? 0, 1)} ms)`;
    console.log(`${el()}   open loop at ${fmt(cfg.rate)}/s: Parley ${lateness(parleyResult)}; bare ${lateness(bareResult)}; durable bare ${lateness(durableResult)}`);
    if (parleyResult.sustained) console.log(`${el()}   sustained open loop at ${fmt(cfg.sustainedRate)}/s: ${sustainedLine('Parley', parleyResult)}; ${sustainedLine('bare', bareResult)}; ${sustainedLine('durable bare', durableResult)}`);
    printServerMetrics(parleyResult);
  }
  clearTimeout(watchdog);
  if (!cfg.baselines) return 0;

  // Medians over the runs, figure by figure.
  const med = (pick: (r: TargetResult) => number, t: 'parley' | 'bare' | 'durable') => median(runs.map((r) => pick(r[t])));
  const summary = (t: 'parley' | 'bare' | 'durable'): TargetResult => {
    const loop = (l: 'closed' | 'open' | 'sustained'): LoadResult => {
      const of = (r: TargetResult): LoadResult => r[l]!;
      return {
        ...of(runs[0]![t]),
        accepted: med((r) => of(r).accepted, t),
        seconds: of(runs[0]![t]).seconds,
        p50: med((r) => of(r).p50, t),
        p99: med((r) => of(r).p99, t),
        ...(l !== 'closed' ? { scheduleLagP99: med((r) => of(r).scheduleLagP99 ?? 0, t), scheduleLagMax: med((r) => of(r).scheduleLagMax ?? 0, t) } : {}),
        ...(l === 'sustained' ? { answeredPerSecond: med((r) => of(r).answeredPerSecond ?? 0, t), lastAnswerAfterMs: med((r) => of(r).lastAnswerAfterMs ?? 0, t) } : {}),
        failed: runs.reduce((n, r) => n + of(r[t]).failed, 0),
        failures: runs.flatMap((r) => of(r[t]).failures),
      };
    };
    const sustained = runs.every((r) => r[t].sustained) ? { sustained: loop('sustained') } : {};
    return { closed: loop('closed'), open: loop('open'), ...sustained, cpuPerMessage: med((r) => r.cpuPerMessage, t), mainCpuPerMessage: med((r) => r.mainCpuPerMessage, t), othersPct: med((r) => r.othersPct, t), loadCpuPerMessage: med((r) => r.loadCpuPerMessage, t) };
  };
  const results: Record<'parley' | 'bare' | 'durable', TargetResult> = { parley: summary('parley'), bare: summary('bare'), durable: summary('durable') };
  results.parley.webhooks = {
    delivered: runs.reduce((n, r) => n + r.parley.webhooks!.delivered, 0),
    owed: runs.reduce((n, r) => n + r.parley.webhooks!.owed, 0),
    perSecond: med((r) => r.webhooks!.perSecond, 'parley'),
    badSignatures: runs.reduce((n, r) => n + r.parley.webhooks!.badSignatures, 0),
    seconds: med((r) => r.webhooks!.seconds, 'parley'),
    posts: runs.reduce((n, r) => n + r.parley.webhooks!.posts, 0),
    receiverCpuPerStatus: med((r) => r.webhooks!.receiverCpuPerStatus, 'parley'),
  };

  // Report
  const P = results.parley;
  const B = results.bare;
  const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : '—');
  const D = results.durable;
  const perSecond = (r: TargetResult) => r.closed.accepted / r.closed.seconds;
  const rows: string[][] = [
    ['Figure', 'Parley', 'Bare', 'Ratio', 'Durable bare', 'Ratio', 'Target', 'Met?'],
    ['Closed loop: accepted msg/s', fmt(perSecond(P)), fmt(perSecond(B)), ratio(perSecond(P), perSecond(B)), fmt(perSecond(D)), ratio(perSecond(P), perSecond(D)), `≥ ${fmt(TARGETS.acceptedPerSecond)}`, perSecond(P) >= TARGETS.acceptedPerSecond ? 'yes' : 'NO'],
    [`Closed loop (${cfg.concurrency} in flight): p50 ms`, fmt(P.closed.p50, 1), fmt(B.closed.p50, 1), ratio(P.closed.p50, B.closed.p50), fmt(D.closed.p50, 1), ratio(P.closed.p50, D.closed.p50), '', ''],
    [`Closed loop (${cfg.concurrency} in flight): p99 ms`, fmt(P.closed.p99, 1), fmt(B.closed.p99, 1), ratio(P.closed.p99, B.closed.p99), fmt(D.closed.p99, 1), ratio(P.closed.p99, D.closed.p99), '', ''],
    [`Open loop ${fmt(cfg.rate)}/s: p50 ms`, fmt(P.open.p50, 1), fmt(B.open.p50, 1), ratio(P.open.p50, B.open.p50), fmt(D.open.p50, 1), ratio(P.open.p50, D.open.p50), '', ''],
    [`Open loop ${fmt(cfg.rate)}/s: p99 ms`, fmt(P.open.p99, 1), fmt(B.open.p99, 1), ratio(P.open.p99, B.open.p99), fmt(D.open.p99, 1), ratio(P.open.p99, D.open.p99), `< ${TARGETS.p99Ms} ms`, P.open.p99 < TARGETS.p99Ms ? 'yes' : 'NO'],
    [`Open loop: the load's own lateness, p99 ms`, fmt(P.open.scheduleLagP99 ?? 0, 1), fmt(B.open.scheduleLagP99 ?? 0, 1), '', fmt(D.open.scheduleLagP99 ?? 0, 1), '', '', ''],
    ...sustainedRows(P, B, D, ratio),
    ['Server CPU ms per accepted message', fmt(P.cpuPerMessage * 1000, 3), fmt(B.cpuPerMessage * 1000, 3), ratio(P.cpuPerMessage, B.cpuPerMessage), fmt(D.cpuPerMessage * 1000, 3), ratio(P.cpuPerMessage, D.cpuPerMessage), '', ''],
    ['  of which its main thread', fmt(P.mainCpuPerMessage * 1000, 3), fmt(B.mainCpuPerMessage * 1000, 3), ratio(P.mainCpuPerMessage, B.mainCpuPerMessage), fmt(D.mainCpuPerMessage * 1000, 3), ratio(P.mainCpuPerMessage, D.mainCpuPerMessage), '', ''],
    ['Load process CPU ms per accepted message', fmt(P.loadCpuPerMessage * 1000, 3), fmt(B.loadCpuPerMessage * 1000, 3), '', fmt(D.loadCpuPerMessage * 1000, 3), '', '', ''],
    ['Webhook receiver CPU ms per status', fmt(P.webhooks!.receiverCpuPerStatus * 1000, 3), '', '', '', '', '', ''],
    ['Status webhooks delivered / owed', `${fmt(P.webhooks!.delivered)} / ${fmt(P.webhooks!.owed)}`, '', '', '', '', 'all', P.webhooks!.delivered >= P.webhooks!.owed ? 'yes' : 'NO'],
    ['Webhook deliveries/s', fmt(P.webhooks!.perSecond), '', '', '', '', '', ''],
    ['Statuses per webhook POST', fmt(P.webhooks!.delivered / Math.max(1, P.webhooks!.posts), 1), '', '', '', '', '', ''],
    ['Webhooks with a bad signature', fmt(P.webhooks!.badSignatures), '', '', '', '', '0', P.webhooks!.badSignatures === 0 ? 'yes' : 'NO'],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log(cfg.runs > 1 ? `\nMedians of ${cfg.runs} runs (webhook counts: totals).` : '');
  for (const [i, r] of rows.entries()) {
    console.log(r.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]!) : cell.padStart(widths[j]!))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  const late = P.open.scheduleLagP99 ?? 0;
  if (late >= 10) console.log(`\nNote: the load generator itself sent Parley's open-loop requests late (p99 ${fmt(late, 1)} ms behind its schedule): that delay is part of the open-loop latency.`);
  const busy = Math.max(results.parley.othersPct, results.bare.othersPct, results.durable.othersPct);
  if (busy >= 25) console.log(`\nWARNING: other processes used ${fmt(busy)} % of a core during the closed loops (median): throughput and latency are depressed; compare CPU per message instead, or rerun on a quiet machine.`);
  for (const [name, r] of Object.entries(results)) {
    const f = [...r.closed.failures, ...r.open.failures, ...(r.sustained?.failures ?? [])];
    const n = r.closed.failed + r.open.failed + (r.sustained?.failed ?? 0);
    if (n > 0) console.log(`\n${name}: ${n} requests failed, e.g. ${f.slice(0, 3).join(' | ')}`);
  }
  fs.mkdirSync(cfg.outDir, { recursive: true });
  const out = path.join(cfg.outDir, `api-${QUICK ? 'quick-' : ''}${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(out, JSON.stringify({ cfg, results, runs, machine: cpuModel(), code: codeVersion(ROOT) }, null, 2));
  console.log(`\nResults: ${path.relative(ROOT, out)}; total ${Math.round((Date.now() - started) / 1000)} s`);
  const failed = P.webhooks!.delivered < P.webhooks!.owed || P.webhooks!.badSignatures > 0;
  return failed ? 1 : 0;
}

/** The table's rows of the sustained open loop (none when it did not run). */
function sustainedRows(P: TargetResult, B: TargetResult, D: TargetResult, ratio: (a: number, b: number) => string): string[][] {
  if (!P.sustained || !B.sustained || !D.sustained) return [];
  const [p, b, d] = [P.sustained, B.sustained, D.sustained];
  const per = (x: LoadResult) => x.answeredPerSecond ?? 0;
  const label = `Sustained ${fmt(cfg.sustainedRate)}/s offered`;
  return [
    [`${label}: answered msg/s`, fmt(per(p)), fmt(per(b)), ratio(per(p), per(b)), fmt(per(d)), ratio(per(p), per(d)), `≥ ${fmt(TARGETS.acceptedPerSecond)}`, per(p) >= TARGETS.acceptedPerSecond ? 'yes' : 'NO'],
    [`${label}: p50 ms`, fmt(p.p50, 1), fmt(b.p50, 1), ratio(p.p50, b.p50), fmt(d.p50, 1), ratio(p.p50, d.p50), '', ''],
    [`${label}: p99 ms`, fmt(p.p99, 1), fmt(b.p99, 1), ratio(p.p99, b.p99), fmt(d.p99, 1), ratio(p.p99, d.p99), '', ''],
    [`${label}: last answer after the last request, ms`, fmt(p.lastAnswerAfterMs ?? 0), fmt(b.lastAnswerAfterMs ?? 0), '', fmt(d.lastAnswerAfterMs ?? 0), '', '', ''],
    [`${label}: the load's own lateness, p99 ms`, fmt(p.scheduleLagP99 ?? 0, 1), fmt(b.scheduleLagP99 ?? 0, 1), '', fmt(d.scheduleLagP99 ?? 0, 1), '', '', ''],
  ];
}

main().then(
  (code) => {
    cleanupSync();
    process.exit(code);
  },
  (err: unknown) => {
    console.error(`\nBenchmark failed: ${err instanceof Error ? err.message : String(err)}`);
    cleanupSync();
    process.exit(1);
  },
);
