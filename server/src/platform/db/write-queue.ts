/**
 * @module platform/db/write-queue
 * Group commit: every write operation is queued and the queue runs all operations that arrived
 * during one event-loop turn in a single transaction, so one commit (one fsync) covers many
 * messages. An operation's promise settles only after its transaction committed, and the events
 * it emitted are handed to `onCommit` only then: no client hears of a write that was rolled back.
 *
 * If a batch fails, each of its operations is run again alone in its own transaction, so one bad
 * operation never takes the others down. Operations must therefore be safe to run again from the
 * start (they re-read what they need inside the transaction).
 *
 * On SQLite with synchronous=FULL the queue makes commits durable itself, off the event loop: it
 * commits without an fsync and syncs the WAL file in the thread pool, and runs the next batch while
 * that fsync is under way (see {@link WriteQueue.flushDurable}).
 */
import type { Kysely, Transaction } from 'kysely';
import { commitNativeTx, DurabilityError, nativeDatabase, registerNativeTx, syncWal, type NativeSqlite, type NativeState, type NativeTx } from './native.js';

export type Emit<E> = (event: E) => void;

/**
 * Durable SQLite commits: batches run while the previous batch's fsync is under way. After this
 * many batches the connection is let go if anyone waits for it (a read outside the queue)...
 */
const PIPELINE_DEPTH = 4;
/** ...and after this many in any case (a bound on how long the queue keeps the connection). */
const PIPELINE_MAX = 64;

/** The error of a batch written after one whose fsync failed: it may be lost with it. */
const earlierSyncFailed = () => new DurabilityError('fsync of the SQLite WAL failed for an earlier batch written just before this one');

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
export type WriteOp<DB, E, R> = (tx: Transaction<DB>, emit: Emit<E>) => Promise<R>;

interface Pending<DB, E> {
  op: WriteOp<DB, E, unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export interface WriteQueueOptions<E> {
  onCommit(events: E[]): void;
  /** Largest number of operations in one transaction. */
  maxBatch?: number;
  /** Called with the size of each committed batch (metrics). */
  onBatch?(size: number): void;
  /**
   * SQLite: called with how long each COMMIT held the event loop, in seconds (the WAL writes, and
   * a checkpoint when one runs; the durable path's fsync runs off the event loop and is not in it).
   */
  onCommitTime?(seconds: number): void;
  /** SQLite with synchronous=FULL: called with how long each WAL fsync took, in seconds (in the thread pool; the batch's writers wait for it). */
  onSyncTime?(seconds: number): void;
}

export class WriteQueue<DB, E> {
  private queue: Pending<DB, E>[] = [];
  private running = false;
  private scheduled = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private readonly maxBatch: number;
  /** SQLite: the native connection (fast path, see ./native.ts) and the state kept in memory for it. */
  private readonly native: NativeSqlite | undefined;
  private readonly nativeState: NativeState = { committed: new Map() };

  constructor(
    private readonly db: Kysely<DB>,
    private readonly opts: WriteQueueOptions<E>,
  ) {
    this.maxBatch = opts.maxBatch ?? 512;
    this.native = nativeDatabase(db);
  }

  /**
   * Run `body` in one transaction; on SQLite it is registered for the native fast path. Used when
   * commits are not made durable by the queue itself (PostgreSQL, or SQLite without a WAL file to
   * sync); otherwise see {@link flushDurable}.
   */
  private async transaction<R>(body: (tx: Transaction<DB>) => Promise<R>): Promise<R> {
    const native = this.native;
    if (!native) return this.db.transaction().execute(body);
    let result: R | undefined;
    const t = await this.nativeTransaction(this.db, native, async (tx) => {
      result = await body(tx);
    });
    commitNativeTx(t);
    return result as R;
  }

