/**
 * Test helper: runs a `parley` command in this process, with its own environment, standard input
 * and captured output — the code the executable runs (server/test/cli.test.ts starts the
 * executable itself), without paying for a new Node process per command.
 */
import { Readable } from 'node:stream';
import { runCli } from '../../src/cli-commands.js';
import type { TestServer } from './server.js';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export async function runParley(args: string[], env: Record<string, string | undefined>, stdin = ''): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, {
    env,
    out: (line) => (stdout += `${line}\n`),
    err: (line, prompt) => (stderr += prompt ? line : `${line}\n`),
    stdin: Readable.from(stdin ? [stdin] : []),
  });
  return { status, stdout, stderr };
}

/** The environment of a command run against a test server's own database and data folder. */
export function serverEnv(server: TestServer): Record<string, string | undefined> {
  return { ...process.env, PARLEY_DATA_DIR: server.dataDir, DATABASE_URL: server.parley.ctx.config.DATABASE_URL, PARLEY_LOG_LEVEL: 'silent' };
}
