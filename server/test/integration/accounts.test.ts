/**
 * Profile, privacy, other people's profiles and contacts, through the real server.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, nextPhone, signIn, type Person } from '../helpers/clients.js';
import { accountTopic, type BusEvent } from '../../src/context.js';
import { newId } from '../../src/platform/ids.js';

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };
type Profile = { id: string; phone: string; displayName: string; about: string | null; photoMediaId: string | null; contactName: string | null; blocked: boolean };
type Me = { id: string; phone: string; displayName: string; about: string; photoMediaId: string | null; privacy: Record<string, unknown>; createdAt: number };
type Contact = { phone: string; name: string; accountId: string | null };

/** A media row as the upload endpoint would leave it (the fixture stands in for an upload). */
async function mediaOf(server: TestServer, owner: Person, kind = 'image'): Promise<string> {
  const id = newId('med');
  await server.parley.ctx.db
    .insertInto('media')
    .values({ id, sha256: 'f'.repeat(64), kind, mime_type: kind === 'image' ? 'image/jpeg' : 'application/pdf', size: 1234, file_name: null, uploader_id: owner.accountId, created_at: Date.now() })
    .execute();
  return id;
}

/** Records the events published on an account's bus topic. */
function watchAccount(server: TestServer, p: Person): BusEvent[] {
  const seen: BusEvent[] = [];
  server.parley.ctx.bus.subscribe(accountTopic(p.accountId), (e) => seen.push(e));
  return seen;
}

