/**
 * @module platform/db/checkpointer
 * WAL checkpoints off the event loop. In WAL mode SQLite appends every commit to the `-wal` file
 * and, by default, copies the WAL back into the database file (a checkpoint: reads, writes and two
 * fsyncs) on the connection that commits once the WAL passes 1,000 pages — on the event loop, inside
 * a COMMIT of the write queue. Here a worker thread with a second connection to the same file runs
 * `PRAGMA wal_checkpoint(PASSIVE)` after commits (at most one per `intervalMs`), so the copy-back
 * uses another core and the event loop does not wait for its fsyncs.
 *
 * Durability does not depend on checkpoints: a commit is durable once its WAL frames are synced
 * (the checkpointing connection syncs the WAL before it copies anything). A PASSIVE checkpoint never
 * blocks the writer. The WAL restarts from its beginning only when the writer starts a transaction
 * after a checkpoint that copied everything, which a worker racing a busy writer rarely achieves; so
 * the main connection keeps an automatic checkpoint at a larger size (`fallbackPages`, 40 MiB): by
 * then the worker has copied nearly all the WAL, the main connection copies the last few pages and
 * the WAL restarts. If the worker falls behind or dies, that checkpoint bounds the WAL. (Under the
 * relay benchmark the WAL takes some 20 KiB per message, 4,000 pages in well under a second.)
 *
 * The worker starts lazily, once the WAL passes `startBytes`, so short-lived databases (tests, CLI
 * commands) never start a thread.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Runs in the worker: a CommonJS script (the worker is started with `eval`). */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const state = new Int32Array(workerData.state); // [0]: a commit since the last checkpoint, [1]: stop
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL'); // in WAL mode: sync the WAL before copying and the database after
while (Atomics.load(state, 1) === 0) {
  Atomics.wait(state, 0, 0);
  if (Atomics.load(state, 1) !== 0) break;
  Atomics.store(state, 0, 0);
  db.pragma('wal_checkpoint(PASSIVE)');
  Atomics.wait(state, 1, 0, workerData.intervalMs);
}
db.close();
`;

export interface CheckpointerOptions {
  /** The database file (in WAL mode). */
  file: string;
  /** Sets the main connection's automatic checkpoint, in pages (`PRAGMA wal_autocheckpoint`). */
  setAutocheckpoint: (pages: number) => void;
  /** Start the worker once the WAL file is larger than this. */
  startBytes?: number;
  /** At most one checkpoint per this many ms. */
  intervalMs?: number;
  /** The main connection's automatic checkpoint while the worker runs. */
  fallbackPages?: number;
}

/** The default automatic checkpoint of SQLite, restored if the worker stops. */
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

export class WalCheckpointer {
  private worker: Worker | undefined;
  private readonly state = new Int32Array(new SharedArrayBuffer(8));
  private commits = 0;
  private stopped = false;
  private exited: Promise<void> = Promise.resolve();
  private readonly walFile: string;

  constructor(private readonly opts: CheckpointerOptions) {
    this.walFile = `${opts.file}-wal`;
  }

  /** Called after every commit of the write queue: wakes the worker (or, before it runs, sometimes checks the WAL's size). */
  committed(): void {
    if (this.worker) {
      if (Atomics.load(this.state, 0) === 0) {
        Atomics.store(this.state, 0, 1);
        Atomics.notify(this.state, 0);
      }
      return;
    }
    if (this.stopped || ++this.commits % 16 !== 0) return;
    let size: number;
    try {
      size = fs.statSync(this.walFile).size;
    } catch {
      return;
    }
    if (size > (this.opts.startBytes ?? 1 << 20)) this.start();
  }

  private start(): void {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), file: this.opts.file, state: this.state.buffer, intervalMs: this.opts.intervalMs ?? 20 },
    });
    worker.unref();
    this.worker = worker;
    this.opts.setAutocheckpoint(this.opts.fallbackPages ?? 10 * SQLITE_DEFAULT_AUTOCHECKPOINT);
    this.exited = new Promise<void>((resolve) => {
      const gone = () => {
        if (this.worker === worker) {
          // The worker failed: the main connection checkpoints as SQLite does by default.
          this.worker = undefined;
          this.stopped = true;
          this.opts.setAutocheckpoint(SQLITE_DEFAULT_AUTOCHECKPOINT);
        }
        resolve();
      };
      worker.once('exit', gone);
      worker.once('error', gone);
    });
  }

  /** Whether the worker runs. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Stop the worker and close its connection (before the main connection closes). */
  async close(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    Atomics.store(this.state, 1, 1);
    Atomics.store(this.state, 0, 1);
    Atomics.notify(this.state, 0);
    Atomics.notify(this.state, 1);
    await this.exited;
  }
}
