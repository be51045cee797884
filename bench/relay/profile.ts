/**
 * Summarises a V8 .cpuprofile (as written by the server hook or `node --cpu-prof`): where the
 * server's main thread spent its time, by function (self and inclusive) and by module.
 *
 * Usable alone: `npx tsx bench/relay/profile.ts file.cpuprofile [top]`.
 * Note: better-sqlite3 runs SQL — and the fsync of every commit — synchronously on the main
 * thread, so time blocked in fsync shows up under the native statement call that triggered it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileEntry {
  key: string;
  ms: number;
  pct: number;
}
export interface ProfileSummary {
  totalMs: number;
  /** Coarse attribution of the sampled time (stack patterns; see CATEGORIES). */
  categories: ProfileEntry[];
  idlePct: number;
  gcPct: number;
  topSelf: ProfileEntry[];
  topInclusiveServer: ProfileEntry[];
  byModule: ProfileEntry[];
}

type Stack = CallFrame[]; // leaf first
const inStack = (stack: Stack, pred: (cf: CallFrame) => boolean) => stack.some(pred);
const urlHas = (part: string) => (cf: CallFrame) => cf.url.includes(part);
const fnIs = (name: string, part?: string) => (cf: CallFrame) => cf.functionName === name && (!part || cf.url.includes(part));

/**
 * Buckets for "where does the time go", first match wins. Kysely runs every query of a transaction
 * through a single-connection provider and every other query (autocommit: its own implicit
 * transaction, and with synchronous=FULL its own fsync) through the default one.
 */
const CATEGORIES: [string, (stack: Stack) => boolean][] = [
  ['idle (event loop waiting)', (s) => s[0]!.functionName === '(idle)'],
  ['garbage collection', (s) => s[0]!.functionName === '(garbage collector)'],
  ['benchmark instrumentation (SQL counters of the profiling run)', (s) => s[0]!.url.includes('bench/relay/server-hook')],
  ['SQLite: COMMIT (incl. fsync)', (s) => inStack(s, fnIs('commitTransaction', 'sqlite-driver'))],
  ['SQLite: BEGIN', (s) => inStack(s, fnIs('beginTransaction', 'sqlite-driver'))],
  [
    'SQLite: statements in write-queue transactions (native)',
    (s) => !s[0]!.url && inStack(s, fnIs('executeQuery', 'sqlite-driver')) && inStack(s, urlHas('single-connection-provider')),
  ],
  ['SQLite: autocommit statements outside ctx.writes (native)', (s) => !s[0]!.url && inStack(s, fnIs('executeQuery', 'sqlite-driver'))],
  ['Kysely: building, compiling, result mapping (JS)', (s) => s[0]!.url.includes('/node_modules/kysely/')],
  ['WebSocket: writing frames (ws + socket writes)', (s) => inStack(s, urlHas('/node_modules/ws/lib/sender')) || s[0]!.functionName === 'writev' || s[0]!.functionName === 'writeBuffer'],
  ['WebSocket: reading frames (ws receiver)', (s) => inStack(s, urlHas('/node_modules/ws/lib/receiver'))],
  ['JSON stringify/parse', (s) => !s[0]!.url && (s[0]!.functionName === 'stringify' || s[0]!.functionName === 'parse')],
  ['TypeBox validation', (s) => s[0]!.url.includes('/node_modules/@sinclair/typebox/') || inStack(s, (cf) => cf.functionName === 'Check' && cf.url.includes('typebox'))],
  ['Parley server code (JS self time)', (s) => s[0]!.url.includes('/server/src/') || s[0]!.url.includes('/packages/contracts/')],
  ['Node internals (streams, timers, promises)', (s) => s[0]!.url.startsWith('node:')],
  ['other native / program', () => true],
];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A readable module name for a script url: a server file, an npm package, node internals. */
export function moduleOf(url: string): string {
  if (!url) return '(native)';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  let p = url;
  if (p.startsWith('file://')) p = fileURLToPath(p);
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = p.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  return path.relative(root, p) || p;
}

function label(cf: CallFrame): string {
  const name = cf.functionName || '(anonymous)';
  if (!cf.url) return name;
  return `${name}  ${moduleOf(cf.url)}:${cf.lineNumber + 1}`;
}

