/**
 * End-to-end encryption through the real server: devices using packages/e2e over real HTTP and
 * WebSocket clients; the server as directory (credentials, key packages) and delivery service
 * (commit ordering, welcomes, device changes).
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleCredential, credentialSigningText, decryptMedia, E2eDevice, encryptMedia, fromBase64, MemoryStore, suite, toBase64, utf8, type MediaKey } from '../../../packages/e2e/src/index.js';
import { blobPath } from '../../src/domain/media/storage.js';
import type { TestServer } from '../helpers/server.js';
import { api, openChat, signIn, type Person } from '../helpers/clients.js';
import { newBusiness } from '../helpers/business.js';
import { databaseText as dbText, useE2eServer, type E2eClient } from '../helpers/e2e-client.js';
import { download, upload } from '../helpers/media-fixtures.js';

type ErrorBody = { error: { code: string; details?: Record<string, unknown> } };

describe('end-to-end encryption', () => {
  let server!: TestServer;
  const { start, pair } = useE2eServer((s) => (server = s));

  const databaseText = () => dbText(server);

  it('messages decrypt only on the devices in the chat, and the database holds no plaintext', async () => {
    const { alice, bob, chatId } = await pair();
    const marker = 'SECRET-MARKER-7f3a9c';
    const id1 = await alice.send(chatId, { kind: 'text', content: { text: `hello ${marker}` } });
    expect(await bob.receive(id1)).toEqual({ kind: 'text', content: { text: `hello ${marker}` } });
    const id2 = await bob.send(chatId, { kind: 'location', content: { latitude: 48.85, longitude: 2.35, name: `at ${marker}` } });
    expect(await alice.receive(id2)).toMatchObject({ kind: 'location', content: { name: `at ${marker}` } });

    // What the server stores and relays is the envelope.
    const history = await api<{ messages: { id: string; kind: string; content: { e2e?: { ct: string } } }[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: bob.person.token });
    const stored = history.body.messages.find((m) => m.id === id1)!;
    expect(stored.kind).toBe('text');
    expect(stored.content.e2e?.ct).toBeTruthy();

    // Carol is not in the chat: the server does not show it to her, and its ciphertext means nothing to her device.
    const carol = await start(await signIn(server));
    expect((await api<ErrorBody>(server, 'GET', `/v1/e2e/chats/${chatId}`, { token: carol.person.token })).body.error.code).toBe('CHAT_NOT_FOUND');
    await expect(carol.device.decrypt(chatId, 'text', stored.content)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });

    // A plaintext control message proves the search below can find a marker.
    const control = 'PLAINTEXT-CONTROL-55e1';
    expect((await alice.ws.request({ type: 'send', chatId, clientId: 'control', kind: 'text', content: { text: control } })).type).toBe('reply');
    const text = await databaseText();
    expect(text).toContain(control);
    expect(text).not.toContain(marker);
  });

  it("a new device of Bob joins and reads new messages but not old ones; a revoked device cannot read new ones", async () => {
    const { alice, bob, chatId } = await pair();
    const old = await alice.send(chatId, { kind: 'text', content: { text: 'before the new device' } });
    expect(await bob.receive(old)).toMatchObject({ content: { text: 'before the new device' } });

    const bob2 = await start(await signIn(server, bob.person.phone, 'Laptop'));
    expect(bob2.person.accountId).toBe(bob.person.accountId);
    await alice.waitFor('e2e.devices', (u) => u.deviceId === bob2.person.deviceId && u.change === 'added');
    expect(await alice.reconcile(chatId)).toBe(200);
    await bob2.waitFor('e2e.welcome', (u) => u.deviceId === bob2.person.deviceId);
    await bob.waitFor('e2e.commit', (u) => u.epoch === 2);
    expect((await bob2.device.members(chatId)).map((m) => m.deviceId).sort()).toEqual([alice.person.deviceId, bob.person.deviceId, bob2.person.deviceId].sort());

    const fresh = await alice.send(chatId, { kind: 'text', content: { text: 'after the new device' } });
    expect(await bob2.receive(fresh)).toMatchObject({ content: { text: 'after the new device' } });
    expect(await bob.receive(fresh)).toMatchObject({ content: { text: 'after the new device' } });
    // Bob's own devices read each other's messages too.
    const fromBob = await bob.send(chatId, { kind: 'text', content: { text: 'from my phone' } });
    expect(await bob2.receive(fromBob)).toMatchObject({ content: { text: 'from my phone' } });
    // History from before it joined is not decryptable on the new device.
    const history = await api<{ messages: { id: string; kind: string; content: unknown }[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: bob2.person.token });
    const oldStored = history.body.messages.find((m) => m.id === old)!;
    await expect(bob2.device.decrypt(chatId, 'text', oldStored.content)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });

    // Bob revokes the laptop: the others learn it and remove its leaf.
    expect((await api(server, 'DELETE', `/v1/devices/${bob2.person.deviceId}`, { token: bob.person.token })).status).toBe(204);
    await alice.waitFor('e2e.devices', (u) => u.deviceId === bob2.person.deviceId && u.change === 'revoked');
    expect((await api<{ devices: { deviceId: string }[] }>(server, 'GET', `/v1/e2e/chats/${chatId}`, { token: alice.person.token })).body.devices.map((d) => d.deviceId)).not.toContain(bob2.person.deviceId);
    expect(await server.parley.ctx.db.selectFrom('e2e_key_packages').select('id').where('device_id', '=', bob2.person.deviceId).execute()).toEqual([]);
    expect(await alice.reconcile(chatId)).toBe(200);
    await bob.waitFor('e2e.commit', (u) => u.epoch === 3);
    expect((await bob.device.members(chatId)).map((m) => m.deviceId)).not.toContain(bob2.person.deviceId);
    const after = await alice.send(chatId, { kind: 'text', content: { text: 'after the revoke' } });
    expect(await bob.receive(after)).toMatchObject({ content: { text: 'after the revoke' } });
    const afterStored = (await api<{ messages: { id: string; content: unknown }[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: bob.person.token })).body.messages.find((m) => m.id === after)!;
    await expect(bob2.device.decrypt(chatId, 'text', afterStored.content)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
  });

  it("a contact's key change replaces their leaf and gives the chat a notice", async () => {
    const { alice, bob, chatId } = await pair();
    await bob.resetKeys();
    await alice.waitFor('e2e.devices', (u) => u.deviceId === bob.person.deviceId && u.change === 'added');
    expect(await alice.reconcile(chatId)).toBe(200);
    expect(alice.keyNotices).toEqual([{ chatId, accountId: bob.person.accountId, deviceId: bob.person.deviceId }]);
    await bob.waitFor('e2e.welcome', (u) => u.deviceId === bob.person.deviceId && u.epoch === 2);
    expect((await bob.device.members(chatId)).map((m) => m.deviceId).sort()).toEqual([alice.person.deviceId, bob.person.deviceId].sort());
    const id = await alice.send(chatId, { kind: 'text', content: { text: 'with your new key' } });
    expect(await bob.receive(id)).toMatchObject({ content: { text: 'with your new key' } });
    expect(await alice.reconcile(chatId)).toBe(200);
    expect(alice.keyNotices).toHaveLength(1);
  });

  it('a message that failed to decrypt is re-encrypted by its sender device, once per request', async () => {
    const { alice, bob, chatId } = await pair();
    const payload = { kind: 'text', content: { text: 'lost on the way' } };
    // The ciphertext is damaged on its way: Bob's device cannot decrypt it.
    const env = await alice.device.encrypt(chatId, payload);
    const ct = fromBase64(env.e2e.ct);
    ct[ct.length - 1] = ct[ct.length - 1]! ^ 1;
    const sent = await alice.ws.request({ type: 'send', chatId, clientId: 'damaged', kind: 'text', content: { e2e: { ...env.e2e, ct: toBase64(ct) } } });
    const messageId = (sent.result as { messageId: string }).messageId;
    alice.sent.add(messageId);
    expect(await bob.receive(messageId)).toEqual({ failed: 'DECRYPT_FAILED' });

    const ask = () => api<{ requested: boolean }>(server, 'POST', `/v1/e2e/messages/${messageId}/resend`, { token: bob.person.token });
    expect((await ask()).body).toEqual({ requested: true });
    expect((await ask()).body).toEqual({ requested: false });
    await alice.waitFor('e2e.resend', (u) => u.messageId === messageId && u.deviceId === alice.person.deviceId && u.requestedBy === bob.person.deviceId);

    const fresh = await alice.device.encrypt(chatId, payload);
    const byBob = await api<ErrorBody>(server, 'PUT', `/v1/e2e/messages/${messageId}/envelope`, { token: bob.person.token, body: { content: fresh } });
    expect(byBob.body.error.code).toBe('NOT_MESSAGE_AUTHOR');
    const put = await api<{ editedAt: number | null }>(server, 'PUT', `/v1/e2e/messages/${messageId}/envelope`, { token: alice.person.token, body: { content: fresh } });
    expect(put.status).toBe(200);
    expect(put.body.editedAt).toBeNull();
    const updated = await bob.ws.nextUpdate('message.updated');
    expect(await bob.device.decrypt(chatId, 'text', updated.update.message!.content)).toEqual(payload);
  });

  it('hands each key package out once and refuses key packages for another identity', async () => {
    const alice = await start(await signIn(server));
    const bob = await start(await signIn(server), 2);
    const count = async (c: E2eClient) => (await api<{ count: number }>(server, 'GET', '/v1/e2e/key-packages/count', { token: c.person.token })).body.count;
    expect(await count(bob)).toBe(2);
    const claim = () => api<{ devices: { deviceId: string; keyPackage: string | null }[] }>(server, 'POST', '/v1/e2e/key-packages/claim', { token: alice.person.token, body: { accountId: bob.person.accountId } });
    const c1 = await claim();
    const c2 = await claim();
    const c3 = await claim();
    expect(c1.body.devices).toHaveLength(1);
    expect(c1.body.devices[0]!.keyPackage).toBeTruthy();
    expect(c2.body.devices[0]!.keyPackage).toBeTruthy();
    expect(c2.body.devices[0]!.keyPackage).not.toBe(c1.body.devices[0]!.keyPackage);
    expect(c3.body.devices[0]).toMatchObject({ deviceId: bob.person.deviceId, keyPackage: null });
    expect(await count(bob)).toBe(0);

    // Alice uploads Bob's key package as hers: refused, nothing stored.
    const before = await count(alice);
    const stolen = await api<ErrorBody>(server, 'POST', '/v1/e2e/key-packages', { token: alice.person.token, body: { keyPackages: [c1.body.devices[0]!.keyPackage] } });
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toMatchObject({ code: 'E2E_KEY_PACKAGE_INVALID', details: { index: 0 } });
    // A key package with a credential signed by someone else than the server: refused.
    const forged = await forgedKeyPackage(alice.person);
    const mixed = await api<ErrorBody>(server, 'POST', '/v1/e2e/key-packages', { token: alice.person.token, body: { keyPackages: [toBase64((await alice.device.generateKeyPackages(1))[0]!), forged] } });
    expect(mixed.body.error).toMatchObject({ code: 'E2E_KEY_PACKAGE_INVALID', details: { index: 1 } });
    expect(await count(alice)).toBe(before);
    const garbage = await api<ErrorBody>(server, 'POST', '/v1/e2e/key-packages', { token: alice.person.token, body: { keyPackages: ['AAAA'] } });
    expect(garbage.body.error.code).toBe('E2E_KEY_PACKAGE_INVALID');
    // A device without a credential cannot upload.
    const dave = await signIn(server);
    const none = await api<ErrorBody>(server, 'POST', '/v1/e2e/key-packages', { token: dave.token, body: { keyPackages: [c2.body.devices[0]!.keyPackage] } });
    expect(none.body.error.code).toBe('E2E_NO_CREDENTIAL');
  });

  /** A key package for `person`'s device whose credential was signed by a key that is not the server's. */
  async function forgedKeyPackage(person: Person): Promise<string> {
    const cs = await suite();
    const fake = await cs.signature.keygen();
    const device = await E2eDevice.open(new MemoryStore(), fake.publicKey);
    const text = credentialSigningText({ v: 1, accountId: person.accountId, deviceId: person.deviceId, phone: person.phone, signatureKey: toBase64(device.signaturePublicKey), issuedAt: 1 });
    await device.setCredential(assembleCredential(text, await cs.signature.sign(fake.signKey, utf8(text))));
    return toBase64((await device.generateKeyPackages(1))[0]!);
  }

  it('a client refuses a forged credential handed out by the directory', async () => {
    const alice = await start(await signIn(server));
    const bob = await start(await signIn(server), 1);
    const chatId = await openChat(server, alice.person, bob.person);
    // As if the server were compromised: Bob's only key package is replaced by a forged one.
    await server.parley.ctx.db.deleteFrom('e2e_key_packages').where('device_id', '=', bob.person.deviceId).execute();
    await server.parley.ctx.db
      .insertInto('e2e_key_packages')
      .values({ id: 'kp_forged', device_id: bob.person.deviceId, account_id: bob.person.accountId, data: await forgedKeyPackage(bob.person), created_at: Date.now() })
      .execute();
    await expect(alice.reconcile(chatId)).rejects.toMatchObject({ code: 'CREDENTIAL_INVALID' });
    expect((await api<{ epoch: number }>(server, 'GET', `/v1/e2e/chats/${chatId}`, { token: alice.person.token })).body.epoch).toBe(0);
  });

  it('orders commits by epoch: a replayed or out-of-order commit is refused and changes nothing', async () => {
    const { alice, bob, chatId } = await pair();
    const first = (await api<{ commits: { epoch: number; commit: string }[] }>(server, 'GET', `/v1/e2e/chats/${chatId}/commits?after=0`, { token: bob.person.token })).body.commits;
    expect(first.map((c) => c.epoch)).toEqual([1]);
    const replay = await api<ErrorBody>(server, 'POST', `/v1/e2e/chats/${chatId}/commits`, { token: alice.person.token, body: { commit: first[0]!.commit } });
    expect(replay.status).toBe(409);
    expect(replay.body.error).toMatchObject({ code: 'E2E_EPOCH_CONFLICT', details: { epoch: 1 } });

    // Both build a commit on epoch 1; Alice's is accepted first, Bob's is then out of order.
    const a = await alice.device.prepareCommit(chatId, {});
    const b = await bob.device.prepareCommit(chatId, {});
    expect((await alice.submit(a)).status).toBe(200);
    const late = await bob.submit(b);
    expect(late.status).toBe(409);
    bob.device.commitRejected(chatId);
    await bob.waitFor('e2e.commit', (u) => u.epoch === 2);
    expect(await bob.device.epoch(chatId)).toBe(2);
    const msg = await bob.send(chatId, { kind: 'text', content: { text: 'still in step' } });
    expect(await alice.receive(msg)).toMatchObject({ content: { text: 'still in step' } });
    const commits = await server.parley.ctx.db.selectFrom('e2e_commits').select('epoch').where('chat_id', '=', chatId).execute();
    expect(commits.map((c) => Number(c.epoch)).sort()).toEqual([1, 2]);

    // A commit of another chat's group is not a commit for this one.
    const carol = await start(await signIn(server));
    const other = await openChat(server, alice.person, carol.person);
    const foreign = await api<ErrorBody>(server, 'POST', `/v1/e2e/chats/${other}/commits`, { token: alice.person.token, body: { commit: first[0]!.commit } });
    expect(foreign.body.error.code).toBe('E2E_COMMIT_INVALID');
  });

  it('media round trip: encrypted on the device, stored as ciphertext, a tampered blob is rejected', async () => {
    const { alice, bob, chatId } = await pair();
    const picture = Buffer.from('\x89PNG pretend this is a holiday picture '.repeat(50));
    const { ciphertext, key } = await encryptMedia(picture);
    const encUpload = (contentType: string) =>
      fetch(`${server.url}/v1/media?kind=image&encrypted=true`, { method: 'POST', headers: { authorization: `Bearer ${alice.person.token}`, 'content-type': contentType }, body: Buffer.from(ciphertext) });
    // Ciphertext is not an image to the ordinary upload, and an encrypted upload is declared as bytes.
    const plainPath = await upload<ErrorBody>(server, alice.person.token, Buffer.from(ciphertext), { kind: 'image', contentType: 'application/octet-stream' });
    expect(plainPath.body.error.code).toBe('MEDIA_TYPE_UNSUPPORTED');
    const declaredPng = await encUpload('image/png');
    expect(((await declaredPng.json()) as ErrorBody).error.code).toBe('MEDIA_TYPE_UNSUPPORTED');
    const enc = await encUpload('application/octet-stream');
    expect(enc.status).toBe(201);
    const media = (await enc.json()) as { id: string; sha256: string; mimeType: string };
    expect(media.mimeType).toBe('application/octet-stream');

    const id = await alice.send(chatId, { kind: 'image', content: { caption: 'holiday' }, media: key }, { mediaId: media.id });
    const got = (await bob.receive(id)) as { kind: string; content: { caption: string }; media: MediaKey };
    expect(got.content.caption).toBe('holiday');
    const blob = await download(server, media.id, { token: bob.person.token });
    expect(blob.status).toBe(200);
    expect(Buffer.from(await decryptMedia(blob.bytes, got.media)).equals(picture)).toBe(true);

    // The blob changes on the server: the receiving device refuses it.
    const file = blobPath(server.parley.ctx.mediaDir, media.sha256);
    const bytes = fs.readFileSync(file);
    bytes[10] = bytes[10]! ^ 0xff;
    fs.writeFileSync(file, bytes);
    const tampered = await download(server, media.id, { token: bob.person.token });
    await expect(decryptMedia(tampered.bytes, got.media)).rejects.toMatchObject({ code: 'MEDIA_TAMPERED' });
  });

  it('chats with a business are not end-to-end encrypted', async () => {
    const alice = await start(await signIn(server));
    const shop = await newBusiness(server);
    const chatId = await openChat(server, alice.person, shop);
    const view = await api<{ encrypted: boolean; devices: unknown[] }>(server, 'GET', `/v1/e2e/chats/${chatId}`, { token: alice.person.token });
    expect(view.body).toMatchObject({ encrypted: false, devices: [] });
    const claim = await api<ErrorBody>(server, 'POST', '/v1/e2e/key-packages/claim', { token: alice.person.token, body: { accountId: shop.accountId } });
    expect(claim.body.error.code).toBe('E2E_NOT_FOR_BUSINESS');
    const byShop = await api<ErrorBody>(server, 'POST', '/v1/e2e/key-packages/claim', { token: shop.token, body: { accountId: alice.person.accountId } });
    expect(byShop.body.error.code).toBe('E2E_NOT_FOR_BUSINESS');
    expect((await api<{ count: number }>(server, 'GET', '/v1/e2e/key-packages/count', { token: alice.person.token })).body.count).toBe(3);
    const envelope = { e2e: { v: 1, epoch: 1, ct: toBase64(utf8('not really ciphertext')) } };
    const sent = await alice.ws.request({ type: 'send', chatId, clientId: 'e1', kind: 'text', content: envelope });
    expect(sent).toMatchObject({ type: 'error', code: 'E2E_NOT_FOR_BUSINESS' });
    const bad = await alice.ws.request({ type: 'send', chatId, clientId: 'e2', kind: 'text', content: { e2e: { v: 2 } } });
    expect(bad).toMatchObject({ type: 'error', code: 'VALIDATION_FAILED' });
    // Nothing was stored.
    const history = await api<{ messages: unknown[] }>(server, 'GET', `/v1/chats/${chatId}/messages`, { token: alice.person.token });
    expect(history.body.messages).toHaveLength(0);
  });
});
