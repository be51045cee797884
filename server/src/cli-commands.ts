/**
 * @module cli-commands
 * The commands of `parley` (`serve`, `migrate`, `backup`, `admin create`, `api enable|app|token`,
 * `help`), run against an explicit environment and output so that they can be driven in-process.
 * The `parley` executable (cli.ts) runs them with the process's own.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
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
  serve     Start the server (HTTP API, WebSocket and web app) on HOST:PORT
            (and the Business API alone on PARLEY_API_PORT when set).
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

/** Where a command reads its environment and input and writes its output. */
export interface CliIo {
  env: Record<string, string | undefined>;
  /** One line of normal output. */
  out(line: string): void;
  /** One line of error output (or a prompt, without a newline, when `prompt` is set). */
  err(line: string, prompt?: boolean): void;
  stdin: Readable & { isTTY?: boolean };
}

/**
 * Run one `parley` command. Resolves with the exit code, or -1 when the command keeps running
 * (`serve`). Errors that are not the user's reject.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const command = argv[0] ?? 'help';
  if (command === 'help' || command === '--help' || command === '-h') {
    io.out(USAGE);
    return 0;
  }
  let config;
  try {
    config = loadConfig(io.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 2;
    }
    throw err;
  }
  switch (command) {
    case 'serve': {
      const parley = await buildApp(config);
      const address = await parley.listen();
      const apiAddress = parley.apiUrl;
      parley.ctx.log.info({ msg: 'server.listening', address, ...(apiAddress ? { apiAddress } : {}), text: `Parley listening on ${address}${apiAddress ? ` (Business API also on ${apiAddress})` : ''}` });
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
      io.out(`Database is up to date (${(result.results ?? []).length} migration(s) applied).`);
      await database.close();
      return 0;
    }
    case 'backup': {
      const destination = argv[1];
      if (!destination) {
        io.err('Usage: parley backup <file>');
        return 2;
      }
      const database = openDatabase({ url: config.DATABASE_URL, dataDir: config.PARLEY_DATA_DIR });
      try {
        if (!database.backup) {
          io.err('This database is PostgreSQL: back it up with pg_dump (see docs/operations.md).');
          return 2;
        }
        await database.backup(destination);
        io.out(`Backed up to ${destination}.`);
        return 0;
      } finally {
        await database.close();
      }
    }
    case 'admin':
      return adminCommand(config, argv.slice(1), io);
    case 'api':
      return apiCommand(config, argv.slice(1), io);
    default:
      io.err(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

/** The first line of standard input (the password, when PARLEY_ADMIN_PASSWORD is not set). */
async function readFirstLine(io: CliIo, prompt: string): Promise<string> {
  if (io.stdin.isTTY) io.err(prompt, true);
  const rl = createInterface({ input: io.stdin, terminal: false });
  try {
    for await (const line of rl) return line.replace(/\r$/, '');
    return '';
  } finally {
    rl.close();
  }
}

async function adminCommand(config: Config, args: string[], io: CliIo): Promise<number> {
  const usage = 'Usage: parley admin create --username <name>   (password from PARLEY_ADMIN_PASSWORD or standard input)';
  const i = args.indexOf('--username');
  const username = i >= 0 ? args[i + 1] : undefined;
  if (args[0] !== 'create' || !username) {
    io.err(usage);
    return 2;
  }
  // A one-off input of this command, not server configuration: read here, never kept.
  const password = io.env.PARLEY_ADMIN_PASSWORD || (await readFirstLine(io, 'Password: '));
  const parley = await buildApp(config, { logger: createLogger({ ...config, PARLEY_LOG_LEVEL: 'warn' }) });
  try {
    const admin = await createAdmin(parley.ctx, { username, password });
    io.out(`Administrator "${admin.username}" created. Sign in at /admin.`);
    return 0;
  } catch (err) {
    if (isAppError(err)) {
      io.err(err.message);
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

async function apiCommand(config: Config, args: string[], io: CliIo): Promise<number> {
  const usage = [
    'Usage: parley api enable --phone <+E.164>',
    '       parley api app --phone <+E.164> --name <name>',
    '       parley api token --phone <+E.164> --scopes messaging,management [--name <name>]',
  ].join('\n');
  const sub = args[0];
  const phoneArg = option(args, '--phone');
  if (!sub || !['enable', 'app', 'token'].includes(sub) || !phoneArg) {
    io.err(usage);
    return 2;
  }
  if (sub === 'app' && !option(args, '--name')) {
    io.err(usage);
    return 2;
  }
  if (sub === 'token' && !option(args, '--scopes')) {
    io.err(usage);
    return 2;
  }
  const phone = tryNormalizePhone(phoneArg);
  if (!phone) {
    io.err(`"${phoneArg}" is not a phone number in international form (+country code).`);
    return 2;
  }
  const parley = await buildApp(config, { logger: createLogger({ ...config, PARLEY_LOG_LEVEL: 'warn' }) });
  try {
    const account = await parley.ctx.db.selectFrom('accounts').select('id').where('phone', '=', phone).executeTakeFirst();
    if (!account) {
      io.err(`No Parley account has the number ${phone}.`);
      return 2;
    }
    const actor: Actor = { accountId: account.id, deviceId: 'cli' };
    if (sub === 'enable') {
      const state = await enableApi(parley.ctx, actor);
      io.out(`Business API access is on for ${phone}.`);
      io.out(`WABA id:          ${state.wabaId}`);
      for (const n of state.numbers) io.out(`phone_number_id:  ${n.phoneNumberId}`);
    } else if (sub === 'app') {
      const app = await createApp(parley.ctx, actor, { name: option(args, '--name')! });
      io.out(`App "${app.name}" created.`);
      io.out(`App id:      ${app.id}`);
      io.out(`App secret:  ${app.appSecret}`);
      io.out('The app secret signs the webhooks; it is shown this once.');
    } else {
      const scopes = option(args, '--scopes')!.split(',').map((s) => s.trim()).filter(Boolean);
      const name = option(args, '--name');
      const token = await issueToken(parley.ctx, actor, { scopes, ...(name ? { name } : {}) });
      io.out(`Access token "${token.name}" (${token.scopes.join(', ')}), id ${token.id}:`);
      io.out(token.token);
      io.out('It is shown this once and stored hashed; revoke it in the business settings.');
    }
    return 0;
  } catch (err) {
    if (isAppError(err)) {
      io.err(err.message);
      return 2;
    }
    throw err;
  } finally {
    await parley.close();
  }
}
