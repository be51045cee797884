import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = path.resolve(import.meta.dirname, '../../bin/parley.js');

describe.skipIf(process.env.PARLEY_TEST_DB === 'postgres')('the parley command', { timeout: 60_000 }, () => {
  it('migrates a fresh database and is idempotent', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cli-'));
    const env = { ...process.env, PARLEY_DATA_DIR: dir, DATABASE_URL: '', PARLEY_LOG_LEVEL: 'silent' };
    const first = spawnSync(process.execPath, [bin, 'migrate'], { env, encoding: 'utf8' });
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/[1-9][0-9]* migration\(s\) applied/);
    const second = spawnSync(process.execPath, [bin, 'migrate'], { env, encoding: 'utf8' });
    expect(second.stdout).toMatch(/0 migration\(s\) applied/);
    expect(fs.existsSync(path.join(dir, 'parley.db'))).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses bad configuration with one line and exit code 2', () => {
    const r = spawnSync(process.execPath, [bin, 'serve'], { env: { ...process.env, PORT: 'eighty' }, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/PORT/);
  });

  it('serves on the configured port and stops cleanly on SIGTERM', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cli-'));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, PORT: String(port), PARLEY_DATA_DIR: dir, DATABASE_URL: '', PARLEY_LOG_LEVEL: 'info' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const deadline = Date.now() + 15000;
    while (!out.includes('server.listening') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await res.json()).toEqual({ ok: true });
    // One JSON object per line whose `msg` is the event's name (a second message argument would add a second `msg` key, which wins when parsed).
    const line = out.split('\n').find((l) => l.includes('server.listening'))!;
    expect((line.match(/"msg":/g) ?? []).length).toBe(1);
    expect(JSON.parse(line)).toMatchObject({ msg: 'server.listening', address: `http://127.0.0.1:${port}`, text: `Parley listening on http://127.0.0.1:${port}` });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('backs up the embedded database while it is in use', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cli-'));
    const env = { ...process.env, PARLEY_DATA_DIR: dir, DATABASE_URL: '', PARLEY_LOG_LEVEL: 'silent' };
    expect(spawnSync(process.execPath, [bin, 'migrate'], { env }).status).toBe(0);
    const copy = path.join(dir, 'copy.db');
    const r = spawnSync(process.execPath, [bin, 'backup', copy], { env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const { default: SQLite } = await import('better-sqlite3');
    const db = new SQLite(copy, { readonly: true });
    const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[];
    expect(tables.map((t) => t.name)).toContain('messages');
    db.close();
    expect(spawnSync(process.execPath, [bin, 'backup'], { env }).status).toBe(2);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints help', () => {
    const r = spawnSync(process.execPath, [bin, 'help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/serve/);
  });

  it('runs as an executable with the same Node flags as `npm start`', () => {
    const start = (JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    const shebang = fs.readFileSync(bin, 'utf8').split('\n')[0]!;
    const flagsOf = (line: string, before: RegExp) => line.replace(before, '').replace(/\s*bin\/parley\.js.*$/, '').trim();
    expect(flagsOf(shebang, /^#!\/usr\/bin\/env -S node/)).toBe(flagsOf(start, /^node/));
    expect(flagsOf(start, /^node/)).toMatch(/--max-semi-space-size=\d+/);
    const r = spawnSync(bin, ['help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/serve/);
  });
});
