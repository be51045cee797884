/**
 * The API benchmark's load process: sends `POST /v23.0/{pnid}/messages` (text) over keep-alive
 * HTTP connections, spread round-robin over the sending numbers and customers, and measures the
 * accept latency of each request. Closed loop (a fixed number in flight) or open loop (a fixed
 * rate; latency counted from the scheduled time, so queueing is not hidden; the answers per second
 * over the schedule, its first moments left out, say whether the server kept up with the rate).
 *
 * By default the requests are written straight to TCP connections (raw-sender.ts), which costs
 * this process far less CPU per request than node:http's client; BENCH_API_LOAD=http uses
 * node:http's client (an http.Agent with keep-alive) instead, as before.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { percentile } from '../relay/common.js';
import { rawSender } from './raw-sender.js';
import type { LoadCmd, LoadResult, LoadSetup } from './common.js';

let counter = 0;

type Send = (onDone: (ok: boolean, failure?: string) => void) => void;

/** The way requests go out (see the module's comment), and how to let its connections go. */
function sender(setup: LoadSetup): { send: Send; close: () => void } {
  if (process.env.BENCH_API_LOAD !== 'http') return rawSender(setup);
  const agent = new http.Agent({ keepAlive: true, maxSockets: setup.connections });
  return { send: httpSender(setup, agent), close: () => agent.destroy() };
}

function httpSender(setup: LoadSetup, agent: http.Agent): Send {
  const url = new URL(setup.baseUrl);
  const bodies = setup.senders.map((s) => ({ path: `/v23.0/${s.phoneNumberId}/messages`, auth: `Bearer ${s.token}` }));
  return (onDone) => {
    const n = counter++;
    const s = bodies[n % bodies.length]!;
    const to = setup.customers[Math.floor(n / bodies.length) % setup.customers.length]!;
    const payload = JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { body: `Votre commande n°${n} est prête.` } });
    const req = http.request(
      { host: url.hostname, port: url.port, method: 'POST', path: s.path, agent, headers: { authorization: s.auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => (res.statusCode === 200 ? onDone(true) : onDone(false, `${res.statusCode} ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`)));
      },
    );
    req.on('error', (err) => onDone(false, err.message));
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.end(payload);
  };
}

async function closed(cmd: Extract<LoadCmd, { cmd: 'closed' }>): Promise<LoadResult> {
  const { send, close } = sender(cmd.setup);
  const t0 = performance.now();
  const measureFrom = t0 + cmd.warmupMs;
  const stopAt = measureFrom + cmd.measureMs;
  const lat: number[] = [];
  const failures: string[] = [];
  let accepted = 0;
  let failed = 0;
  let acceptedTotal = 0;
  await new Promise<void>((resolve) => {
    let live = 0;
    const one = () => {
      const start = performance.now();
      if (start >= stopAt) {
        if (--live === 0) resolve();
        return;
      }
      send((ok, failure) => {
        const end = performance.now();
        if (ok) acceptedTotal++;
        if (start >= measureFrom && end <= stopAt) {
          if (ok) {
            accepted++;
            lat.push(end - start);
          } else {
            failed++;
            if (failures.length < 5 && failure) failures.push(failure);
          }
        }
        one();
      });
    };
    for (let i = 0; i < cmd.concurrency; i++) {
      live++;
      one();
    }
  });
  close();
  lat.sort((a, b) => a - b);
  return { accepted, failed, failures, seconds: cmd.measureMs / 1000, p50: percentile(lat, 50), p99: percentile(lat, 99), acceptedTotal };
}

async function open(cmd: Extract<LoadCmd, { cmd: 'open' }>): Promise<LoadResult> {
  const { send, close } = sender(cmd.setup);
  const total = Math.round((cmd.rate * cmd.durationMs) / 1000);
  const interval = 1000 / cmd.rate;
  const t0 = performance.now() + 50;
  const lat: number[] = [];
  const lag: number[] = [];
  const failures: string[] = [];
  let accepted = 0;
  let failed = 0;
  const end = t0 + (total - 1) * interval;
  const countFrom = t0 + (cmd.rampMs ?? 0);
  let answeredInWindow = 0;
  let lastAnswer = 0;
  await new Promise<void>((resolve) => {
    let scheduled = 0;
    let done = 0;
    const tick = () => {
      const now = performance.now();
      while (scheduled < total && t0 + scheduled * interval <= now) {
        const at = t0 + scheduled * interval;
        scheduled++;
        lag.push(performance.now() - at);
        send((ok, failure) => {
          const now = performance.now();
          lastAnswer = now;
          if (ok) {
            accepted++;
            lat.push(now - at);
            if (now >= countFrom && now <= end) answeredInWindow++;
          } else {
            failed++;
            if (failures.length < 5 && failure) failures.push(failure);
          }
          if (++done === total) resolve();
        });
      }
      if (scheduled < total) setTimeout(tick, Math.max(0, t0 + scheduled * interval - performance.now()));
    };
    tick();
  });
  close();
  lat.sort((a, b) => a - b);
  lag.sort((a, b) => a - b);
  return {
    accepted,
    failed,
    failures,
    seconds: cmd.durationMs / 1000,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    scheduleLagP99: percentile(lag, 99),
    scheduleLagMax: lag.at(-1) ?? 0,
    acceptedTotal: accepted,
    answeredPerSecond: end > countFrom ? answeredInWindow / ((end - countFrom) / 1000) : 0,
    lastAnswerAfterMs: Math.max(0, lastAnswer - end),
  };
}

process.on('message', (cmd: LoadCmd) => {
  const run = cmd.cmd === 'closed' ? closed(cmd) : open(cmd);
  run.then(
    (result) => process.send!({ result }),
    (err: unknown) => process.send!({ error: err instanceof Error ? err.message : String(err) }),
  );
});
process.send!({ ready: true });
