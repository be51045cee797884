/**
 * @module cli
 * The `parley` command: `parley serve`, `parley migrate`, `parley backup`, `parley admin create`,
 * `parley api enable|app|token`, `parley help`.
 */
import { createInterface } from 'node:readline';
import { loadConfig, ConfigError } from './config/load.js';
import type { Config } from './config/schema.js';
import { buildApp, createLogger } from './app.js';
import { openDatabase } from './platform/db/database.js';
import { migrateToLatest } from './migrations/index.js';
import { createAdmin } from './domain/admin/index.js';
import { createApp, enableApi, issueToken } from './domain/api/index.js';
import { tryNormalizePhone } from './domain/accounts/index.js';
import type { Actor } from './context.js';
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
  api enable --phone <+E.164>
            Turn Business API (Cloud API compatible) access on for the business account with
            this phone number; prints the WABA id and the phone_number_id.
  api app --phone <+E.164> --name <name>
            Create an app of that business; prints the app id and the app secret (shown once).
  api token --phone <+E.164> --scopes messaging,management [--name <name>]
            Issue an access token with those scopes; prints the token (shown once, stored hashed).
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
    case 'api':
      return apiCommand(config, argv.slice(1));
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

/** The value after `--name` in args, or undefined. */
function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function apiCommand(config: Config, args: string[]): Promise<number> {
  const usage = [
    'Usage: parley api enable --phone <+E.164>',
    '       parley api app --phone <+E.164> --name <name>',
    '       parley api token --phone <+E.164> --scopes messaging,management [--name <name>]',
  ].join('\n');
  const sub = args[0];
  const phoneArg = option(args, '--phone');
  if (!sub || !['enable', 'app', 'token'].includes(sub) || !phoneArg) {
    console.error(usage);
    return 2;
  }
  if (sub === 'app' && !option(args, '--name')) {
    console.error(usage);
    return 2;
  }
  if (sub === 'token' && !option(args, '--scopes')) {
    console.error(usage);
    return 2;
  }
  const phone = tryNormalizePhone(phoneArg);
  if (!phone) {
    console.error(`"${phoneArg}" is not a phone number in international form (+country code).`);
    return 2;
  }
  const parley = await buildApp(config, { logger: createLogger({ ...config, PARLEY_LOG_LEVEL: 'warn' }) });
  try {
    const account = await parley.ctx.db.selectFrom('accounts').select('id').where('phone', '=', phone).executeTakeFirst();
    if (!account) {
      console.error(`No Parley account has the number ${phone}.`);
      return 2;
    }
    const actor: Actor = { accountId: account.id, deviceId: 'cli' };
    if (sub === 'enable') {
      const state = await enableApi(parley.ctx, actor);
      console.log(`Business API access is on for ${phone}.`);
      console.log(`WABA id:          ${state.wabaId}`);
      for (const n of state.numbers) console.log(`phone_number_id:  ${n.phoneNumberId}`);
    } else if (sub === 'app') {
      const app = await createApp(parley.ctx, actor, { name: option(args, '--name')! });
      console.log(`App "${app.name}" created.`);
      console.log(`App id:      ${app.id}`);
      console.log(`App secret:  ${app.appSecret}`);
      console.log('The app secret signs the webhooks; it is shown this once.');
    } else {
      const scopes = option(args, '--scopes')!.split(',').map((s) => s.trim()).filter(Boolean);
      const name = option(args, '--name');
      const token = await issueToken(parley.ctx, actor, { scopes, ...(name ? { name } : {}) });
      console.log(`Access token "${token.name}" (${token.scopes.join(', ')}), id ${token.id}:`);
      console.log(token.token);
      console.log('It is shown this once and stored hashed; revoke it in the business settings.');
    }
    return 0;
  } catch (err) {
    if (isAppError(err)) {
      console.error(err.message);
      return 2;
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
