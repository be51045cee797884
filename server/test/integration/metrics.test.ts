import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { openChat, signIn, WsClient } from '../helpers/clients.js';

describe('Prometheus metrics', () => {
  let server: TestServer;
  afterEach(() => server.close());

  it('counts stored messages, frames and connections', async () => {
    // Durable commits, as shipped: on SQLite the WAL fsyncs are timed too.
    server = await startServer({ config: { PARLEY_SQLITE_SYNCHRONOUS: 'FULL' } });
    const alice = await signIn(server);
    const bob = await signIn(server);
    const chatId = await openChat(server, alice, bob);
    const a = await WsClient.connect(server, alice.token);
    await a.request({ type: 'send', chatId, clientId: 'm1', kind: 'text', content: { text: 'one' } });
    await a.request({ type: 'send', chatId, clientId: 'm1', kind: 'text', content: { text: 'one' } });
    await a.request({ type: 'teleport' });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/^parley_messages_stored_total 1$/m);
    expect(text).toMatch(/^parley_ws_connections 1$/m);
    expect(text).toMatch(/^parley_ws_frames_received_total\{type="send"\} 2$/m);
    expect(text).toMatch(/^parley_ws_frame_errors_total\{code="FRAME_UNKNOWN_TYPE"\} 1$/m);
    expect(text).toMatch(/^parley_process_cpu_seconds_total /m);
    expect(text).toMatch(/^parley_nodejs_eventloop_lag_max_seconds /m);
    // SQLite only: every committed write transaction's COMMIT is timed (the send, the chat, the sign-ins…).
    if (server.parley.ctx.dialect === 'sqlite') {
      const commits = Number(/^parley_sqlite_commit_seconds_count (\d+)$/m.exec(text)?.[1]);
      expect(commits).toBeGreaterThanOrEqual(2);
      expect(Number(/^parley_sqlite_commit_seconds_bucket\{le="\+Inf"\} (\d+)$/m.exec(text)?.[1])).toBe(commits);
      // Each durable commit's WAL fsync, in the thread pool.
      expect(Number(/^parley_sqlite_wal_sync_seconds_count (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(2);
    }
    await a.close();
  });

  it('can require a token', async () => {
    server = await startServer({ config: { PARLEY_METRICS_TOKEN: 's3cret' } });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
  });
});
