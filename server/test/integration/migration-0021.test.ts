import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startServer, type TestServer } from '../helpers/server.js';
import * as m0021 from '../../src/migrations/0021_partial_media_index.js';

describe('migration 0021: the index of messages by media holds only messages with media', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server.close());

  it('is partial after it, full after its down, and media lookups use it either way', async () => {
    const db = server.parley.ctx.db;
    const sqlite = server.parley.ctx.dialect === 'sqlite';
    const definition = async () =>
      sqlite
        ? (await sql<{ sql: string }>`select sql from sqlite_master where name = 'messages_media'`.execute(db)).rows[0]!.sql
        : (await sql<{ indexdef: string }>`select indexdef from pg_indexes where indexname = 'messages_media'`.execute(db)).rows[0]!.indexdef;
    const plan = async () => (await sql<{ detail: string }>`explain query plan select id from messages where media_id = ${'med_x'}`.execute(db)).rows.map((r) => r.detail).join(' ');
    expect(await definition()).toMatch(/where \(?"?media_id"? is not null\)?/i);
    if (sqlite) expect(await plan()).toMatch(/USING INDEX messages_media/);

    await m0021.down(db as never);
    expect(await definition()).not.toMatch(/is not null/i);
    await m0021.up(db as never);
    expect(await definition()).toMatch(/where \(?"?media_id"? is not null\)?/i);
    if (sqlite) expect(await plan()).toMatch(/USING INDEX messages_media/);
  });
});
