import { describe, expect, it } from 'vitest';
import { decodeMlsMessage } from 'ts-mls';
import { assembleCredential, credentialSigningText, E2eDevice, isLastResort, MemoryStore, decryptMedia, encryptMedia, fromBase64, openReaction, safetyNumber, sealReaction, suite, toBase64, utf8, verifyCredential, type E2eStore } from './index.js';

/** Plays the server's credential issuer: an Ed25519 key that signs credentials. */
async function issuer() {
  const cs = await suite();
  const pair = await cs.signature.keygen();
  return {
    publicKey: pair.publicKey,
    async issue(device: E2eDevice, accountId: string, deviceId: string, phone: string) {
      const text = credentialSigningText({ v: 1, accountId, deviceId, phone, signatureKey: toBase64(device.signaturePublicKey), issuedAt: 1 });
      return assembleCredential(text, await cs.signature.sign(pair.signKey, utf8(text)));
    },
  };
}

async function device(iss: Awaited<ReturnType<typeof issuer>>, accountId: string, deviceId: string, store: E2eStore = new MemoryStore()) {
  const d = await E2eDevice.open(store, iss.publicKey);
  await d.setCredential(await iss.issue(d, accountId, deviceId, `+1555000${accountId.length}`));
  return d;
}

const text = (t: string) => ({ kind: 'text', content: { text: t } });