  /** Queue a write; resolves with its result after commit. */
  run<R>(op: WriteOp<DB, E, R>): Promise<R> {
    if (this.closed) return Promise.reject(new Error('write queue closed'));
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ op: op as WriteOp<DB, E, unknown>, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Resolves once everything queued so far has been committed. */
  async drain(): Promise<void> {
    if (!this.running && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    await this.drain();
    this.closed = true;
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const native = this.native;
      while (this.queue.length > 0) {
        if (native?.walPath !== undefined) await this.flushDurable(native);
        else await this.runBatch(this.queue.splice(0, this.maxBatch));
        // One event-loop turn before the next batch: the frames this batch answered leave first
        // (sockets are uncorked in the check phase) and what arrived meanwhile joins the next batch.
        if (this.queue.length > 0) await nextTurn();
      }
    } finally {
      this.running = false;
      if (this.queue.length > 0) this.schedule();
      else for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /**
   * Durable commits on SQLite, pipelined: a batch commits with synchronous=NORMAL, the WAL's fsync
   * starts in the thread pool, and while it runs the next batch (what arrived meanwhile) executes
   * and commits on the same connection. A batch settles once an fsync begun after its commit is
   * done and every batch before it has settled. The connection is held from the first BEGIN to the last fsync, so nothing
   * outside the queue reads a batch before it is durable (but for the reads a request makes ahead of
   * its own write: see `prepared(...).ahead`); it is let go as soon as no write is waiting, after
   * {@link PIPELINE_DEPTH} batches when a reader waits for it (so readers get a turn while writes
   * keep coming), and after {@link PIPELINE_MAX} in any case. At most one fsync runs at a time
   * (see {@link syncOrFail}).
   *
   * A failed fsync fails its batch and every later batch of the same run (they were written after
   * it in the same file and may be lost with it), without running their operations again.
   */
  private async flushDurable(native: NativeSqlite): Promise<void> {
    await this.db.connection().execute(async (conn) => {
      native.pragma('synchronous = NORMAL');
      // Settles the batch before the current one; resolves false when an fsync so far failed.
      let previous: Promise<boolean> = Promise.resolve(true);
      try {
        for (let round = 0; round < PIPELINE_MAX; round++) {
          // What arrived while the previous batch ran is read from the sockets in this turn.
          if (round > 0) await nextTurn();
          if (this.queue.length === 0 || (round >= PIPELINE_DEPTH && native.waitingForConnection() > 0)) break;
          previous = (await this.commitDurable(conn, native, this.queue.splice(0, this.maxBatch), previous)).settled;
        }
      } finally {
        try {
          await previous;
        } finally {
          native.pragma('synchronous = FULL');
        }
      }
    });
  }

  /**
   * Run `batch` in one transaction (see {@link flushDurable}). Resolves once it committed, with
   * `settled`: the promise that settles its operations after its fsync (wrapped, so that awaiting
   * the commit does not wait for the fsync).
   */
  private async commitDurable(conn: Kysely<DB>, native: NativeSqlite, batch: Pending<DB, E>[], previous: Promise<boolean>): Promise<{ settled: Promise<boolean> }> {
    const events: E[] = [];
    const results: unknown[] = [];
    let t: NativeTx;
    try {
      t = await this.nativeTransaction(conn, native, async (tx) => {
        for (const p of batch) results.push(await p.op(tx, (e) => events.push(e)));
      });
    } catch (err) {
      // Rolled back: nothing of it is in the file. Settle what came before, then isolate the
      // failure: each operation again on its own (a lone operation's failure is its own).
      let durable = await previous;
      if (batch.length === 1) batch[0]!.reject(err);
      else for (const p of batch) durable = await this.aloneDurable(conn, native, p, durable);
      return { settled: Promise.resolve(durable) };
    }
    commitNativeTx(t);
    const synced = this.syncOrFail(native);
    const settled = (async () => {
      const before = await previous;
      const failure = await synced;
      if (failure || !before) {
        const err = failure ?? earlierSyncFailed();
        for (const p of batch) p.reject(err);
        return false;
      }
      this.settle(batch, events, results);
      return true;
    })();
    return { settled };
  }

  /** One operation in its own durable transaction, after a batch failed (see {@link commitDurable}). */
  private async aloneDurable(conn: Kysely<DB>, native: NativeSqlite, p: Pending<DB, E>, before: boolean): Promise<boolean> {
    const events: E[] = [];
    let result: unknown;
    let t: NativeTx;
    try {
      t = await this.nativeTransaction(conn, native, async (tx) => {
        result = await p.op(tx, (e) => events.push(e));
      });
    } catch (err) {
      p.reject(err);
      return before;
    }
    commitNativeTx(t);
    const failure = await this.syncOrFail(native);
    if (failure || !before) {
      p.reject(failure ?? earlierSyncFailed());
      return false;
    }
    this.settle([p], events, [result]);
    return true;
  }

  /** The WAL fsync under way, and the one that starts after it for the batches committed meanwhile. */
  private syncing: Promise<DurabilityError | undefined> | null = null;
  private nextSync: Promise<DurabilityError | undefined> | null = null;

  /**
   * Make every batch committed so far durable; resolves with the DurabilityError when that failed.
   * At most one fsync runs at a time: the batches committed while one runs share the next one,
   * which starts as soon as it ends (it covers them all: the WAL is written in order). So a deep
   * pipeline never holds more than one of the thread pool's threads.
   */
  private syncOrFail(native: NativeSqlite): Promise<DurabilityError | undefined> {
    if (this.syncing === null) {
      const current = this.startSync(native).finally(() => {
        if (this.syncing === current) this.syncing = null;
      });
      this.syncing = current;
      return current;
    }
    this.nextSync ??= this.syncing.then(() => {
      this.nextSync = null;
      return this.syncOrFail(native);
    });
    return this.nextSync;
  }

  /** One fdatasync of the WAL (counters kept in memory are read again after a failure). */
  private startSync(native: NativeSqlite): Promise<DurabilityError | undefined> {
    const started = performance.now();
    return syncWal(native).then(
      () => {
        this.opts.onSyncTime?.((performance.now() - started) / 1000);
        return undefined;
      },
      (err: unknown) => {
        this.nativeState.committed.clear();
        return err instanceof DurabilityError ? err : new DurabilityError(String(err), { cause: err });
      },
    );
  }

  /** One transaction on `conn` with the native fast path registered; returns its state, to commit once COMMIT succeeded. */
  private async nativeTransaction(conn: Kysely<DB>, native: NativeSqlite, body: (tx: Transaction<DB>) => Promise<void>): Promise<NativeTx> {
    let t: NativeTx | undefined;
    let bodyDone = 0;
    await conn.transaction().execute(async (tx) => {
      t = registerNativeTx(tx, native, this.nativeState);
      await body(tx);
      for (const f of t.beforeCommit.values()) f();
      bodyDone = performance.now();
    });
    this.opts.onCommitTime?.((performance.now() - bodyDone) / 1000);
    return t!;
  }

  private async runBatch(batch: Pending<DB, E>[]): Promise<void> {
    if (batch.length === 1) return this.runAlone(batch[0]!);
    const events: E[] = [];
    const results: unknown[] = [];
    try {
      await this.transaction(async (tx) => {
        for (const p of batch) results.push(await p.op(tx, (e) => events.push(e)));
      });
    } catch {
      // Isolate the failure: run each operation again on its own.
      for (const p of batch) await this.runAlone(p);
      return;
    }
    this.settle(batch, events, results);
  }

  private async runAlone(p: Pending<DB, E>): Promise<void> {
    const events: E[] = [];
    let result: unknown;
    try {
      result = await this.transaction((tx) => p.op(tx, (e) => events.push(e)));
    } catch (err) {
      p.reject(err);
      return;
    }
    this.settle([p], events, [result]);
  }

  /** Committed (and durable): count the batch, publish its events, then settle its operations. */
  private settle(batch: Pending<DB, E>[], events: E[], results: unknown[]): void {
    this.opts.onBatch?.(batch.length);
    this.publish(events);
    batch.forEach((p, i) => p.resolve(results[i]));
  }

  private publish(events: E[]): void {
    if (events.length === 0) return;
    try {
      this.opts.onCommit(events);
    } catch {
      // A failing listener must not turn a committed write into a reported failure.
    }
  }
}
