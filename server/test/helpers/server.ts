/**
 * Test helper: a real Parley server on 127.0.0.1, port 0, on a fresh database — SQLite in a temp
 * folder, or a new PostgreSQL database when the suite runs with PARLEY_TEST_DB=postgres.
 *
 * Each fresh database starts as a copy of one already migrated to the latest schema (a SQLite file
 * per test process; a PostgreSQL template database named after a hash of the migrations), so a test
 * pays for a file copy or a CREATE DATABASE … TEMPLATE instead of running every migration. The
 * server still runs the migrator at start, which finds nothing to do.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { buildApp, type ParleyApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import { migrateToLatest } from '../../src/migrations/index.js';
import { openDatabase } from '../../src/platform/db/database.js';
import type { Config } from '../../src/config/schema.js';
import type { CodeSender } from '../../src/domain/accounts/index.js';
import type { ManualClock} from '../../src/platform/clock.js';
import { systemClock, type Clock } from '../../src/platform/clock.js';

/** Captures verification codes instead of sending them. */
export class CapturingCodeSender implements CodeSender {
  readonly codes = new Map<string, string>();
  failNext = false;
  async send(phone: string, code: string): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('provider down');
    }
    this.codes.set(phone, code);
  }
}

export interface TestServer {
  url: string;
  wsUrl: string;
  parley: ParleyApp;
  codes: CapturingCodeSender;
  clock: Clock;
  dataDir: string;
  /** Stop and start again on the same database and media folder. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  clock?: ManualClock;
  config?: Partial<Config>;
}

/** A hash of the migration sources: a template built from other migrations is never reused. */
function schemaHash(): string {
  const dir = path.resolve(import.meta.dirname, '../../src/migrations');
  const h = crypto.createHash('sha256');
  for (const f of fs.readdirSync(dir).sort()) h.update(f).update(fs.readFileSync(path.join(dir, f)));
  return h.digest('hex').slice(0, 16);
}

function withDatabase(base: string, name: string): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

let pgTemplate: Promise<string> | undefined;
/** The migrated PostgreSQL template database, created once per server (an advisory lock serialises the test processes). */
function postgresTemplate(base: string): Promise<string> {
  pgTemplate ??= (async () => {
    const name = `parley_tpl_${schemaHash()}`;
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock(727274)');
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) {
        await client.query(`CREATE DATABASE ${name}`);
        const database = openDatabase({ url: withDatabase(base, name), dataDir: '' });
        try {
          await migrateToLatest(database.db as never);
        } catch (err) {
          await database.close();
          await client.query(`DROP DATABASE ${name}`);
          throw err;
        }
        await database.close();
      }
      await client.query('SELECT pg_advisory_unlock(727274)');
    } finally {
      await client.end();
    }
    return name;
  })();
  return pgTemplate;
}

let sqliteTemplate: string | undefined;
/** The migrated SQLite file of this test process, created on first use and removed at exit. */
async function sqliteTemplateFile(): Promise<string> {
  if (sqliteTemplate) return sqliteTemplate;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-template-'));
  const database = openDatabase({ url: '', dataDir: dir });
  await migrateToLatest(database.db as never);
  await database.close();
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  sqliteTemplate = path.join(dir, 'parley.db');
  return sqliteTemplate;
}

/** A fresh, migrated database: '' (SQLite in `dataDir`, copied from the template) or a PostgreSQL URL. */
async function freshDatabaseUrl(dataDir: string): Promise<string> {
  if (process.env.PARLEY_TEST_DB !== 'postgres') {
    fs.copyFileSync(await sqliteTemplateFile(), path.join(dataDir, 'parley.db'));
    return '';
  }
  const base = process.env.PARLEY_TEST_PG_URL;
  if (!base) throw new Error('PARLEY_TEST_DB=postgres needs PARLEY_TEST_PG_URL');
  const template = await postgresTemplate(base);
  const name = `parley_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  await client.end();
  return withDatabase(base, name);
}

export async function startServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'));
  const databaseUrl = await freshDatabaseUrl(dataDir);
  const config = loadConfig(
    {},
    {
      HOST: '127.0.0.1',
      PORT: 0,
      PARLEY_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      PARLEY_LOG_LEVEL: 'silent',
      PARLEY_ENV: 'test',
      PARLEY_SQLITE_SYNCHRONOUS: 'NORMAL',
      // Media links of Business API sends are served by test servers on 127.0.0.1.
      PARLEY_API_FETCH_ALLOW_PRIVATE: true,
      ...opts.config,
    },
  );
  const codes = new CapturingCodeSender();
  const clock = opts.clock ?? systemClock;
  const logger = pino({ level: process.env.PARLEY_TEST_LOG ?? 'silent' });

  const server = {} as TestServer;
  let port = 0;
  const boot = async () => {
    const parley = await buildApp({ ...config, PORT: port }, { clock, codeSender: codes, logger });
    const url = await parley.listen();
    port = Number(new URL(url).port);
    Object.assign(server, { url, wsUrl: url.replace(/^http/, 'ws') + '/v1/ws', parley });
  };
  await boot();
  Object.assign(server, {
    codes,
    clock,
    dataDir,
    async restart() {
      await server.parley.close();
      // Let clients notice the closed keep-alive sockets before the new server takes the port.
      await new Promise((r) => setTimeout(r, 20));
      await boot();
    },
    async close() {
      await server.parley.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  });
  return server;
}
