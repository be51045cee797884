// The Graph API listener (PARLEY_API_PORT), on a worker thread of its own (see ApiEdge in
// ../http/graph/edge.ts): it accepts the connections, parses HTTP, reads the bodies and writes the
// answers, so that the thread holding the database does none of that. Every request still gets its
// answer from the main thread:
// - `POST [/vNN.N]/{numeric id}/messages` with a JSON body of at most `jsonLimit` bytes, a bearer
//   header and no query string (the send path) goes over as { id, kind: 'send', pnid, auth, text };
// - anything else goes over whole as { id, kind: 'http', method, url, headers, remoteAddress, body }
//   and runs through the main thread's HTTP routes unchanged;
// - a body over `bodyCap` bytes goes over as { id, kind: 'tooLarge' }.
// Requests that arrive in one turn of this thread's event loop go over in one message, and the
// answers come back the same way.
//
// Plain JavaScript: a worker thread does not inherit the TypeScript loader of the process.
//
// Messages out: { type: 'listening', port } | { type: 'failed', message } | { type: 'requests', items }
//               | { type: 'closed' }
// Messages in:  { type: 'replies', items: [{ id, status, json }] | [{ id, status, headers, body }] }
//               { type: 'close' }   stop accepting, answer what is under way, then say 'closed'
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { host, port, jsonLimit, bodyCap, keepAliveTimeoutMs, requestTimeoutMs } = workerData;

/** The send path: the only route this thread recognises (no query string: `$` after the path). */
const SEND = /^\/(?:v\d+\.\d+\/)?(\d{1,20})\/messages\/?$/;
/** The JSON content types the main thread's body parser takes without a question. */
const JSON_TYPE = /^application\/json(?:;\s*charset=utf-8)?$/i;
/** Headers of a buffered answer that this thread sets itself. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

let nextId = 1;
/** Requests handed over: their responses, until the answer comes back or the client goes. */
const waiting = new Map();
let outbox = [];
let transfer = [];
let flushing = false;
let closing = false;

function handOver(item, buffers) {
  outbox.push(item);
  if (buffers) transfer.push(...buffers);
  if (!flushing) {
    flushing = true;
    setImmediate(flush);
  }
}

function flush() {
  flushing = false;
  const items = outbox;
  const list = transfer;
  outbox = [];
  transfer = [];
  if (items.length) parentPort.postMessage({ type: 'requests', items }, list);
}

/** The body's bytes in a buffer of their own (so it can be transferred without touching Node's pool). */
function own(chunks, size) {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function onRequest(req, res) {
  const chunks = [];
  let size = 0;
  let over = false;
  req.on('data', (c) => {
    size += c.length;
    if (size > bodyCap) {
      over = true;
      chunks.length = 0;
    } else chunks.push(c);
  });
  req.on('error', () => {});
  req.on('end', () => {
    const id = nextId++;
    waiting.set(id, res);
    res.on('close', () => waiting.delete(id));
    if (over) return handOver({ id, kind: 'tooLarge' });
    const m = req.method === 'POST' ? SEND.exec(req.url) : null;
    const type = req.headers['content-type'];
    const auth = req.headers.authorization;
    if (m && size > 0 && size <= jsonLimit && type !== undefined && JSON_TYPE.test(type) && auth !== undefined) {
      const text = size === chunks[0]?.length ? chunks[0].toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
      return handOver({ id, kind: 'send', pnid: m[1], auth, text });
    }
    const body = own(chunks, size);
    const headers = { ...req.headers };
    delete headers['transfer-encoding'];
    if (size > 0 || headers['content-length'] !== undefined) headers['content-length'] = String(size);
    handOver({ id, kind: 'http', method: req.method, url: req.url, headers, remoteAddress: req.socket.remoteAddress ?? '127.0.0.1', body }, [body.buffer]);
  });
}

function answer(r) {
  const res = waiting.get(r.id);
  if (!res) return;
  waiting.delete(r.id);
  if (res.destroyed) return;
  if (r.json !== undefined) {
    res.writeHead(r.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(r.json) });
    res.end(r.json);
    return;
  }
  const body = Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength);
  const headers = {};
  for (const [k, v] of Object.entries(r.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
  // A HEAD answer keeps the length of the body it does not carry.
  if (r.headers['content-length'] !== undefined && body.length === 0) headers['content-length'] = r.headers['content-length'];
  else headers['content-length'] = String(body.length);
  res.writeHead(r.status, headers);
  res.end(body);
}

const server = http.createServer({ keepAliveTimeout: keepAliveTimeoutMs, requestTimeout: requestTimeoutMs }, onRequest);
server.on('clientError', (err, socket) => {
  if (socket.writable && !socket.writableEnded) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  else socket.destroy();
});

function maybeClosed() {
  if (closing && waiting.size === 0) parentPort.postMessage({ type: 'closed' });
}

parentPort.on('message', (m) => {
  if (m.type === 'replies') {
    for (const r of m.items) answer(r);
    maybeClosed();
  } else if (m.type === 'close') {
    closing = true;
    server.close();
    server.closeIdleConnections();
    maybeClosed();
  }
});

server.once('error', (err) => parentPort.postMessage({ type: 'failed', message: err.message }));
server.listen({ host, port }, () => parentPort.postMessage({ type: 'listening', port: server.address().port }));
