/**
 * @module cli
 * The `parley` command: `parley serve`, `parley migrate`, `parley help`.
 */
import { loadConfig, ConfigError } from './config/load.js';
import { buildApp, createLogger } from './app.js';
import { openDatabase } from './platform/db/database.js';
import { migrateToLatest } from './migrations/index.js';

const USAGE = `Usage: parley <command>

Commands:
  serve     Start the server (HTTP API, WebSocket and web app) on HOST:PORT.
  migrate   Create or upgrade the database schema, then exit.
  backup <file>
            Write a consistent copy of the embedded SQLite database to <file> (safe while the
            server runs). For PostgreSQL use pg_dump.
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
    default:
      console.error(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
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
