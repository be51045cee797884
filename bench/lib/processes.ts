/**
 * Process, temp-directory and machine helpers shared by the benchmarks: children and temporary
 * directories are tracked and cleaned up on exit, failure or signal; CPU readings from /proc.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { execFileSync, type ChildProcess } from 'node:child_process';

/**
 * The Node flags Parley ships with: those of the `start` script in package.json (between `node`
 * and `bin/parley.js`). The benchmarks start Parley with them, and the baselines too, so that both
 * run on the same V8 settings.
 */
export const SHIPPED_NODE_FLAGS: readonly string[] = (() => {
  const root = new URL('../../package.json', import.meta.url);
  const start = (JSON.parse(fs.readFileSync(root, 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '';
  const m = /^node\s+(.*?)\s*bin\/parley\.js\b/.exec(start);
  return m?.[1] ? m[1].split(/\s+/).filter(Boolean) : [];
})();

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

/** Kill the tracked children and remove the temporary directories now (also runs on exit). */
export function cleanupSync(): void {
  for (const c of children) {
    try {
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
  if (process.env.BENCH_KEEP_TMP === '1') {
    for (const d of tempDirs) console.error(`(BENCH_KEEP_TMP) kept ${d}`);
  } else for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
  tempDirs.clear();
}
process.on('exit', cleanupSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    console.error(`\n${sig}: stopping the benchmark and cleaning up`);
    cleanupSync();
    process.exit(130);
  });
}

/** Kill this child when the benchmark exits. */
export function track(c: ChildProcess): ChildProcess {
  children.add(c);
  c.once('exit', () => children.delete(c));
  return c;
}

/** Remove this directory when the benchmark exits (unless BENCH_KEEP_TMP=1). */
export function trackTempDir(dir: string): string {
  tempDirs.add(dir);
  return dir;
}

export function waitExit(c: ChildProcess, ms: number): Promise<boolean> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    c.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

export async function stopChild(c: ChildProcess, signal: NodeJS.Signals = 'SIGKILL', graceMs = 5000): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  c.kill(signal);
  if (!(await waitExit(c, graceMs))) {
    c.kill('SIGKILL');
    await waitExit(c, 2000);
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: timed out after ${(ms / 1000).toFixed(0)} s`)), ms);
    }),
  ]);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export function logTail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

let clkTck = 100;
try {
  clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // keep 100
}

/** utime+stime of a process (all its threads), in seconds. */
export function cpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/** CPU seconds of a process's main thread alone (its JavaScript thread; NaN where /proc has no such file). */
export function mainThreadCpuSeconds(pid: number): number {
  try {
    return statCpuSeconds(`/proc/${pid}/task/${pid}/stat`);
  } catch {
    return NaN;
  }
}

function statCpuSeconds(file: string): number {
  const stat = fs.readFileSync(file, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  return (Number(fields[11]) + Number(fields[12])) / clkTck;
}

/** Bytes this process passed to write() and read() so far (`/proc/self/io`; 0 where there is none): for a server in-process, its database writes (WAL frames and checkpoints) and reads. */
export function ownIoBytes(): { written: number; read: number } {
  try {
    const text = fs.readFileSync('/proc/self/io', 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    return { written: field('wchar'), read: field('rchar') };
  } catch {
    return { written: 0, read: 0 };
  }
}

/** Busy CPU time of the whole machine (all cores, every process), in seconds. */
export function machineBusySeconds(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  return ((f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0)) / clkTck;
}

export function cpuModel(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}`;
}

/** The commit under test, and whether server code differs from it. */
export function codeVersion(root: string): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'server/src', 'packages', 'bin'], { cwd: root, encoding: 'utf8' }).trim();
    return dirty ? `${head} + uncommitted server changes` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

/** `BENCH_PARLEY_ENV="PARLEY_X=1 PARLEY_Y=2"`: extra settings for the Parley server under test (e.g. to compare a setting's values). */
export function parleyEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (process.env.BENCH_PARLEY_ENV ?? '').split(/\s+/).filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0 || !pair.startsWith('PARLEY_')) throw new Error(`BENCH_PARLEY_ENV: "${pair}" is not PARLEY_NAME=value`);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}