describe('e2e library', () => {
  it('verifies credentials against the server key and the signature key', async () => {
    const iss = await issuer();
    const other = await issuer();
    const d = await E2eDevice.open(new MemoryStore(), iss.publicKey);
    const cred = await iss.issue(d, 'acc_a', 'dev_a', '+15550001');
    await expect(verifyCredential(cred, d.signaturePublicKey, iss.publicKey)).resolves.toMatchObject({ accountId: 'acc_a', deviceId: 'dev_a' });
    await expect(verifyCredential(cred, d.signaturePublicKey, other.publicKey)).rejects.toMatchObject({ code: 'CREDENTIAL_INVALID' });
    const e = await E2eDevice.open(new MemoryStore(), iss.publicKey);
    await expect(verifyCredential(cred, e.signaturePublicKey, iss.publicKey)).rejects.toMatchObject({ code: 'CREDENTIAL_INVALID' });
    await expect(e.setCredential(cred)).rejects.toMatchObject({ code: 'CREDENTIAL_INVALID' });
    await expect(verifyCredential(utf8('parley-cred-1.e30.AA'), d.signaturePublicKey, iss.publicKey)).rejects.toMatchObject({ code: 'CREDENTIAL_INVALID' });
  });

  it('two devices exchange messages; a third cannot read them; a changed kind is refused', async () => {
    const iss = await issuer();
    const alice = await device(iss, 'acc_a', 'dev_a');
    const bob = await device(iss, 'acc_b', 'dev_b');
    const eve = await device(iss, 'acc_e', 'dev_e');
    const [kp] = await bob.generateKeyPackages(1);
    const pending = await alice.prepareCommit('chat_1', { add: [{ accountId: 'acc_b', deviceId: 'dev_b', keyPackage: kp! }] });
    expect(pending.epoch).toBe(0);
    await alice.commitAccepted('chat_1');
    await bob.joinFromWelcome('chat_1', pending.welcome!);
    expect(await bob.epoch('chat_1')).toBe(1);
    expect((await bob.members('chat_1')).map((m) => m.deviceId).sort()).toEqual(['dev_a', 'dev_b']);

    const env = await alice.encrypt('chat_1', text('hello bob'));
    expect(JSON.stringify(env)).not.toContain('hello bob');
    expect(await bob.decrypt('chat_1', 'text', env)).toEqual(text('hello bob'));
    await expect(eve.decrypt('chat_1', 'text', env)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    const back = await bob.encrypt('chat_1', text('hi alice'));
    expect(await alice.decrypt('chat_1', 'text', back)).toEqual(text('hi alice'));
    const relabelled = await alice.encrypt('chat_1', text('x'));
    await expect(bob.decrypt('chat_1', 'image', relabelled)).rejects.toMatchObject({ code: 'KIND_MISMATCH' });
    // A welcome is single-use: the key package is gone.
    await expect(bob.joinFromWelcome('chat_1', pending.welcome!)).rejects.toMatchObject({ code: 'WELCOME_NOT_FOR_US' });
  });

  it('refuses a key package whose credential is forged or names another device', async () => {
    const iss = await issuer();
    const forger = await issuer();
    const alice = await device(iss, 'acc_a', 'dev_a');
    const mallory = await device(forger, 'acc_b', 'dev_b');
    const [forged] = await mallory.generateKeyPackages(1);
    await expect(alice.prepareCommit('chat_1', { add: [{ accountId: 'acc_b', deviceId: 'dev_b', keyPackage: forged! }] })).rejects.toMatchObject({ code: 'CREDENTIAL_INVALID' });
    const carol = await device(iss, 'acc_c', 'dev_c');
    const [kp] = await carol.generateKeyPackages(1);
    await expect(alice.prepareCommit('chat_1', { add: [{ accountId: 'acc_b', deviceId: 'dev_b', keyPackage: kp! }] })).rejects.toMatchObject({ code: 'CREDENTIAL_INVALID' });
  });

  it('a removed device cannot read new messages; commits apply in order and once', async () => {
    const iss = await issuer();
    const alice = await device(iss, 'acc_a', 'dev_a');
    const bob = await device(iss, 'acc_b', 'dev_b');
    const bob2 = await device(iss, 'acc_b', 'dev_b2');
    const add = await alice.prepareCommit('chat_1', {
      add: [
        { accountId: 'acc_b', deviceId: 'dev_b', keyPackage: (await bob.generateKeyPackages(1))[0]! },
        { accountId: 'acc_b', deviceId: 'dev_b2', keyPackage: (await bob2.generateKeyPackages(1))[0]! },
      ],
    });
    await alice.commitAccepted('chat_1');
    await bob.joinFromWelcome('chat_1', add.welcome!);
    await bob2.joinFromWelcome('chat_1', add.welcome!);
    const remove = await bob.prepareCommit('chat_1', { removeDeviceIds: ['dev_b2'] });
    expect(remove.removedDeviceIds).toEqual(['dev_b2']);
    await bob.commitAccepted('chat_1');
    expect(await alice.processCommit('chat_1', remove.commit)).toBe('applied');
    expect(await alice.processCommit('chat_1', remove.commit)).toBe('ignored');
    expect(await bob.processCommit('chat_1', remove.commit)).toBe('ignored');
    const env = await alice.encrypt('chat_1', text('after revoke'));
    expect((await bob.decrypt('chat_1', 'text', env)).content).toEqual({ text: 'after revoke' });
    await expect(bob2.decrypt('chat_1', 'text', env)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
  });

  it('diffGroup lists missing, revoked and re-keyed devices', async () => {
    const iss = await issuer();
    const alice = await device(iss, 'acc_a', 'dev_a');
    const bob = await device(iss, 'acc_b', 'dev_b');
    const old = await device(iss, 'acc_b', 'dev_old');
    const listed = async (d: E2eDevice, accountId: string, deviceId: string) => ({ accountId, deviceId, credential: toBase64(await iss.issue(d, accountId, deviceId, '+1')) });
    const c = await alice.prepareCommit('chat_1', {
      add: [
        { accountId: 'acc_b', deviceId: 'dev_b', keyPackage: (await bob.generateKeyPackages(1))[0]! },
        { accountId: 'acc_b', deviceId: 'dev_old', keyPackage: (await old.generateKeyPackages(1))[0]! },
      ],
    });
    await alice.commitAccepted('chat_1');
    expect(c.addedDeviceIds).toEqual(['dev_b', 'dev_old']);
    const rekeyed = await E2eDevice.open(new MemoryStore(), iss.publicKey);
    const newcomer = await E2eDevice.open(new MemoryStore(), iss.publicKey);
    const diff = await alice.diffGroup('chat_1', [
      await listed(alice, 'acc_a', 'dev_a'),
      await listed(rekeyed, 'acc_b', 'dev_b'),
      await listed(newcomer, 'acc_b', 'dev_new'),
    ]);
    expect(diff.keyChanged.map((d) => d.deviceId)).toEqual(['dev_b']);
    expect(diff.missing.map((d) => d.deviceId).sort()).toEqual(['dev_b', 'dev_new']);
    expect(diff.removed.sort()).toEqual(['dev_b', 'dev_old']);
    const same = await alice.diffGroup('chat_1', [await listed(alice, 'acc_a', 'dev_a'), await listed(bob, 'acc_b', 'dev_b'), await listed(old, 'acc_b', 'dev_old')]);
    expect(same).toEqual({ missing: [], removed: [], keyChanged: [] });
  });

  it('keeps group state in its store across restarts', async () => {
    const iss = await issuer();
    const store = new MemoryStore();
    const alice = await device(iss, 'acc_a', 'dev_a', store);
    const bob = await device(iss, 'acc_b', 'dev_b');
    const c = await alice.prepareCommit('chat_1', { add: [{ accountId: 'acc_b', deviceId: 'dev_b', keyPackage: (await bob.generateKeyPackages(1))[0]! }] });
    await alice.commitAccepted('chat_1');
    await bob.joinFromWelcome('chat_1', c.welcome!);
    const reopened = await E2eDevice.open(store, iss.publicKey);
    expect(reopened.claims?.deviceId).toBe('dev_a');
    const env = await bob.encrypt('chat_1', text('still there'));
    expect((await reopened.decrypt('chat_1', 'text', env)).content).toEqual({ text: 'still there' });
  });

  it('encrypts media and refuses a tampered blob', async () => {
    const plain = utf8('a picture, honestly');
    const { ciphertext, key } = await encryptMedia(plain);
    expect(await decryptMedia(ciphertext, key)).toEqual(plain);
    const tampered = ciphertext.slice();
    tampered[0] = tampered[0]! ^ 1;
    await expect(decryptMedia(tampered, key)).rejects.toMatchObject({ code: 'MEDIA_TAMPERED' });
    await expect(decryptMedia(ciphertext, { ...key, digest: toBase64(new Uint8Array(32)) })).rejects.toMatchObject({ code: 'MEDIA_TAMPERED' });
  });

  it('gives both sides the same safety number, which changes with a key', async () => {
    const a = { phone: '+15550001', signatureKeys: [toBase64(new Uint8Array(32).fill(1))] };
    const b = { phone: '+15550002', signatureKeys: [toBase64(new Uint8Array(32).fill(2))] };
    const ab = safetyNumber(a, b);
    expect(ab.digits).toMatch(/^[0-9]{60}$/);
    expect((safetyNumber(b, a)).digits).toBe(ab.digits);
    expect(ab.groups).toHaveLength(12);
    const b2 = { ...b, signatureKeys: [toBase64(fromBase64(b.signatureKeys[0]!).fill(3))] };
    expect((safetyNumber(a, b2)).digits).not.toBe(ab.digits);
  });

  it('a reaction decrypts once, for the message and person it was made for', async () => {
    const iss = await issuer();
    const alice = await device(iss, 'acc_a', 'dev_a');
    const bob = await device(iss, 'acc_b', 'dev_b');
    const [kp] = await bob.generateKeyPackages(1);
    const pending = await alice.prepareCommit('chat_r', { add: [{ accountId: 'acc_b', deviceId: 'dev_b', keyPackage: kp! }] });
    await alice.commitAccepted('chat_r');
    await bob.joinFromWelcome('chat_r', pending.welcome!);

    const env = await sealReaction(alice, 'chat_r', 'msg_1', 'acc_a', '🎉');
    expect(JSON.stringify(env)).not.toContain('🎉');
    expect(await openReaction(bob, 'chat_r', 'msg_1', 'acc_a', env)).toBe('🎉');
    // An MLS message decrypts once: keep what it gave.
    await expect(openReaction(bob, 'chat_r', 'msg_1', 'acc_a', env)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    // Listed on another message, or as someone else's: refused.
    const moved = await sealReaction(alice, 'chat_r', 'msg_1', 'acc_a', '👍');
    await expect(openReaction(bob, 'chat_r', 'msg_2', 'acc_a', moved)).rejects.toMatchObject({ code: 'KIND_MISMATCH' });
    const other = await sealReaction(alice, 'chat_r', 'msg_1', 'acc_a', '👍');
    await expect(openReaction(bob, 'chat_r', 'msg_1', 'acc_b', other)).rejects.toMatchObject({ code: 'KIND_MISMATCH' });
    // A message's plaintext is not a reaction.
    const message = await alice.encrypt('chat_r', text('hi'));
    await expect(openReaction(bob, 'chat_r', 'msg_1', 'acc_a', message.e2e)).rejects.toMatchObject({ code: 'KIND_MISMATCH' });
  });

  it('a last-resort key package carries the extension and adds its device to several groups', async () => {
    const iss = await issuer();
    const alice = await device(iss, 'acc_a', 'dev_a');
    const carol = await device(iss, 'acc_c', 'dev_c');
    const bob = await device(iss, 'acc_b', 'dev_b');
    const last = await bob.generateLastResortKeyPackage();
    const decoded = decodeMlsMessage(last, 0)?.[0];
    expect(decoded?.wireformat === 'mls_key_package' && isLastResort(decoded.keyPackage)).toBe(true);
    const [ordinary] = await bob.generateKeyPackages(1);
    const plain = decodeMlsMessage(ordinary!, 0)?.[0];
    expect(plain?.wireformat === 'mls_key_package' && isLastResort(plain.keyPackage)).toBe(false);
    for (const [friend, chatId] of [
      [alice, 'chat_x'],
      [carol, 'chat_y'],
    ] as const) {
      const pending = await friend.prepareCommit(chatId, { add: [{ accountId: 'acc_b', deviceId: 'dev_b', keyPackage: last }] });
      await friend.commitAccepted(chatId);
      await bob.joinFromWelcome(chatId, pending.welcome!);
      expect(await bob.decrypt(chatId, 'text', await friend.encrypt(chatId, text(`in ${chatId}`)))).toEqual(text(`in ${chatId}`));
    }
  });
});