describe('accounts', () => {
  let server: TestServer;
  let alice: Person;
  let bob: Person;

  beforeEach(async () => {
    server = await startServer();
    alice = await signIn(server);
    bob = await signIn(server);
  });
  afterEach(async () => {
    await server.close();
  });

  describe('my profile', () => {
    it('shows my account with default privacy', async () => {
      const res = await api<Me>(server, 'GET', '/v1/me', { token: alice.token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id: alice.accountId,
        kind: 'person',
        phone: alice.phone,
        displayName: '',
        about: 'Hey there! I am using Parley.',
        photoMediaId: null,
        privacy: { lastSeen: 'everyone', online: 'everyone', photo: 'everyone', about: 'everyone', readReceipts: true },
        createdAt: expect.any(Number),
      });
    });

    it('changes name and about (trimmed), keeps what is not given, and tells my devices', async () => {
      const events = watchAccount(server, alice);
      const res = await api<Me>(server, 'PATCH', '/v1/me', { token: alice.token, body: { displayName: '  Alice  ', about: 'At the gym' } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ displayName: 'Alice', about: 'At the gym', photoMediaId: null });
      expect(events).toEqual([{ kind: 'account.changed' }]);

      const again = await api<Me>(server, 'PATCH', '/v1/me', { token: alice.token, body: { about: '' } });
      expect(again.body).toMatchObject({ displayName: 'Alice', about: '' });
      expect((await api<Me>(server, 'GET', '/v1/me', { token: alice.token })).body).toMatchObject({ displayName: 'Alice', about: '' });
      // Others see it too.
      expect((await api<Profile>(server, 'GET', `/v1/accounts/${alice.accountId}`, { token: bob.token })).body).toMatchObject({ displayName: 'Alice', about: '' });
    });

    it('enforces the lengths: name ≤ 64, about ≤ 139, single lines', async () => {
      const tooLong = await api<ErrorBody>(server, 'PATCH', '/v1/me', { token: alice.token, body: { displayName: 'x'.repeat(65) } });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.error.code).toBe('VALIDATION_FAILED');
      expect((await api(server, 'PATCH', '/v1/me', { token: alice.token, body: { displayName: 'x'.repeat(64) } })).status).toBe(200);
      expect((await api(server, 'PATCH', '/v1/me', { token: alice.token, body: { about: 'y'.repeat(139) } })).status).toBe(200);
      expect((await api<ErrorBody>(server, 'PATCH', '/v1/me', { token: alice.token, body: { about: 'y'.repeat(140) } })).body.error.code).toBe('VALIDATION_FAILED');
      const multiline = await api<ErrorBody>(server, 'PATCH', '/v1/me', { token: alice.token, body: { displayName: 'Al\nice' } });
      expect(multiline.status).toBe(400);
      expect(multiline.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'displayName' } });
      const me = await api<Me>(server, 'GET', '/v1/me', { token: alice.token });
      expect(me.body).toMatchObject({ displayName: 'x'.repeat(64), about: 'y'.repeat(139) });
    });

    it('sets a photo only from an image I uploaded, and removes it with null', async () => {
      const mine = await mediaOf(server, alice);
      const res = await api<Me>(server, 'PATCH', '/v1/me', { token: alice.token, body: { photoMediaId: mine } });
      expect(res.status).toBe(200);
      expect(res.body.photoMediaId).toBe(mine);
      expect((await api<Profile>(server, 'GET', `/v1/accounts/${alice.accountId}`, { token: bob.token })).body.photoMediaId).toBe(mine);

      const unknown = await api<ErrorBody>(server, 'PATCH', '/v1/me', { token: alice.token, body: { photoMediaId: 'med_doesnotexist00' } });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('MEDIA_NOT_FOUND');

      const bobs = await mediaOf(server, bob);
      const notMine = await api<ErrorBody>(server, 'PATCH', '/v1/me', { token: alice.token, body: { photoMediaId: bobs } });
      expect(notMine.status).toBe(404);
      expect(notMine.body.error.code).toBe('MEDIA_NOT_FOUND');

      const pdf = await mediaOf(server, alice, 'document');
      const wrongKind = await api<ErrorBody>(server, 'PATCH', '/v1/me', { token: alice.token, body: { photoMediaId: pdf, displayName: 'Not saved' } });
      expect(wrongKind.status).toBe(400);
      expect(wrongKind.body.error.code).toBe('MEDIA_KIND_MISMATCH');
      // The refused request changed nothing, not even the name that came with it.
      expect((await api<Me>(server, 'GET', '/v1/me', { token: alice.token })).body).toMatchObject({ photoMediaId: mine, displayName: '' });

      const removed = await api<Me>(server, 'PATCH', '/v1/me', { token: alice.token, body: { photoMediaId: null } });
      expect(removed.body.photoMediaId).toBeNull();
    });
  });

  describe('privacy', () => {
    it('changes settings, answers with my account and announces account.changed', async () => {
      const events = watchAccount(server, alice);
      const res = await api<Me>(server, 'PATCH', '/v1/me/privacy', { token: alice.token, body: { lastSeen: 'contacts', online: 'same_as_last_seen', readReceipts: false } });
      expect(res.status).toBe(200);
      expect(res.body.privacy).toEqual({ lastSeen: 'contacts', online: 'same_as_last_seen', photo: 'everyone', about: 'everyone', readReceipts: false });
      expect(events).toEqual([{ kind: 'account.changed' }]);

      const more = await api<Me>(server, 'PATCH', '/v1/me/privacy', { token: alice.token, body: { photo: 'nobody', about: 'contacts', readReceipts: true } });
      expect(more.body.privacy).toEqual({ lastSeen: 'contacts', online: 'same_as_last_seen', photo: 'nobody', about: 'contacts', readReceipts: true });
      expect((await api<Me>(server, 'GET', '/v1/me', { token: alice.token })).body.privacy).toEqual(more.body.privacy);
    });

    it('refuses unknown levels', async () => {
      for (const body of [{ lastSeen: 'friends' }, { online: 'contacts' }, { readReceipts: 'no' }, { photo: null }]) {
        const res = await api<ErrorBody>(server, 'PATCH', '/v1/me/privacy', { token: alice.token, body });
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      }
    });

    it('photo and about follow the owner’s settings: everyone, contacts (numbers they saved), nobody', async () => {
      const photo = await mediaOf(server, bob);
      await api(server, 'PATCH', '/v1/me', { token: bob.token, body: { about: 'Busy', photoMediaId: photo } });
      const seenByAlice = async () => (await api<Profile>(server, 'GET', `/v1/accounts/${bob.accountId}`, { token: alice.token })).body;

      expect(await seenByAlice()).toMatchObject({ about: 'Busy', photoMediaId: photo });

      await api(server, 'PATCH', '/v1/me/privacy', { token: bob.token, body: { photo: 'contacts', about: 'nobody' } });
      expect(await seenByAlice()).toMatchObject({ about: null, photoMediaId: null });

      // Alice saving Bob changes nothing; Bob saving Alice lets her see his photo.
      await api(server, 'PUT', '/v1/contacts', { token: alice.token, body: { phone: bob.phone, name: 'Bob' } });
      expect(await seenByAlice()).toMatchObject({ about: null, photoMediaId: null, contactName: 'Bob' });
      await api(server, 'PUT', '/v1/contacts', { token: bob.token, body: { phone: alice.phone, name: 'Alice' } });
      expect(await seenByAlice()).toMatchObject({ about: null, photoMediaId: photo });

      await api(server, 'PATCH', '/v1/me/privacy', { token: bob.token, body: { photo: 'nobody', about: 'contacts' } });
      expect(await seenByAlice()).toMatchObject({ about: 'Busy', photoMediaId: null });

      // My own profile always shows in full.
      const self = await api<Profile>(server, 'GET', `/v1/accounts/${bob.accountId}`, { token: bob.token });
      expect(self.body).toMatchObject({ about: 'Busy', photoMediaId: photo, blocked: false });
    });
  });

  describe('other people', () => {
    it('gets a profile by id, or ACCOUNT_NOT_FOUND', async () => {
      const res = await api<Profile>(server, 'GET', `/v1/accounts/${bob.accountId}`, { token: alice.token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: bob.accountId, phone: bob.phone, displayName: '', about: 'Hey there! I am using Parley.', photoMediaId: null, contactName: null, blocked: false, kind: 'person', business: null });
      const missing = await api<ErrorBody>(server, 'GET', '/v1/accounts/acc_nobody0000000', { token: alice.token });
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('ACCOUNT_NOT_FOUND');
    });

    it('looks up a number in any common spelling; unknown → ACCOUNT_NOT_FOUND, malformed → PHONE_INVALID', async () => {
      const spaced = bob.phone.replace(/^\+33(\d)(\d\d)(\d\d)(\d\d)(\d\d)$/, '+33 $1 $2 $3 $4 $5');
      for (const phone of [bob.phone, spaced]) {
        const res = await api<Profile>(server, 'GET', `/v1/accounts/lookup?phone=${encodeURIComponent(phone)}`, { token: alice.token });
        expect(res.status, phone).toBe(200);
        expect(res.body.id).toBe(bob.accountId);
      }
      // A "+" left unencoded in the query string reads as a space; it still works.
      const raw = await api<Profile>(server, 'GET', `/v1/accounts/lookup?phone=${bob.phone}`, { token: alice.token });
      expect(raw.body.id).toBe(bob.accountId);

      const unknown = await api<ErrorBody>(server, 'GET', `/v1/accounts/lookup?phone=${encodeURIComponent(nextPhone())}`, { token: alice.token });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('ACCOUNT_NOT_FOUND');
      const invalid = await api<ErrorBody>(server, 'GET', '/v1/accounts/lookup?phone=12345', { token: alice.token });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.code).toBe('PHONE_INVALID');
      const none = await api<ErrorBody>(server, 'GET', '/v1/accounts/lookup', { token: alice.token });
      expect(none.status).toBe(400);
      expect(none.body.error.code).toBe('VALIDATION_FAILED');
    });

    it('limits lookups per account (60 a minute)', async () => {
      const url = `/v1/accounts/lookup?phone=${encodeURIComponent(bob.phone)}`;
      for (let i = 0; i < 60; i++) expect((await api(server, 'GET', url, { token: alice.token })).status).toBe(200);
      const limited = await api<ErrorBody>(server, 'GET', url, { token: alice.token });
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('RATE_LIMITED');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another account behind the same address is not affected.
      expect((await api(server, 'GET', url, { token: bob.token })).status).toBe(200);
    });
  });

  describe('contacts', () => {
    it('saves numbers in E.164 form, fills accountId for Parley users, renames on a second save', async () => {
      const spaced = bob.phone.replace(/^\+33(\d)(\d\d)(\d\d)(\d\d)(\d\d)$/, '+33 $1 $2 $3 $4 $5');
      const saved = await api<Contact>(server, 'PUT', '/v1/contacts', { token: alice.token, body: { phone: spaced, name: ' Bobby ' } });
      expect(saved.status).toBe(200);
      expect(saved.body).toEqual({ phone: bob.phone, name: 'Bobby', accountId: bob.accountId });

      const stranger = nextPhone();
      const other = await api<Contact>(server, 'PUT', '/v1/contacts', { token: alice.token, body: { phone: stranger, name: 'Aunt May' } });
      expect(other.body).toEqual({ phone: stranger, name: 'Aunt May', accountId: null });

      const renamed = await api<Contact>(server, 'PUT', '/v1/contacts', { token: alice.token, body: { phone: bob.phone, name: 'Bob' } });
      expect(renamed.body).toEqual({ phone: bob.phone, name: 'Bob', accountId: bob.accountId });

      const list = await api<{ contacts: Contact[] }>(server, 'GET', '/v1/contacts', { token: alice.token });
      expect(list.body.contacts).toEqual([
        { phone: stranger, name: 'Aunt May', accountId: null },
        { phone: bob.phone, name: 'Bob', accountId: bob.accountId },
      ]);
      // Bob's list is his own.
      expect((await api<{ contacts: Contact[] }>(server, 'GET', '/v1/contacts', { token: bob.token })).body.contacts).toEqual([]);

      // Once the stranger joins, the contact points at the new account.
      const may = await signIn(server, stranger);
      const after = await api<{ contacts: Contact[] }>(server, 'GET', '/v1/contacts', { token: alice.token });
      expect(after.body.contacts[0]).toEqual({ phone: stranger, name: 'Aunt May', accountId: may.accountId });
    });

    it('refuses invalid numbers and names', async () => {
      const bad = await api<ErrorBody>(server, 'PUT', '/v1/contacts', { token: alice.token, body: { phone: '+33 1', name: 'X' } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('PHONE_INVALID');
      for (const name of ['', '   ', 'n'.repeat(129)]) {
        const res = await api<ErrorBody>(server, 'PUT', '/v1/contacts', { token: alice.token, body: { phone: bob.phone, name } });
        expect(res.status, JSON.stringify(name)).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      }
      expect((await api(server, 'PUT', '/v1/contacts', { token: alice.token, body: { phone: bob.phone, name: 'n'.repeat(128) } })).status).toBe(200);
      const list = await api<{ contacts: Contact[] }>(server, 'GET', '/v1/contacts', { token: alice.token });
      expect(list.body.contacts).toEqual([{ phone: bob.phone, name: 'n'.repeat(128), accountId: bob.accountId }]);
    });

    it('deletes by URL-encoded number: 204, then NOT_FOUND', async () => {
      await api(server, 'PUT', '/v1/contacts', { token: alice.token, body: { phone: bob.phone, name: 'Bob' } });
      const del = await api(server, 'DELETE', `/v1/contacts/${encodeURIComponent(bob.phone)}`, { token: alice.token });
      expect(del.status).toBe(204);
      expect((await api<{ contacts: Contact[] }>(server, 'GET', '/v1/contacts', { token: alice.token })).body.contacts).toEqual([]);
      const again = await api<ErrorBody>(server, 'DELETE', `/v1/contacts/${encodeURIComponent(bob.phone)}`, { token: alice.token });
      expect(again.status).toBe(404);
      expect(again.body.error.code).toBe('NOT_FOUND');
      const invalid = await api<ErrorBody>(server, 'DELETE', '/v1/contacts/abc', { token: alice.token });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.code).toBe('PHONE_INVALID');
    });

    it('keeps at most 5000 contacts per account; renaming still works at the limit', async () => {
      const db = server.parley.ctx.db;
      const rows = Array.from({ length: 4999 }, (_, i) => ({ owner_id: alice.accountId, phone: `+1555${String(i).padStart(7, '0')}`, name: `C${i}`, created_at: Date.now() }));
      for (let i = 0; i < rows.length; i += 500) await db.insertInto('contacts').values(rows.slice(i, i + 500)).execute();

      expect((await api(server, 'PUT', '/v1/contacts', { token: alice.token, body: { phone: bob.phone, name: 'Bob' } })).status).toBe(200);
      const full = await api<ErrorBody>(server, 'PUT', '/v1/contacts', { token: alice.token, body: { phone: nextPhone(), name: 'One too many' } });
      expect(full.status).toBe(409);
      expect(full.body.error).toMatchObject({ code: 'CONTACTS_LIMIT_REACHED', details: { limit: 5000 } });
      expect((await api<Contact>(server, 'PUT', '/v1/contacts', { token: alice.token, body: { phone: bob.phone, name: 'Bob B.' } })).body.name).toBe('Bob B.');
      const list = await api<{ contacts: Contact[] }>(server, 'GET', '/v1/contacts', { token: alice.token });
      expect(list.body.contacts).toHaveLength(5000);
      // Bob has his own allowance.
      expect((await api(server, 'PUT', '/v1/contacts', { token: bob.token, body: { phone: alice.phone, name: 'Alice' } })).status).toBe(200);
    });
  });

  describe('bad input', () => {
    /** Everything these endpoints could have written. */
    const snapshot = async () => ({
      me: (await api(server, 'GET', '/v1/me', { token: alice.token })).body,
      contacts: (await api(server, 'GET', '/v1/contacts', { token: alice.token })).body,
      blocks: (await api(server, 'GET', '/v1/blocks', { token: alice.token })).body,
      bobsBlocks: (await api(server, 'GET', '/v1/blocks', { token: bob.token })).body,
      reports: await server.parley.ctx.db.selectFrom('reports').selectAll().execute(),
    });

    const withBody = () => [
      { method: 'PATCH', path: '/v1/me', missing: {}, extra: { displayName: 'A', nickname: 'x' }, valid: { displayName: 'A' } },
      { method: 'PATCH', path: '/v1/me/privacy', missing: {}, extra: { lastSeen: 'nobody', stories: 'nobody' }, valid: { lastSeen: 'nobody' } },
      { method: 'PUT', path: '/v1/contacts', missing: { phone: bob.phone }, extra: { phone: bob.phone, name: 'Bob', email: 'b@x' }, valid: { phone: bob.phone, name: 'Bob' } },
      { method: 'POST', path: '/v1/reports', missing: { reason: 'spam' }, extra: { accountId: bob.accountId, reason: 'spam', severity: 9 }, valid: { accountId: bob.accountId, reason: 'spam' } },
    ];

    it('malformed JSON → 400 MALFORMED_JSON, missing or extra fields → 400 VALIDATION_FAILED, nothing written', async () => {
      await api(server, 'PUT', '/v1/contacts', { token: alice.token, body: { phone: nextPhone(), name: 'Someone' } });
      const before = await snapshot();
      const bodies = ['{"displayName": "A"', '', 'null', '[]', '"text"'];
      for (const e of withBody()) {
        const malformed = await api<ErrorBody>(server, e.method, e.path, { token: alice.token, body: '{"oops": ' });
        expect([e.path, malformed.status, malformed.body.error.code]).toEqual([e.path, 400, 'MALFORMED_JSON']);
        for (const body of [e.missing, e.extra]) {
          const res = await api<ErrorBody>(server, e.method, e.path, { token: alice.token, body });
          expect([e.path, JSON.stringify(body), res.status, res.body.error.code]).toEqual([e.path, JSON.stringify(body), 400, 'VALIDATION_FAILED']);
        }
        for (const body of bodies) {
          const res = await api<ErrorBody>(server, e.method, e.path, { token: alice.token, body, headers: { 'content-type': 'application/json' } });
          expect([e.path, body, res.status]).toEqual([e.path, body, 400]);
          expect(['MALFORMED_JSON', 'VALIDATION_FAILED']).toContain(res.body.error.code);
        }
        // A wrongly typed value is refused, not coerced.
        const typed = await api<ErrorBody>(server, e.method, e.path, { token: alice.token, body: Object.fromEntries(Object.keys(e.valid).map((k) => [k, 42])) });
        expect([e.path, typed.status]).toEqual([e.path, 400]);
      }
      expect(await snapshot()).toEqual(before);
    });

    it('no token or a bad token → 401 UNAUTHENTICATED on every endpoint, before the body is read, nothing written', async () => {
      const before = await snapshot();
      const calls: { method: string; path: string; body?: unknown }[] = [
        { method: 'GET', path: '/v1/me' },
        { method: 'GET', path: `/v1/accounts/${bob.accountId}` },
        { method: 'GET', path: `/v1/accounts/lookup?phone=${encodeURIComponent(bob.phone)}` },
        { method: 'GET', path: '/v1/contacts' },
        { method: 'DELETE', path: `/v1/contacts/${encodeURIComponent(bob.phone)}` },
        { method: 'GET', path: '/v1/blocks' },
        { method: 'PUT', path: `/v1/blocks/${bob.accountId}` },
        { method: 'DELETE', path: `/v1/blocks/${bob.accountId}` },
        ...withBody().flatMap((e) => [
          { method: e.method, path: e.path, body: e.valid },
          { method: e.method, path: e.path, body: '{"oops": ' },
        ]),
      ];
      for (const c of calls) {
        for (const token of [undefined, 'pdt_not-a-real-token']) {
          const res = await api<ErrorBody>(server, c.method, c.path, { token, body: c.body });
          expect([c.method, c.path, res.status, res.body.error.code]).toEqual([c.method, c.path, 401, 'UNAUTHENTICATED']);
        }
      }
      expect(await snapshot()).toEqual(before);
    });
  });
});
