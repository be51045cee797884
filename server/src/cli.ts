/**
 * @module cli
 * The `parley` command: `parley serve`, `parley migrate`, `parley backup`, `parley admin create`,
 * `parley help`.
 */
import { createInterface } from 'node:readline';
import { loadConfig, ConfigError } from './config/load.js';
import type { Config } from './config/schema.js';
import { buildApp, createLogger } from './app.js';
import { openDatabase } from './platform/db/database.js';
import { migrateToLatest } from './migrations/index.js';
import { createAdmin } from './domain/admin/index.js';
import { isAppError } from './errors.js';

const USAGE = `Usage: parley <command>

Commands:
  serve     Start the server (HTTP API, WebSocket and web app) on HOST:PORT.
  migrate   Create or upgrade the database schema, then exit.
  backup <file>
            Write a consistent copy of the embedded SQLite database to <file> (safe while the
            server runs). For PostgreSQL use pg_dump.
  admin create --username <name>
            Create a platform administrator (reviews business verification requests at /admin).
            The password (12 to 256 characters) is read from the PARLEY_ADMIN_PASSWORD
            environment variable, or else from the first line of standard input.
  help      Show this help.

Configuration comes from environment variables; see docs/config.md.`;

async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? 'help';
  if (command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  switch (command) {
    case 'serve': {
      const parley = await buildApp(config);
      const address = await parley.listen();
      parley.ctx.log.info({ msg: 'server.listening', address }, `Parley listening on ${address}`);
      const stop = async (signal: string) => {
        parley.ctx.log.info({ msg: 'server.stopping', signal });
        await parley.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
      return -1; // keep running
    }
    case 'migrate': {
      const log = createLogger(config);
      const database = openDatabase({ url: config.DATABASE_URL, dataDir: config.PARLEY_DATA_DIR });
      const result = await migrateToLatest(database.db);
      for (const r of result.results ?? []) log.info({ msg: 'migration.applied', name: r.migrationName, status: r.status });
      console.log(`Database is up to date (${(result.results ?? []).length} migration(s) applied).`);
      await database.close();
      return 0;
    }
    case 'backup': {
      const destination = argv[1];
      if (!destination) {
        console.error('Usage: parley backup <file>');
        return 2;
      }
      const database = openDatabase({ url: config.DATABASE_URL, dataDir: config.PARLEY_DATA_DIR });
      try {
        if (!database.backup) {
          console.error('This database is PostgreSQL: back it up with pg_dump (see docs/operations.md).');
          return 2;
        }
        await database.backup(destination);
        console.log(`Backed up to ${destination}.`);
        return 0;
      } finally {
        await database.close();
      }
    }
    case 'admin':
      return adminCommand(config, argv.slice(1));
    default:
      console.error(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

/** The first line of standard input (the password, when PARLEY_ADMIN_PASSWORD is not set). */
async function readFirstLine(prompt: string): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(prompt);
  const rl = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of rl) return line.replace(/\r$/, '');
    return '';
  } finally {
    rl.close();
  }
}

async function adminCommand(config: Config, args: string[]): Promise<number> {
  const usage = 'Usage: parley admin create --username <name>   (password from PARLEY_ADMIN_PASSWORD or standard input)';
  const i = args.indexOf('--username');
  const username = i >= 0 ? args[i + 1] : undefined;
  if (args[0] !== 'create' || !username) {
    console.error(usage);
    return 2;
  }
  // A one-off input of this command, not server configuration: read here, never kept.
  const password = process.env.PARLEY_ADMIN_PASSWORD || (await readFirstLine('Password: '));
  const parley = await buildApp(config, { logger: createLogger({ ...config, PARLEY_LOG_LEVEL: 'warn' }) });
  try {
    const admin = await createAdmin(parley.ctx, { username, password });
    console.log(`Administrator "${admin.username}" created. Sign in at /admin.`);
    return 0;
  } catch (err) {
    if (isAppError(err)) {
      console.error(err.message);
      return err.code === 'ADMIN_USERNAME_TAKEN' ? 3 : 2;
    }
    throw err;
  } finally {
    await parley.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
