// Benchmark instrumentation preloaded into the server under test (`node --expose-gc --import
// ./bench/relay/server-hook.mjs …`); it changes nothing in the server's own code paths.
//
// On SIGUSR2 it runs, in name order, the JSON command files found in BENCH_CTL_DIR (deleting each),
// and answers each by writing JSON to the command's `out` path (atomically: temp file + rename):
//   {"cmd":"gc","out":…}          full GC twice, then process.memoryUsage() — a GC-settled reading;
//   {"cmd":"prof-start","out":…}  start the V8 CPU profiler (node:inspector, in this thread);
//   {"cmd":"prof-stop","out":…}   stop it and write the .cpuprofile to `out`.
//                                With BENCH_HEAP_SAMPLING=1 the V8 sampling heap profiler runs over
//                                the same window, counting objects the GC already freed too, and
//                                its profile is written to BENCH_HEAP_SAMPLING_OUT (what allocates).
//   {"cmd":"sql-stats","out":…}  (with BENCH_SQL_STATS=1) calls and time per SQL statement since
//                                the previous sql-stats, for servers that use better-sqlite3.
// It also exits when orphaned (its parent, the benchmark, died without cleaning up), so no server
// is ever left running.
import fs from 'node:fs';
import process from 'node:process';
import inspector from 'node:inspector';
import { findSourceMap } from 'node:module';
import { countSqlStatements } from '../lib/sql-stats.mjs';
import { setInterval } from 'node:timers';

const ctlDir = process.env.BENCH_CTL_DIR;

// With BENCH_SQL_STATS=1: count calls and wall time of every prepared statement (diagnostic only;
// wrapping adds a little overhead, so the measured runs never enable it).
const sqlStats = process.env.BENCH_SQL_STATS === '1' ? countSqlStatements() : null;
const gc = globalThis.gc;
let session;

function answer(out, value) {
  const tmp = `${out}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value));
  fs.renameSync(tmp, out);
}

function post(method, params) {
  return new Promise((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
}

/** Map call frames of transpiled TypeScript (tsx keeps inline source maps) back to .ts lines. */
function toSourcePositions(profile) {
  const maps = new Map();
  // A CPU profile lists its nodes; a heap profile nests them under `head`.
  const nodes = profile.nodes ?? [];
  if (profile.head) for (const stack = [profile.head]; stack.length > 0; ) {
    const n = stack.pop();
    nodes.push(n);
    stack.push(...n.children);
  }
  for (const node of nodes) {
    const cf = node.callFrame;
    if (!cf.url || !cf.url.startsWith('file:') || cf.url.includes('/node_modules/')) continue;
    if (!maps.has(cf.url)) {
      let map;
      try {
        map = findSourceMap(cf.url);
      } catch {
        map = undefined;
      }
      maps.set(cf.url, map);
    }
    const entry = maps.get(cf.url)?.findEntry(cf.lineNumber, cf.columnNumber);
    if (entry && typeof entry.originalLine === 'number') {
      cf.lineNumber = entry.originalLine;
      cf.columnNumber = entry.originalColumn;
    }
  }
  return profile;
}

async function handle(command) {
  switch (command.cmd) {
    case 'gc':
      if (typeof gc === 'function') {
        gc();
        gc();
      }
      return { gc: typeof gc === 'function', ...process.memoryUsage() };
    case 'prof-start':
      session ??= new inspector.Session();
      try {
        session.connect();
      } catch {
        // already connected
      }
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: command.intervalUs ?? 500 });
      await post('Profiler.start');
      if (process.env.BENCH_HEAP_SAMPLING === '1') {
        await post('HeapProfiler.enable');
        await post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
      }
      return { started: true };
    case 'prof-stop': {
      const { profile } = await post('Profiler.stop');
      await post('Profiler.disable');
      if (process.env.BENCH_HEAP_SAMPLING === '1') {
        const heap = await post('HeapProfiler.stopSampling');
        await post('HeapProfiler.disable');
        if (process.env.BENCH_HEAP_SAMPLING_OUT) fs.writeFileSync(process.env.BENCH_HEAP_SAMPLING_OUT, JSON.stringify(toSourcePositions(heap.profile)));
      }
      return toSourcePositions(profile);
    }
    case 'sql-stats':
      return sqlStats ? sqlStats.take() : [];
    default:
      return { error: `unknown command ${command.cmd}` };
  }
}

let chain = Promise.resolve();
process.on('SIGUSR2', () => {
  if (!ctlDir) return;
  let names;
  try {
    names = fs.readdirSync(ctlDir).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return;
  }
  for (const name of names) {
    const file = `${ctlDir}/${name}`;
    let command;
    try {
      command = JSON.parse(fs.readFileSync(file, 'utf8'));
      fs.rmSync(file);
    } catch {
      continue; // already taken by an earlier signal, or half written (its own signal follows)
    }
    chain = chain.then(() =>
      handle(command).then(
        (value) => answer(command.out, value),
        (err) => answer(command.out, { error: String(err) }),
      ),
    );
  }
});

const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(1);
}, 1000).unref();
