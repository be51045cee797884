// The webhook dispatcher's HTTP client, on a worker thread of its own (see PostThread in
// ./webhooks.ts): it signs each body and POSTs it through undici's connection pools, one per
// origin (keep-alive, at most 64 connections each), so that neither the signing nor the HTTP
// exchange takes time from the thread that accepts sends. Plain JavaScript: a worker thread does
// not inherit the TypeScript loader of the process.
//
// Messages in:  { type: 'post', id, url, body, headers, secret, timeoutMs }
//               { type: 'abortAll' }   every POST under way fails (the process is stopping)
// (The thread is stopped by terminating it: its sockets close with it.)
// Messages out: { id, statusCode } or { id, error: { timeout, message } }
import { parentPort } from 'node:worker_threads';
import { signatureHeaders } from '../domain/api/signature.mjs';
import { Pool } from 'undici';

const pools = new Map();
const urls = new Map();
/** POSTs under way: their abort controllers. */
const live = new Set();

function parse(raw) {
  let u = urls.get(raw);
  if (!u) {
    if (urls.size > 1000) urls.clear();
    urls.set(raw, (u = new URL(raw)));
  }
  return u;
}

async function post({ url, body, headers, secret, timeoutMs }) {
  const u = parse(url);
  let pool = pools.get(u.origin);
  if (!pool) pools.set(u.origin, (pool = new Pool(u.origin, { connections: 64 })));
  // One controller per request; a timer aborts it when the whole exchange takes too long.
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, timeoutMs);
  live.add(abort);
  try {
    const res = await pool.request({ method: 'POST', path: u.pathname + u.search, headers: { ...headers, ...signatureHeaders(secret, body) }, body, signal: abort.signal });
    await res.body.dump();
    return { statusCode: res.statusCode };
  } catch (err) {
    if (timedOut) return { error: { timeout: true, message: `No answer within ${timeoutMs} ms.` } };
    return { error: { timeout: false, message: err instanceof Error ? err.message : String(err) } };
  } finally {
    clearTimeout(timer);
    live.delete(abort);
  }
}

parentPort.on('message', (m) => {
  if (m.type === 'post') {
    void post(m).then((outcome) => parentPort.postMessage({ id: m.id, ...outcome }));
  } else if (m.type === 'abortAll') {
    for (const a of live) a.abort();
  }
});
