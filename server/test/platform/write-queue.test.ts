import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { WriteQueue } from '../../src/platform/db/write-queue.js';

interface T {
  items: { name: string };
}

describe('write queue (group commit)', () => {
  let database: Database<T>;
  let db: Kysely<T>;
  let published: string[][];
  let q: WriteQueue<T, string>;

  beforeEach(async () => {
    database = openDatabase<T>({ url: 'sqlite::memory:', dataDir: '' });
    db = database.db;
    await sql`create table items (name text primary key)`.execute(db);
    published = [];
    q = new WriteQueue<T, string>(db, { onCommit: (events) => published.push(events) });
  });
  afterEach(async () => {
    await q.close();
    await database.close();
  });

  it('commits operations of one turn in one transaction and publishes after commit', async () => {
    const results = await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        q.run(async (tx, emit) => {
          await tx.insertInto('items').values({ name }).execute();
          emit(`created ${name}`);
          return name.toUpperCase();
        }),
      ),
    );
    expect(results).toEqual(['A', 'B', 'C']);
    expect(published).toEqual([['created a', 'created b', 'created c']]);
  });

  it('isolates a failing operation: the others commit, its events are never published', async () => {
    await db.insertInto('items').values({ name: 'taken' }).execute();
    const ops = ['x', 'taken', 'y'].map((name) =>
      q.run(async (tx, emit) => {
        emit(`before ${name}`);
        await tx.insertInto('items').values({ name }).execute();
        return name;
      }),
    );
    const settled = await Promise.allSettled(ops);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const names = (await db.selectFrom('items').select('name').orderBy('name').execute()).map((r) => r.name);
    expect(names).toEqual(['taken', 'x', 'y']);
    expect(published.flat()).toEqual(['before x', 'before y']);
  });

  it('drain waits for queued work', async () => {
    void q.run((tx) => tx.insertInto('items').values({ name: 'late' }).execute());
    await q.drain();
    expect(await db.selectFrom('items').selectAll().execute()).toHaveLength(1);
  });
});