/** Sample-weighted self and inclusive times per function key. */
export function summarizeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  for (const n of profile.nodes) byId.set(n.id, n);
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  if (samples.length) {
    // timeDeltas[i] is the time before sample i; attribute the following interval to sample i.
    for (let i = 0; i < samples.length; i++) {
      const dt = deltas[i + 1] ?? 0;
      selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + Math.max(0, dt));
    }
  } else {
    const total = profile.endTime - profile.startTime;
    const hits = profile.nodes.reduce((n, x) => n + (x.hitCount ?? 0), 0) || 1;
    for (const n of profile.nodes) selfUs.set(n.id, ((n.hitCount ?? 0) / hits) * total);
  }
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0) || 1;

  const self = new Map<string, number>();
  const modules = new Map<string, number>();
  let idle = 0;
  let gc = 0;
  for (const n of profile.nodes) {
    const us = selfUs.get(n.id) ?? 0;
    if (!us) continue;
    const name = n.callFrame.functionName;
    if (name === '(idle)') idle += us;
    if (name === '(garbage collector)') gc += us;
    const key = label(n.callFrame);
    self.set(key, (self.get(key) ?? 0) + us);
    const mod = n.callFrame.url ? moduleOf(n.callFrame.url) : name.startsWith('(') ? name : '(native)';
    modules.set(mod, (modules.get(mod) ?? 0) + us);
  }

  // Coarse categories by the stack of each sampled node.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const categories = new Map<string, number>();
  for (const [id, us] of selfUs) {
    if (!us) continue;
    const stack: Stack = [];
    for (let cur: number | undefined = id; cur !== undefined && stack.length < 400; cur = parent.get(cur)) stack.push(byId.get(cur)!.callFrame);
    const hit = CATEGORIES.find(([, pred]) => pred(stack));
    const name = hit ? hit[0] : 'other';
    categories.set(name, (categories.get(name) ?? 0) + us);
  }

  // Inclusive time per server function, counting each function once per stack (recursion-safe).
  const inclusive = new Map<string, number>();
  const rootNode = profile.nodes[0];
  if (rootNode) {
    const sub = new Map<number, number>();
    const order: number[] = [];
    const stack = [rootNode.id];
    while (stack.length) {
      const id = stack.pop()!;
      order.push(id);
      for (const c of byId.get(id)?.children ?? []) stack.push(c);
    }
    for (let i = order.length - 1; i >= 0; i--) {
      const n = byId.get(order[i]!)!;
      let t = selfUs.get(n.id) ?? 0;
      for (const c of n.children ?? []) t += sub.get(c) ?? 0;
      sub.set(n.id, t);
    }
    const active = new Map<string, number>();
    const visit = (id: number) => {
      const n = byId.get(id)!;
      const isServer = n.callFrame.url.includes('/server/src/');
      const key = isServer ? label(n.callFrame) : '';
      if (key) {
        if (!active.get(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + (sub.get(id) ?? 0));
        active.set(key, (active.get(key) ?? 0) + 1);
      }
      for (const c of n.children ?? []) visit(c);
      if (key) active.set(key, active.get(key)! - 1);
    };
    visit(rootNode.id);
  }

  const rank = (m: Map<string, number>, skipIdle = true): ProfileEntry[] =>
    [...m.entries()]
      .filter(([k]) => !(skipIdle && k.startsWith('(idle)')))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, us]) => ({ key, ms: us / 1000, pct: (100 * us) / totalUs }));

  return {
    totalMs: totalUs / 1000,
    categories: [...categories.entries()].sort((a, b) => b[1] - a[1]).map(([key, us]) => ({ key, ms: us / 1000, pct: (100 * us) / totalUs })),
    idlePct: (100 * idle) / totalUs,
    gcPct: (100 * gc) / totalUs,
    topSelf: rank(self),
    topInclusiveServer: rank(inclusive),
    byModule: rank(modules),
  };
}

export function formatProfile(title: string, s: ProfileSummary): string {
  const lines = [`${title}: ${(s.totalMs / 1000).toFixed(1)} s of main-thread time sampled; idle ${s.idlePct.toFixed(1)} %, GC ${s.gcPct.toFixed(1)} %`];
  const table = (heading: string, rows: ProfileEntry[]) => {
    lines.push(`  ${heading}`);
    for (const r of rows) lines.push(`    ${r.pct.toFixed(1).padStart(5)} %  ${r.key}`);
  };
  table('Where the time goes:', s.categories);
  table('Self time by module:', s.byModule);
  table('Self time by function:', s.topSelf);
  table('Inclusive time of server functions (server/src):', s.topInclusiveServer);
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: tsx bench/relay/profile.ts file.cpuprofile [top] [from-seconds] [until-seconds]');
    process.exit(2);
  }
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  // Optional window (seconds since the profile started): e.g. leave out start-up of a whole-process profile.
  const from = Number(process.argv[4] ?? 0) * 1e6;
  const until = process.argv[5] === undefined ? Infinity : Number(process.argv[5]) * 1e6;
  if (from > 0 || until < Infinity) {
    const samples: number[] = [];
    const deltas: number[] = [];
    let t = 0;
    (profile.samples ?? []).forEach((sample, i) => {
      t += profile.timeDeltas?.[i] ?? 0;
      if (t >= from && t <= until) {
        samples.push(sample);
        deltas.push(samples.length === 1 ? 0 : (profile.timeDeltas?.[i] ?? 0));
      }
    });
    profile.samples = samples;
    profile.timeDeltas = deltas;
  }
  console.log(formatProfile(path.basename(file), summarizeProfile(profile, Number(process.argv[3] ?? 20))));
}
