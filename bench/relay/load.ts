/**
 * The load process of the relay benchmark (forked by run.ts with an IPC channel; exits when the
 * channel closes). Holds many signed-in WebSocket clients and runs the commands it is sent:
 *
 *  - connect: open sockets for a range of seeded devices (hello → sync → reply), bounded concurrency;
 *  - closed:  closed loop — every paired client keeps `inflight` sends outstanding (a new send as
 *             each reply arrives); counts message.created arrivals at the peer inside the window;
 *  - open:    open loop — sends scheduled by time at a fixed total rate, round-robin over the paired
 *             clients, whatever the replies; latency from the scheduled time to the peer's arrival;
 *  - close:   close every socket.
 *
 * Each client acknowledges the updates it got like a real device: one cumulative `ack` at most every
 * BENCH_ACK_MS (default 10 ms). The same code drives Parley and the bare relay.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import {
  increment,
  percentile,
  sleep,
  type ClosedLoopCmd,
  type ClosedLoopResult,
  type ConnectCmd,
  type ConnectResult,
  type LoadCmd,
  type LoadMsg,
  type OpenLoopCmd,
  type OpenLoopResult,
  type SeedClient,
  type SeedFile,
} from './common.js';

const ACK_MS = Math.max(0, Number(process.env.BENCH_ACK_MS ?? 10));
/** Text filler so a message is the size of a short chat line (~100 bytes of text). */
const FILLER = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.';

type Frame = { type: string; id?: string; seq?: number; code?: string; update?: { type: string; message?: { senderId: string; content: { text?: string } } } };

function send(c: Client, frame: { type: string; [k: string]: unknown }): void {
  if (c.ws.readyState !== WebSocket.OPEN) return;
  c.ws.send(JSON.stringify(frame));
  framesOut[frame.type] = (framesOut[frame.type] ?? 0) + 1;
}

class Client {
  maxSeq = 0;
  ackedSeq = 0;
  ackTimer: NodeJS.Timeout | undefined;
  nextId = 0;
  sent = 0;
  inflight = 0;
  ready = false;
  closed = false;
  onReady: ((err?: Error) => void) | undefined;

  constructor(
    readonly ws: WebSocket,
    readonly spec: SeedClient,
  ) {}

  scheduleAck(): void {
    if (this.ackTimer || this.closed) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = undefined;
      if (this.maxSeq > this.ackedSeq) {
        this.ackedSeq = this.maxSeq;
        send(this, { type: 'ack', id: `a${this.nextId++}`, seq: this.maxSeq });
      }
    }, ACK_MS);
  }
}

const clients: Client[] = [];
/** Frames received by type (updates by update type) and frames sent by type, since the last report. */
let framesIn: Record<string, number> = {};
let framesOut: Record<string, number> = {};
function takeFrameCounts(): { in: Record<string, number>; out: Record<string, number> } {
  const r = { in: framesIn, out: framesOut };
  framesIn = {};
  framesOut = {};
  return r;
}
const unexpectedCloses: Record<string, number> = {};
let unexpectedCloseCount = 0;
let closingAll = false;

// ---- phase state -----------------------------------------------------------------------------

interface ClosedState {
  running: boolean;
  measuring: boolean;
  inflight: number;
  delivered: number;
  replies: number;
  latencies: number[];
  errors: Record<string, number>;
}
let closed: ClosedState | undefined;

interface OpenState {
  start: number;
  rate: number;
  accepting: boolean;
  arrival: Float64Array;
  sentAt: Float64Array;
  delivered: number;
  duplicates: number;
  errors: Record<string, number>;
}
let open: OpenState | undefined;

function closedSend(c: Client): void {
  const t = performance.now();
  c.inflight++;
  closed!.inflight++;
  send(c, { type: 'send', id: `s${c.nextId++}`, chatId: c.spec.chatId, clientId: `c${c.spec.index}-${c.sent++}`, kind: 'text', content: { text: `c|0|${t}|${t}|${FILLER}` } });
}

function onSendAnswered(c: Client, errorCode?: string): void {
  if (c.inflight > 0) c.inflight--;
  if (closed && closed.inflight > 0) {
    closed.inflight--;
    if (errorCode) increment(closed.errors, errorCode);
    if (closed.measuring && !errorCode) closed.replies++;
    if (closed.running && !c.closed) closedSend(c);
  } else if (open && errorCode) {
    increment(open.errors, errorCode);
  }
}

function onPeerMessage(text: string): void {
  const now = performance.now();
  const tag = text.charCodeAt(0);
  if (tag === 99 /* c */) {
    if (!closed?.measuring) return;
    const parts = text.split('|', 4);
    closed.delivered++;
    closed.latencies.push(now - Number(parts[3]));
  } else if (tag === 111 /* o */) {
    if (!open?.accepting) return;
    const k = Number(text.slice(2, text.indexOf('|', 2)));
    if (!(k >= 0 && k < open.arrival.length)) return;
    if (open.arrival[k]! > 0) {
      open.duplicates++;
      return;
    }
    open.arrival[k] = now;
    open.delivered++;
  }
}

