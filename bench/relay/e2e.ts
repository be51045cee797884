/**
 * `npm run bench:relay -- --e2e` — the cost of end-to-end encryption (MLS, packages/e2e) on the
 * client, and the relay with encrypting clients.
 *
 *   crypto phase: two devices in one MLS group (suite X-Wing/AES-256-GCM/Ed25519), no server;
 *                 one encrypts, the other decrypts, alternating direction, for BENCH_SECONDS →
 *                 messages per second per client core (JavaScript runs on one core).
 *   relay phase:  a real server (port 0, SQLite) and BENCH_E2E_PAIRS pairs of real clients
 *                 (credential, key packages, group set-up through the server's endpoints); each
 *                 pair ping-pongs encrypted messages for BENCH_SECONDS, then the same with
 *                 plaintext → delivered messages per second and process CPU per message (clients
 *                 and server share this process, so compare the two modes, not absolute costs).
 *
 * See docs/performance.md ("End-to-end encryption").
 */
import { performance } from 'node:perf_hooks';
import { assembleCredential, credentialSigningText, E2eDevice, MemoryStore, suite, toBase64, utf8, CIPHERSUITE } from '../../packages/e2e/src/index.js';
import { startServer } from '../../server/test/helpers/server.js';
import { openChat, signIn } from '../../server/test/helpers/clients.js';
import { E2eClient } from '../../server/test/helpers/e2e-client.js';

const seconds = Number(process.env.BENCH_SECONDS ?? (process.env.BENCH_QUICK === '1' ? 3 : 10));
const pairs = Math.max(1, Number(process.env.BENCH_E2E_PAIRS ?? 10));
const TEXT = 'x'.repeat(100);

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function cryptoPhase(): Promise<{ messages: number; perSecond: number; cpuPerMessageMs: number }> {
  const cs = await suite();
  const issuer = await cs.signature.keygen();
  const make = async (deviceId: string) => {
    const d = await E2eDevice.open(new MemoryStore(), issuer.publicKey);
    const text = credentialSigningText({ v: 1, accountId: `acc_${deviceId}`, deviceId, phone: '+15550000', signatureKey: toBase64(d.signaturePublicKey), issuedAt: 0 });
    await d.setCredential(assembleCredential(text, await cs.signature.sign(issuer.signKey, utf8(text))));
    return d;
  };
  const a = await make('a');
  const b = await make('b');
  const [kp] = await b.generateKeyPackages(1);
  const c = await a.prepareCommit('chat_bench', { add: [{ accountId: 'acc_b', deviceId: 'b', keyPackage: kp! }] });
  await a.commitAccepted('chat_bench');
  await b.joinFromWelcome('chat_bench', c.welcome!);
  const payload = { kind: 'text', content: { text: TEXT } };
  let n = 0;
  const t0 = performance.now();
  const c0 = cpuMs();
  while (performance.now() - t0 < seconds * 1000) {
    const [from, to] = n % 2 === 0 ? [a, b] : [b, a];
    const env = await from.encrypt('chat_bench', payload);
    await to.decrypt('chat_bench', 'text', env);
    n++;
  }
  const wall = (performance.now() - t0) / 1000;
  return { messages: n, perSecond: n / wall, cpuPerMessageMs: (cpuMs() - c0) / n };
}

async function relayPhase(): Promise<{ encrypted: { perSecond: number; cpuPerMessageMs: number }; plaintext: { perSecond: number; cpuPerMessageMs: number } }> {
  const server = await startServer({ config: { PARLEY_LOG_LEVEL: 'silent' } });
  try {
    const setups: { a: E2eClient; b: E2eClient; chatId: string }[] = [];
    for (let i = 0; i < pairs; i++) {
      const a = await E2eClient.start(server, await signIn(server), 2);
      const b = await E2eClient.start(server, await signIn(server), 2);
      const chatId = await openChat(server, a.person, b.person);
      if ((await a.reconcile(chatId)) !== 200) throw new Error('group set-up failed');
      await b.waitFor('e2e.welcome');
      setups.push({ a, b, chatId });
    }
    const loop = async (encrypted: boolean) => {
      let delivered = 0;
      const t0 = performance.now();
      const c0 = cpuMs();
      await Promise.all(
        setups.map(async ({ a, b, chatId }) => {
          let turn = 0;
          while (performance.now() - t0 < seconds * 1000) {
            const [from, to] = turn++ % 2 === 0 ? [a, b] : [b, a];
            if (encrypted) {
              const id = await from.send(chatId, { kind: 'text', content: { text: TEXT } });
              const got = await to.receive(id);
              if ('failed' in got) throw new Error(`decrypt failed: ${got.failed}`);
            } else {
              const clientId = `p${Math.random().toString(36).slice(2)}`;
              const reply = await from.ws.request({ type: 'send', chatId, clientId, kind: 'text', content: { text: TEXT } });
              const id = (reply.result as { messageId: string }).messageId;
              from.sent.add(id);
              await to.ws.next((f) => f.type === 'update' && (f.update as { message?: { id: string } }).message?.id === id, 5000);
            }
            delivered++;
          }
        }),
      );
      const wall = (performance.now() - t0) / 1000;
      for (const { a, b } of setups) {
        await a.pump();
        await b.pump();
        a.ws.frames.length = 0;
        b.ws.frames.length = 0;
      }
      return { perSecond: delivered / wall, cpuPerMessageMs: (cpuMs() - c0) / delivered };
    };
    const encrypted = await loop(true);
    const plaintext = await loop(false);
    for (const { a, b } of setups) {
      await a.close();
      await b.close();
    }
    return { encrypted, plaintext };
  } finally {
    await server.close();
  }
}

export async function runE2eBench(): Promise<number> {
  console.log(`End-to-end encryption benchmark: suite ${CIPHERSUITE}, ${seconds} s per phase, ${pairs} pairs in the relay phase.`);
  const crypto = await cryptoPhase();
  console.log(`crypto: ${crypto.messages} messages encrypted and decrypted → ${crypto.perSecond.toFixed(0)} msg/s per client core (${crypto.cpuPerMessageMs.toFixed(2)} ms CPU each)`);
  const relay = await relayPhase();
  console.log(
    `relay:  encrypted ${relay.encrypted.perSecond.toFixed(0)} msg/s (${relay.encrypted.cpuPerMessageMs.toFixed(2)} ms CPU/msg, clients + server); ` +
      `plaintext ${relay.plaintext.perSecond.toFixed(0)} msg/s (${relay.plaintext.cpuPerMessageMs.toFixed(2)} ms CPU/msg)`,
  );
  return 0;
}
