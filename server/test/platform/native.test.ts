import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { WriteQueue } from '../../src/platform/db/write-queue.js';
import { bumpCounter, deferInsert, nativeTx, watchedCache, type NativeTx } from '../../src/platform/db/native.js';
import { prepared } from '../../src/platform/db/prepared.js';

interface T {
  counters: { name: string; n: number };
  log: { name: string; n: number };
}

/** The SQLite fast path inside write-queue transactions: counters in memory, deferred multi-row inserts. */
describe('native SQLite fast path', () => {
  let database: Database<T>;
  let db: Kysely<T>;
  let q: WriteQueue<T, string>;

  beforeEach(async () => {
    database = openDatabase<T>({ url: 'sqlite::memory:', dataDir: '' });
    db = database.db;
    await sql`create table counters (name text primary key, n integer not null)`.execute(db);
    await sql`create table log (name text not null, n integer not null, primary key (name, n))`.execute(db);
    await db.insertInto('counters').values([{ name: 'a', n: 0 }, { name: 'b', n: 10 }]).execute();
    q = new WriteQueue<T, string>(db, { onCommit: () => undefined });
  });
  afterEach(async () => {
    await q.close();
    await database.close();
  });

  function next(t: NativeTx, name: string): number | undefined {
    return bumpCounter(
      t,
      name,
      () => (t.sqlite.prepare('select n from counters where name = ?').get(name) as { n: number } | undefined)?.n,
      (v) => t.sqlite.prepare('update counters set n = ? where name = ?').run(v, name),
    );
  }
  const append = (name: string) =>
    q.run(async (tx) => {
      const t = nativeTx(tx);
      if (!t) throw new Error('expected the fast path');
      const n = next(t, name);
      if (n === undefined) throw new Error(`no counter ${name}`);
      deferInsert(t, 'log', ['name', 'n'], [name, n], 3);
      return n;
    });
  const counters = async () => Object.fromEntries((await db.selectFrom('counters').selectAll().execute()).map((r) => [r.name, r.n]));

  it('is only offered inside write-queue transactions on SQLite', async () => {
    expect(nativeTx(db)).toBeUndefined();
    await db.transaction().execute(async (tx) => expect(nativeTx(tx)).toBeUndefined());
    expect(await q.run(async (tx) => nativeTx(tx) !== undefined)).toBe(true);
  });

  it('counts in memory, writes counters and rows back before commit, in multi-row inserts', async () => {
    const got = await Promise.all([...Array.from({ length: 7 }, () => append('a')), append('b'), append('b')]);
    expect(got).toEqual([1, 2, 3, 4, 5, 6, 7, 11, 12]);
    expect(await counters()).toEqual({ a: 7, b: 12 });
    expect(await db.selectFrom('log').select(['name', 'n']).orderBy('name').orderBy('n').execute()).toHaveLength(9);
    // The next batch continues from the committed values.
    expect(await append('a')).toBe(8);
    expect(await counters()).toEqual({ a: 8, b: 12 });
  });

  it('forgets what a failed batch counted: the re-run ops count again from the committed values', async () => {
    await append('a');
    const ops = [append('a'), append('nobody'), append('a')];
    const settled = await Promise.allSettled(ops);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : null))).toEqual([2, null, 3]);
    expect(await counters()).toEqual({ a: 3, b: 10 });
    expect((await db.selectFrom('log').select('n').where('name', '=', 'a').orderBy('n').execute()).map((r) => r.n)).toEqual([1, 2, 3]);
  });

  it('a deferred insert that fails at commit fails its operation alone and leaves the counter untouched', async () => {
    await db.insertInto('log').values({ name: 'b', n: 11 }).execute();
    const settled = await Promise.allSettled([append('a'), append('b')]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected']);
    expect(await counters()).toEqual({ a: 1, b: 10 });
    expect(await append('a')).toBe(2);
  });

  it('prepared queries run natively inside the transaction and roll back with it', async () => {
    const bump = prepared((d: Kysely<T>, p) =>
      d
        .updateTable('counters')
        .set((eb) => ({ n: eb('n', '+', 1) }))
        .where('name', '=', p('name'))
        .returning('n'),
    );
    expect(await q.run((tx) => bump(tx, { name: 'b' }))).toEqual([{ n: 11 }]);
    await expect(
      q.run(async (tx) => {
        await bump(tx, { name: 'b' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await counters()).toEqual({ a: 0, b: 11 });
  });
});

/** synchronous=FULL on a file database: commits are made durable by an fdatasync of the WAL off the event loop. */
describe('durable commit off the event loop', () => {
  let dir: string;
  let database: Database<T>;
  let db: Kysely<T>;
  let q: WriteQueue<T, string>;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-native-'));
    database = openDatabase<T>({ url: '', dataDir: dir, sqliteSynchronous: 'FULL' });
    db = database.db;
    await sql`create table counters (name text primary key, n integer not null)`.execute(db);
    await db.insertInto('counters').values({ name: 'a', n: 0 }).execute();
    q = new WriteQueue<T, string>(db, { onCommit: () => undefined });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await q.close();
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const bump = () => q.run((tx) => sql`update counters set n = n + 1 where name = 'a'`.execute(tx));
  const n = async () => (await db.selectFrom('counters').select('n').executeTakeFirstOrThrow()).n;

  it('syncs the WAL file before the operations settle, and nothing reads the batch before that', async () => {
    const order: string[] = [];
    const real = fs.fdatasync;
    const spy = vi.spyOn(fs, 'fdatasync').mockImplementation(((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
      order.push('fdatasync start');
      setTimeout(() => real(fd, (err) => (order.push('fdatasync done'), cb(err))), 30);
    }) as typeof fs.fdatasync);
    const write = bump().then(() => order.push('op settled'));
    await new Promise((r) => setImmediate(r)); // the batch is running
    const read = n().then((v) => (order.push(`read ${v}`), v));
    await Promise.all([write, read]);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(order).toEqual(['fdatasync start', 'fdatasync done', 'op settled', 'read 1']);
    // The connection is back to synchronous=FULL (2) for everything outside the write queue.
    expect(await sql<{ synchronous: number }>`pragma synchronous`.execute(db).then((r) => r.rows[0]!.synchronous)).toBe(2);
  });

  it('checkpoints the WAL every 10,000 pages by default, or as configured', async () => {
    const pages = async (d: Kysely<T>) => (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(d)).rows[0]!.wal_autocheckpoint;
    expect(await pages(db)).toBe(10_000);
    const other = openDatabase<T>({ url: '', dataDir: path.join(dir, 'other'), sqliteCheckpointPages: 2_500 });
    try {
      expect(await pages(other.db)).toBe(2_500);
    } finally {
      await other.close();
    }
  });

  it('runs the next batch while the previous batch\'s fsync is under way, settles them in order, and lets readers see neither before both are durable', async () => {
    const order: string[] = [];
    const real = fs.fdatasync;
    let syncs = 0;
    vi.spyOn(fs, 'fdatasync').mockImplementation(((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
      const k = ++syncs;
      order.push(`sync ${k} start`);
      setTimeout(() => real(fd, (err) => (order.push(`sync ${k} done`), cb(err))), 30);
    }) as typeof fs.fdatasync);
    const write = (k: number) =>
      q
        .run(async (tx) => {
          order.push(`op ${k}`);
          await sql`update counters set n = n + 1 where name = 'a'`.execute(tx);
        })
        .then(() => order.push(`op ${k} settled`));
    const first = write(1);
    await new Promise((r) => setImmediate(r)); // batch 1 is committed; its fsync runs
    expect(order).toEqual(['op 1', 'sync 1 start']);
    const second = write(2);
    const read = n().then((v) => order.push(`read ${v}`));
    await Promise.all([first, second, read]);
    const at = (e: string) => order.indexOf(e);
    expect(at('op 2')).toBeLessThan(at('sync 1 done')); // batch 2 ran during batch 1's fsync
    // One fsync at a time: batch 2's starts once batch 1's is over.
    expect(at('sync 2 start')).toBeGreaterThan(at('sync 1 done'));
    expect(at('op 1 settled')).toBeGreaterThan(at('sync 1 done'));
    expect(at('op 2 settled')).toBeGreaterThan(at('sync 2 done'));
    expect(at('op 2 settled')).toBeGreaterThan(at('op 1 settled'));
    expect(order.at(-1)).toBe('read 2');
  });

  it('runs one fsync at a time: the batches committed during one share the next, and every batch is settled after an fsync that began after its commit', async () => {
    const events: string[] = [];
    const real = fs.fdatasync;
    let running = 0;
    let most = 0;
    let syncs = 0;
    vi.spyOn(fs, 'fdatasync').mockImplementation(((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
      const k = ++syncs;
      most = Math.max(most, ++running);
      events.push(`sync ${k} start`);
      setTimeout(() => real(fd, (err) => (running--, events.push(`sync ${k} done`), cb(err))), 20);
    }) as typeof fs.fdatasync);
    // A batch per event-loop turn for a while: many batches commit during each fsync.
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 12; i++) {
      const k = i;
      writes.push(
        q
          .run(async (tx) => {
            events.push(`commit ${k}`);
            await sql`update counters set n = n + 1 where name = 'a'`.execute(tx);
          })
          .then(() => events.push(`settled ${k}`)),
      );
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(writes);
    expect(await n()).toBe(12);
    expect(most).toBe(1);
    expect(syncs).toBeLessThan(12);
    for (let k = 0; k < 12; k++) {
      // The fsync that made batch k durable: the last one done before it settled, which started after its commit.
      const settledAt = events.indexOf(`settled ${k}`);
      const lastDone = events.slice(0, settledAt).filter((e) => e.endsWith(' done')).at(-1)!;
      const started = events.indexOf(lastDone.replace(' done', ' start'));
      expect(started, `batch ${k}`).toBeGreaterThan(events.indexOf(`commit ${k}`));
    }
  });

  it('keeps the connection from batch to batch while nobody waits for it', async () => {
    const real = fs.fdatasync;
    vi.spyOn(fs, 'fdatasync').mockImplementation(((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
      setTimeout(() => real(fd, cb), 5);
    }) as typeof fs.fdatasync);
    // Each hold of the connection by the queue is one call of db.connection().
    const holds = vi.spyOn(db, 'connection');
    // Each write queues the next one: 12 batches in a row, one per event-loop turn.
    const all: Promise<unknown>[] = [];
    const chain = (k: number): Promise<unknown> =>
      q.run(async (tx) => {
        if (k < 12) all.push(chain(k + 1));
        await sql`update counters set n = n + 1 where name = 'a'`.execute(tx);
      });
    all.push(chain(1));
    while (all.length < 12) await new Promise((r) => setTimeout(r, 2));
    await Promise.all(all);
    expect(await n()).toBe(12);
    expect(holds).toHaveBeenCalledTimes(1);
  });

  it('a failed fsync also fails the batch that ran during it, and neither runs again', async () => {
    const real = fs.fdatasync;
    let syncs = 0;
    vi.spyOn(fs, 'fdatasync').mockImplementation(((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
      if (++syncs === 1) setTimeout(() => cb(Object.assign(new Error('EIO'), { code: 'EIO' })), 30);
      else real(fd, cb);
    }) as typeof fs.fdatasync);
    const first = bump();
    await new Promise((r) => setImmediate(r));
    const second = bump();
    const settled = await Promise.allSettled([first, second]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(String((settled[0] as PromiseRejectedResult).reason)).toMatch(/fsync of the SQLite WAL failed: EIO/);
    expect(String((settled[1] as PromiseRejectedResult).reason)).toMatch(/fsync of the SQLite WAL failed for an earlier batch/);
    expect(await n()).toBe(2); // applied once each, never re-run
    // The next write, in a new run of the queue, is durable again.
    await bump();
    expect(await n()).toBe(3);
  });

  it('lets readers in between runs of batches while writes keep coming', async () => {
    const real = fs.fdatasync;
    vi.spyOn(fs, 'fdatasync').mockImplementation(((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
      setTimeout(() => real(fd, cb), 5);
    }) as typeof fs.fdatasync);
    // Each write queues the next one: 20 batches in a row, the queue never empty.
    const all: Promise<unknown>[] = [];
    const chain = (k: number): Promise<unknown> =>
      q.run(async (tx) => {
        if (k < 20) all.push(chain(k + 1));
        await sql`update counters set n = n + 1 where name = 'a'`.execute(tx);
      });
    all.push(chain(1));
    await new Promise((r) => setImmediate(r));
    const seen = await n();
    expect(seen).toBeLessThan(20);
    while (all.length < 20) await new Promise((r) => setTimeout(r, 5));
    await Promise.all(all);
    expect(await n()).toBe(20);
  });

  it('a failed fsync fails the batch without running its operations again', async () => {
    vi.spyOn(fs, 'fdatasync').mockImplementation(((_fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
      setImmediate(() => cb(Object.assign(new Error('EIO'), { code: 'EIO' })));
    }) as typeof fs.fdatasync);
    const settled = await Promise.allSettled([bump(), bump()]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(String((settled[0] as PromiseRejectedResult).reason)).toMatch(/fsync of the SQLite WAL failed/);
    expect(await n()).toBe(2); // applied once each, never re-run
  });
  it('keeps watched caches until a statement that may change their rows runs, or a transaction rolls back', async () => {
    await sql`create table settings (name text primary key, flag integer not null, hits integer not null default 0)`.execute(db);
    await sql`insert into settings (name, flag) values ('a', 1)`.execute(db);
    // A cached read of settings.flag: 'load' counts the reads that reached the database.
    let loads = 0;
    const flagOf = (name: string) =>
      q.run(async (tx) => {
        const map = watchedCache<number>(nativeTx(tx)!, 'settings.flag', 'settings', ['flag']);
        let v = map.get(name);
        if (v === undefined) {
          loads++;
          v = (nativeTx(tx)!.sqlite.prepare('select flag from settings where name = ?').get(name) as { flag: number }).flag;
          map.set(name, v);
        }
        return v;
      });
    expect([await flagOf('a'), await flagOf('a'), loads]).toEqual([1, 1, 1]);
    // Writes that cannot change the cached column, or to another table, keep the copy.
    await sql`update settings set hits = hits + 1 where name = 'a'`.execute(db);
    await db.updateTable('counters').set({ n: 5 }).where('name', '=', 'a').execute();
    expect([await flagOf('a'), loads]).toEqual([1, 1]);
    // Any writer of the column, through Kysely or raw SQL, outside the queue or in it: read again.
    await db.updateTable('settings' as never).set({ flag: 0 } as never).where('name' as never, '=', 'a' as never).execute();
    expect([await flagOf('a'), loads]).toEqual([0, 2]);
    await q.run(async (tx) => sql`insert into settings (name, flag) values ('b', 1)`.execute(tx));
    expect([await flagOf('a'), loads]).toEqual([0, 3]);
    // A rollback drops everything read meanwhile: here the undone flag 7, cached inside the transaction.
    const undone = q.run(async (tx) => {
      await sql`update settings set flag = 7 where name = 'a'`.execute(tx);
      const t = nativeTx(tx)!;
      watchedCache<number>(t, 'settings.flag', 'settings', ['flag']).set('a', (t.sqlite.prepare('select flag from settings where name = ?').get('a') as { flag: number }).flag);
      throw new Error('undo');
    });
    await expect(undone).rejects.toThrow('undo');
    expect([await flagOf('a'), loads]).toEqual([0, 4]);
  });
});