function onFrame(c: Client, data: WebSocket.RawData): void {
  let f: Frame;
  try {
    f = JSON.parse(data.toString()) as Frame;
  } catch {
    return;
  }
  const counted = f.type === 'update' ? `update:${f.update?.type}` : f.type === 'error' ? `error:${f.code}` : f.type;
  framesIn[counted] = (framesIn[counted] ?? 0) + 1;
  switch (f.type) {
    case 'update': {
      if (f.seq! > c.maxSeq) c.maxSeq = f.seq!;
      c.scheduleAck();
      const u = f.update!;
      if (u.type === 'message.created' && u.message!.senderId !== c.spec.accountId) {
        const text = u.message!.content.text;
        if (typeof text === 'string') onPeerMessage(text);
      }
      return;
    }
    case 'reply':
      if (f.id!.charCodeAt(0) === 115 /* s */) onSendAnswered(c);
      else if (f.id === 'y') {
        c.ready = true;
        c.onReady?.();
      }
      return;
    case 'error':
      if (f.id?.charCodeAt(0) === 115) onSendAnswered(c, f.code ?? 'ERROR');
      else if (f.id === 'y') c.onReady?.(new Error(`sync failed: ${f.code}`));
      else if (closed) increment(closed.errors, f.code ?? 'ERROR');
      else if (open) increment(open.errors, f.code ?? 'ERROR');
      return;
    case 'hello':
      send(c, { type: 'sync', id: 'y', after: (f as unknown as { updateSeq: number }).updateSeq });
      return;
    default:
      return;
  }
}

// ---- commands --------------------------------------------------------------------------------

const seeds = new Map<string, SeedFile>();
function loadSeed(file: string): SeedFile {
  let s = seeds.get(file);
  if (!s) seeds.set(file, (s = JSON.parse(fs.readFileSync(file, 'utf8')) as SeedFile));
  return s;
}

