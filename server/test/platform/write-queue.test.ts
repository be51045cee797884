import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

describe('write queue on a SQLite file with synchronous=FULL (pipelined durable commits)', () => {
  let dir: string;
  let database: Database<T>;
  let db: Kysely<T>;
  let published: string[];
  let q: WriteQueue<T, string>;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-wq-'));
    database = openDatabase<T>({ url: '', dataDir: dir });
    db = database.db;
    await sql`create table items (name text primary key)`.execute(db);
    published = [];
    q = new WriteQueue<T, string>(db, { onCommit: (events) => published.push(...events) });
  });
  afterEach(async () => {
    await q.close();
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const insert = (name: string) =>
    q.run(async (tx, emit) => {
      await tx.insertInto('items').values({ name }).execute();
      emit(name);
      return name;
    });

  it('settles every write that trickles in while earlier batches wait for their fsync, in order', async () => {
    // Writes arrive at random moments: some while a batch is being written, some while the
    // pipeline waits for its last fsync, some after it let the connection go.
    const names = Array.from({ length: 600 }, (_, i) => `w${String(i).padStart(4, '0')}`);
    const done: Promise<string>[] = [];
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const name of names) {
      done.push(insert(name));
      const pause = random();
      if (pause < 0.5) await new Promise((r) => setTimeout(r, Math.floor(random() * 3)));
      else if (pause < 0.75) await new Promise((r) => setImmediate(r));
    }
    const settled = await Promise.race([Promise.all(done), new Promise<'stalled'>((r) => setTimeout(() => r('stalled'), 15_000))]);
    expect(settled).toEqual(names);
    expect(published).toEqual(names);
    expect((await db.selectFrom('items').select('name').orderBy('name').execute()).map((r) => r.name)).toEqual(names);
  }, 30_000);

  it('lets a read waiting for the connection in while writes keep coming', async () => {
    let writing = true;
    let n = 0;
    const writes: Promise<string>[] = [];
    const writer = (async () => {
      const until = Date.now() + 600;
      while (Date.now() < until) {
        writes.push(insert(`k${n++}`));
        await new Promise((r) => setImmediate(r));
      }
      writing = false;
    })();
    await new Promise((r) => setTimeout(r, 50));
    // Reads through Kysely wait for the write queue's hold of the connection; they must get it
    // while the writes go on, not once they stop.
    const reads: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      await db.selectFrom('items').select('name').limit(1).execute();
      reads.push(writing);
      await new Promise((r) => setTimeout(r, 20));
    }
    await writer;
    await Promise.all(writes);
    expect(reads).toEqual([true, true, true, true, true]);
    expect(Number((await db.selectFrom('items').select((eb) => eb.fn.countAll().as('c')).executeTakeFirstOrThrow()).c)).toBe(n);
  }, 30_000);
});
