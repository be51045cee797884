/**
 * Starts, for the browser tests: an SMS-provider stub on 127.0.0.1 (the server's `http` code
 * sender posts codes to it; tests read them back with GET /codes/<phone>), and a real Parley
 * server (`parley serve`) on a free port with a temporary database. Both stop after the run.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const codes = new Map<string, string>();
  const sms = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/sms') {
      let raw = '';
      req.on('data', (d) => (raw += d));
      req.on('end', () => {
        const { to, code } = JSON.parse(raw) as { to: string; code: string };
        codes.set(to, code);
        res.writeHead(202).end();
      });
      return;
    }
    const m = /^\/codes\/(.+)$/.exec(req.url ?? '');
    const code = m ? codes.get(decodeURIComponent(m[1]!)) : undefined;
    if (code) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ code }));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => sms.listen(0, '127.0.0.1', r));
  const smsUrl = `http://127.0.0.1:${(sms.address() as net.AddressInfo).port}`;

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-'));
  const port = await freePort();
  const root = path.resolve(import.meta.dirname, '../..');
  const server = spawn(process.execPath, [path.join(root, 'bin/parley.js'), 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      PARLEY_DATA_DIR: dataDir,
      DATABASE_URL: '',
      PARLEY_LOG_LEVEL: 'warn',
      PARLEY_CODE_SENDER: 'http',
      PARLEY_CODE_HTTP_URL: `${smsUrl}/sms`,
      PARLEY_AUTH_RATE_PER_MINUTE: '1000',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline || server.exitCode !== null) throw new Error('Parley server did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  process.env.PARLEY_E2E_URL = url;
  process.env.PARLEY_E2E_SMS = smsUrl;
  // The server's data directory: `parley admin create` (helpers.ts createAdmin) runs against it.
  process.env.PARLEY_E2E_DATA_DIR = dataDir;

  return async () => {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    sms.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