function connectOne(url: string, spec: SeedClient, localAddress: string | undefined, timeoutMs: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${spec.token}` },
      perMessageDeflate: false,
      handshakeTimeout: timeoutMs,
      ...(localAddress ? { localAddress } : {}),
    });
    const c = new Client(ws, spec);
    let settled = false;
    const timer = setTimeout(() => finish(new Error('timed out before hello/sync')), timeoutMs);
    function finish(err?: Error) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      c.onReady = undefined;
      if (err) {
        c.closed = true;
        ws.terminate();
        reject(err);
      } else resolve(c);
    }
    c.onReady = finish;
    ws.on('message', (data) => onFrame(c, data));
    ws.on('error', (err) => finish(err));
    ws.on('unexpected-response', (_req, res) => finish(new Error(`HTTP ${res.statusCode}`)));
    ws.on('close', (code) => {
      if (!settled) finish(new Error(`closed ${code} before sync`));
      if (!c.closed && !closingAll) {
        unexpectedCloseCount++;
        increment(unexpectedCloses, String(code));
      }
      c.closed = true;
      if (c.ackTimer) clearTimeout(c.ackTimer);
    });
  });
}

async function connect(cmd: ConnectCmd): Promise<ConnectResult> {
  const seed = loadSeed(cmd.seedFile);
  const specs = seed.clients.slice(cmd.from, cmd.to);
  const t0 = performance.now();
  const deadline = t0 + cmd.timeoutMs;
  let next = 0;
  let failed = 0;
  const errors: string[] = [];
  const worker = async () => {
    while (next < specs.length && performance.now() < deadline) {
      const i = next++;
      const local = cmd.localAddresses.length ? cmd.localAddresses[i % cmd.localAddresses.length] : undefined;
      try {
        clients.push(await connectOne(cmd.url, specs[i]!, local, Math.min(15_000, Math.max(1000, deadline - performance.now()))));
      } catch (err) {
        failed++;
        if (errors.length < 5) errors.push((err as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, cmd.concurrency) }, worker));
  failed += specs.length - next; // never attempted: out of time
  return { connected: clients.filter((c) => !c.closed).length, failed, ms: performance.now() - t0, errors };
}

function post(msg: LoadMsg): void {
  process.send?.(msg);
}

async function closedLoop(cmd: ClosedLoopCmd): Promise<ClosedLoopResult> {
  const senders = clients.filter((c) => c.spec.chatId && !c.closed);
  if (senders.length === 0) throw new Error('no paired clients connected');
  closed = { running: true, measuring: false, inflight: 0, delivered: 0, replies: 0, latencies: [], errors: {} };
  takeFrameCounts();
  const state = closed;
  for (let k = 0; k < cmd.inflight; k++) for (const c of senders) closedSend(c);
  await sleep(cmd.warmupMs);
  state.measuring = true;
  const t0 = performance.now();
  post({ event: 'window', edge: 'start', phase: 'closed' });
  await sleep(cmd.measureMs);
  state.measuring = false;
  const windowMs = performance.now() - t0;
  post({ event: 'window', edge: 'end', phase: 'closed' });
  state.running = false;
  const drainEnd = performance.now() + cmd.drainMs;
  while (state.inflight > 0 && performance.now() < drainEnd) await sleep(20);
  await sleep(Math.min(500, Math.max(0, drainEnd - performance.now()))); // let the last deliveries and receipts land
  const lat = Float64Array.from(state.latencies).sort();
  closed = undefined;
  return {
    delivered: state.delivered,
    replies: state.replies,
    windowMs,
    deliveryP50: percentile(lat, 50),
    deliveryP99: percentile(lat, 99),
    errors: state.errors,
    unansweredAfterDrain: state.inflight,
    frames: takeFrameCounts(),
  };
}

async function openLoop(cmd: OpenLoopCmd): Promise<OpenLoopResult> {
  const senders = clients.filter((c) => c.spec.chatId && !c.closed);
  if (senders.length === 0) throw new Error('no paired clients connected');
  const total = Math.round((cmd.rate * cmd.durationMs) / 1000);
  const perMs = cmd.rate / 1000;
  const state: OpenState = {
    start: 0,
    rate: cmd.rate,
    accepting: true,
    arrival: new Float64Array(total),
    sentAt: new Float64Array(total),
    delivered: 0,
    duplicates: 0,
    errors: {},
  };
  open = state;
  takeFrameCounts();
  let sent = 0;
  let firstSend = 0;
  let lastSend = 0;
  state.start = performance.now();
  post({ event: 'window', edge: 'start', phase: 'open' });
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - state.start) * perMs) + 1);
      while (sent < due) {
        const k = sent++;
        const c = senders[k % senders.length]!;
        const scheduled = state.start + k / perMs;
        const t = performance.now();
        state.sentAt[k] = t;
        send(c, { type: 'send', id: `s${c.nextId++}`, chatId: c.spec.chatId, clientId: `o${c.spec.index}-${c.sent++}`, kind: 'text', content: { text: `o|${k}|${scheduled}|${t}|${FILLER}` } });
        if (k === 0) firstSend = t;
        lastSend = t;
      }
      // A generator that cannot keep its schedule stops at the end of the grace period; what it
      // could not send counts as undelivered (and shows as schedule lag).
      if (sent < total && now - state.start < cmd.durationMs + cmd.graceMs) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  const scheduleEnd = state.start + cmd.durationMs;
  await sleep(Math.max(0, scheduleEnd - performance.now()));
  post({ event: 'window', edge: 'end', phase: 'open' });
  const deadline = scheduleEnd + cmd.graceMs;
  while (state.delivered < sent && performance.now() < deadline) await sleep(20);
  state.accepting = false;
  open = undefined;

  const lat: number[] = [];
  const latSent: number[] = [];
  const lag: number[] = [];
  for (let k = 0; k < sent; k++) {
    const scheduled = state.start + k / perMs;
    lag.push(state.sentAt[k]! - scheduled);
    const a = state.arrival[k]!;
    if (a > 0) {
      lat.push(a - scheduled);
      latSent.push(a - state.sentAt[k]!);
    }
  }
  const sorted = Float64Array.from(lat).sort();
  const sortedSent = Float64Array.from(latSent).sort();
  const sortedLag = Float64Array.from(lag).sort();
  return {
    scheduled: total,
    sent,
    delivered: state.delivered,
    undelivered: total - state.delivered,
    duplicates: state.duplicates,
    sendWindowMs: lastSend - firstSend,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
    sentP99: percentile(sortedSent, 99),
    scheduleLagP99: percentile(sortedLag, 99),
    errors: state.errors,
    frames: takeFrameCounts(),
  };
}

async function closeAll(): Promise<{ closed: number }> {
  closingAll = true;
  const live = clients.filter((c) => !c.closed);
  const done = Promise.all(live.map((c) => new Promise<void>((resolve) => (c.ws.readyState === WebSocket.CLOSED ? resolve() : c.ws.once('close', () => resolve())))));
  for (const c of live) {
    try {
      c.ws.close(1000);
    } catch {
      c.ws.terminate();
    }
  }
  await Promise.race([done, sleep(3000)]);
  for (const c of live) if (c.ws.readyState !== WebSocket.CLOSED) c.ws.terminate();
  clients.length = 0;
  closingAll = false;
  return { closed: live.length };
}

async function run(cmd: LoadCmd): Promise<unknown> {
  switch (cmd.cmd) {
    case 'connect':
      return connect(cmd);
    case 'closed':
      return closedLoop(cmd);
    case 'open':
      return openLoop(cmd);
    case 'close':
      return closeAll();
  }
}

process.on('message', (msg: LoadCmd) => {
  run(msg).then(
    (result) => {
      if (unexpectedCloseCount > 0) post({ event: 'closed-unexpectedly', count: unexpectedCloseCount, codes: { ...unexpectedCloses } });
      post({ id: msg.id, ok: true, result });
    },
    (err: unknown) => post({ id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
// Never outlive the orchestrator.
process.on('disconnect', () => process.exit(0));
post({ event: 'ready' });
