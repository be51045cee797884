/**
 * @module cli
 * The `parley` executable: runs the command named by its arguments (cli-commands.ts) with this
 * process's environment, standard input and output, and exits with its code.
 */
import { runCli } from './cli-commands.js';

runCli(process.argv.slice(2), {
  env: process.env,
  out: (line) => console.log(line),
  err: (line, prompt) => (prompt ? process.stderr.write(line) : console.error(line)),
  stdin: process.stdin,
}).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
