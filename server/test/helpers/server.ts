/**
 * Test helper: a real Parley server on 127.0.0.1, port 0, on a fresh database — SQLite in a temp
 * folder, or a new PostgreSQL database when the suite runs with PARLEY_TEST_DB=postgres.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { buildApp, type ParleyApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
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

async function freshDatabaseUrl(): Promise<string> {
  if (process.env.PARLEY_TEST_DB !== 'postgres') return '';
  const base = process.env.PARLEY_TEST_PG_URL;
  if (!base) throw new Error('PARLEY_TEST_DB=postgres needs PARLEY_TEST_PG_URL');
  const name = `parley_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function startServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'));
  const databaseUrl = await freshDatabaseUrl();
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
