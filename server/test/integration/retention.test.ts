import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { runMaintenance } from '../../src/workers/maintenance.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, openChat, signIn, WsClient } from '../helpers/clients.js';

describe('update log retention', () => {
  let server: TestServer;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 0, 1));
    server = await startServer({ clock, config: { PARLEY_UPDATE_RETENTION_DAYS: 30 } });
  });
  afterEach(() => server.close());

  it('a device older than the retention gets RESYNC_REQUIRED, then resumes from a fresh fetch', async () => {
    const alice = await signIn(server);
    const bob = await signIn(server);
    const chatId = await openChat(server, alice, bob);
    const a = await WsClient.connect(server, alice.token);
    await a.request({ type: 'send', chatId, clientId: 'old', kind: 'text', content: { text: 'old news' } });
    clock.advance(31 * 86_400_000);
    await a.request({ type: 'send', chatId, clientId: 'new', kind: 'text', content: { text: 'fresh' } });
    const pruned = await runMaintenance(server.parley.ctx);
    expect(pruned.updatesPruned).toBeGreaterThan(0);

    const stale = await WsClient.connect(server, bob.token, { sync: false });
    expect(await stale.request({ type: 'sync', after: 0 })).toMatchObject({ type: 'error', code: 'RESYNC_REQUIRED' });
    // The connection stays usable: fetch, then sync from the fetched cursor.
    const fresh = await api<{ chats: { id: string; lastMessage: { content: { text: string } } }[]; updateSeq: number }>(server, 'GET', '/v1/chats', { token: bob.token });
    expect(fresh.body.chats[0]!.lastMessage.content.text).toBe('fresh');
    expect(await stale.request({ type: 'sync', after: fresh.body.updateSeq })).toMatchObject({ type: 'reply' });
    await a.request({ type: 'send', chatId, clientId: 'live', kind: 'text', content: { text: 'live' } });
    expect((await stale.nextUpdate('message.created')).update.message).toMatchObject({ clientId: 'live' });
    await a.close();
    await stale.close();
  });
});
