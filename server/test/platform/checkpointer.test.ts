import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { WriteQueue } from '../../src/platform/db/write-queue.js';

interface T {
  blobs: { id: number; body: string };
}

/** WAL checkpoints in a worker thread (platform/db/checkpointer.ts), on a real database file. */
describe('WAL checkpointer', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  async function open(): Promise<{ database: Database<T>; file: string; q: WriteQueue<T, never> }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-ckpt-'));
    dirs.push(dir);
    const database = openDatabase<T>({ url: '', dataDir: dir });
    await sql`create table blobs (id integer primary key, body text not null)`.execute(database.db);
    return { database, file: path.join(dir, 'parley.db'), q: new WriteQueue<T, never>(database.db, { onCommit: () => undefined }) };
  }
  const size = (f: string) => fs.statSync(f, { throwIfNoEntry: false })?.size ?? 0;

  it('copies the WAL back into the database file from another thread once the WAL grows, and stops cleanly on close', async () => {
    const { database, file, q } = await open();
    const before = size(file);
    // About 2.4 MiB in 120 commits (some 600 WAL pages): below SQLite's own automatic checkpoint (1,000 pages, 4 MiB), which would otherwise copy nothing yet.
    const body = 'x'.repeat(15_000);
    for (let i = 0; i < 120; i++) await q.run((tx) => tx.insertInto('blobs').values({ id: i, body }).execute());
    const deadline = Date.now() + 5000;
    while (size(file) < before + 2 ** 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(size(file)).toBeGreaterThan(before + 2 ** 20);
    expect(size(`${file}-wal`)).toBeLessThan(16 * 2 ** 20);

    await q.close();
    await database.close();
    // The last connection to close checkpoints and removes the WAL: the worker's connection closed first.
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const reopened = openDatabase<T>({ url: '', dataDir: path.dirname(file) });
    expect((await sql<{ n: number }>`select count(*) as n from blobs`.execute(reopened.db)).rows[0]!.n).toBe(120);
    await reopened.close();
  });

  it('starts no thread for a small database', async () => {
    const { database, file, q } = await open();
    const before = size(file);
    for (let i = 0; i < 50; i++) await q.run((tx) => tx.insertInto('blobs').values({ id: i, body: 'small' }).execute());
    await new Promise((r) => setTimeout(r, 200));
    expect(size(file)).toBe(before);
    await q.close();
    await database.close();
  });
});
