/**
 * Verification through the real server and the real `parley admin create` command: a business
 * submits a request, an administrator created with the CLI signs in, reviews the documents and
 * approves (the badge shows to customers, a rename removes it) or rejects with a reason the
 * business reads. Administrator and device tokens never stand in for each other.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, signIn, type Person } from '../helpers/clients.js';
import { makePdf, makePng, makeOggOpus, upload } from '../helpers/media-fixtures.js';
import { createAdmin } from '../../src/domain/admin/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { signInBusiness } from '../helpers/business.js';
import { runParley, serverEnv } from '../helpers/cli.js';

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };
type State = { status: string; verified: boolean; reason: string | null; request: { id: string; legalName: string; documentMediaIds: string[]; status: string } | null };
type Queue = { verifications: { id: string; accountId: string; businessName: string; legalName: string; phone: string; documents: { mediaId: string; mimeType: string }[] }[] };

const bin = path.resolve(import.meta.dirname, '../../../bin/parley.js');
const PASSWORD = 'a long admin password';

function adminEnv(server: TestServer, password?: string): Record<string, string | undefined> {
  const env = serverEnv(server);
  delete env.PARLEY_ADMIN_PASSWORD;
  if (password !== undefined) env.PARLEY_ADMIN_PASSWORD = password;
  return env;
}

/** Run `parley admin create` against the test server's own database (in this process). */
function cliCreateAdmin(server: TestServer, username: string, opts: { password?: string; stdin?: string } = {}) {
  return runParley(['admin', 'create', '--username', username], adminEnv(server, opts.password), opts.stdin ?? '');
}

/** The same through the real executable, reading the password from its standard input. */
function binCreateAdmin(server: TestServer, username: string, stdin: string) {
  return spawnSync(process.execPath, [bin, 'admin', 'create', '--username', username], { env: adminEnv(server), input: stdin, encoding: 'utf8', timeout: 30_000 });
}

async function adminLogin(server: TestServer, username: string, password = PASSWORD) {
  return api<{ token: string; username: string; expiresAt: number } & ErrorBody>(server, 'POST', '/v1/admin/login', { body: { username, password } });
}

async function documents(server: TestServer, shop: Person): Promise<string[]> {
  const png = await upload<{ id: string }>(server, shop.token, makePng(8, 8, 3), { kind: 'image', contentType: 'image/png', fileName: 'kbis.png' });
  const pdf = await upload<{ id: string }>(server, shop.token, makePdf(), { kind: 'document', contentType: 'application/pdf', fileName: 'statutes.pdf' });
  return [png.body.id, pdf.body.id];
}

describe('business verification and administrators', { timeout: 60_000 }, () => {
  let server: TestServer;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock(Date.now());
    server = await startServer({ clock, config: { PARLEY_AUTH_RATE_PER_MINUTE: 1000 } });
  });
  afterEach(async () => {
    await server.close();
  });

  it('end to end: submit, CLI admin approves, customers see the badge, a rename removes it', async () => {
    const shop = await signInBusiness(server, { name: 'Chez Léa', category: 'restaurant' });
    const customer = await signIn(server);
    expect((await api<State>(server, 'GET', '/v1/business/verification', { token: shop.token })).body).toMatchObject({ status: 'none', verified: false, request: null });

    const docs = await documents(server, shop);
    const submitted = await api<State>(server, 'POST', '/v1/business/verification', { token: shop.token, body: { legalName: 'Léa Martin SARL', documentMediaIds: docs } });
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({ status: 'pending', verified: false, request: { legalName: 'Léa Martin SARL', documentMediaIds: docs, status: 'pending' } });
    const twice = await api<ErrorBody>(server, 'POST', '/v1/business/verification', { token: shop.token, body: { legalName: 'Again', documentMediaIds: docs } });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('VERIFICATION_PENDING');

    const created = await cliCreateAdmin(server, 'Reviewer', { password: PASSWORD });
    expect(created.status, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/reviewer/);
    const login = await adminLogin(server, 'reviewer');
    expect(login.status).toBe(200);
    const admin = login.body.token;

    const queue = await api<Queue>(server, 'GET', '/v1/admin/verifications?status=pending', { token: admin });
    expect(queue.status).toBe(200);
    expect(queue.body.verifications).toHaveLength(1);
    const request = queue.body.verifications[0]!;
    expect(request).toMatchObject({ accountId: shop.accountId, businessName: 'Chez Léa', legalName: 'Léa Martin SARL', phone: shop.phone });
    expect(request.documents.map((d) => d.mimeType)).toEqual(['image/png', 'application/pdf']);

    // Administrators read the documents (header or query token); nobody else can.
    const doc = await fetch(`${server.url}/v1/admin/verifications/${request.id}/documents/${docs[1]}`, { headers: { authorization: `Bearer ${admin}` } });
    expect(doc.status).toBe(200);
    expect(doc.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await doc.arrayBuffer()).equals(makePdf())).toBe(true);
    const viaQuery = await fetch(`${server.url}/v1/admin/verifications/${request.id}/documents/${docs[0]}?token=${encodeURIComponent(admin)}`);
    expect(viaQuery.status).toBe(200);
    const asCustomer = await fetch(`${server.url}/v1/admin/verifications/${request.id}/documents/${docs[0]}`, { headers: { authorization: `Bearer ${customer.token}` } });
    expect(asCustomer.status).toBe(401);
    expect(((await asCustomer.json()) as ErrorBody).error.code).toBe('ADMIN_UNAUTHENTICATED');
    expect((await api(server, 'GET', `/v1/media/${docs[0]}`, { token: customer.token })).status).toBe(404);
    const otherMedia = await upload<{ id: string }>(server, customer.token, makePng(4, 4, 9), { kind: 'image', contentType: 'image/png' });
    const notInRequest = await api<ErrorBody>(server, 'GET', `/v1/admin/verifications/${request.id}/documents/${otherMedia.body.id}`, { token: admin });
    expect(notInRequest.body.error.code).toBe('VERIFICATION_NOT_FOUND');

    expect((await api(server, 'POST', `/v1/admin/verifications/${request.id}/approve`, { token: admin })).status).toBe(204);
    const again = await api<ErrorBody>(server, 'POST', `/v1/admin/verifications/${request.id}/approve`, { token: admin });
    expect(again.body.error.code).toBe('VERIFICATION_NOT_PENDING');
    expect((await api<Queue>(server, 'GET', '/v1/admin/verifications', { token: admin })).body.verifications).toHaveLength(0);
    expect((await api<Queue>(server, 'GET', '/v1/admin/verifications?status=approved', { token: admin })).body.verifications).toHaveLength(1);

    const seen = await api<{ business: { verified: boolean; name: string } }>(server, 'GET', `/v1/accounts/${shop.accountId}`, { token: customer.token });
    expect(seen.body.business).toEqual({ name: 'Chez Léa', category: 'restaurant', verified: true, api: false });
    expect((await api<State>(server, 'GET', '/v1/business/verification', { token: shop.token })).body).toMatchObject({ status: 'approved', verified: true });
    expect((await api<{ verified: boolean }>(server, 'GET', `/v1/accounts/${shop.accountId}/business`, { token: customer.token })).body.verified).toBe(true);

    // Other profile changes keep the badge; a new name removes it.
    await api(server, 'PATCH', '/v1/business/profile', { token: shop.token, body: { about: 'Still us', name: 'Chez Léa' } });
    expect((await api<{ business: { verified: boolean } }>(server, 'GET', `/v1/accounts/${shop.accountId}`, { token: customer.token })).body.business.verified).toBe(true);
    await api(server, 'PATCH', '/v1/business/profile', { token: shop.token, body: { name: 'Léa & Co' } });
    const renamed = await api<{ displayName: string; business: { verified: boolean; name: string } }>(server, 'GET', `/v1/accounts/${shop.accountId}`, { token: customer.token });
    expect(renamed.body).toMatchObject({ displayName: 'Léa & Co', business: { name: 'Léa & Co', verified: false } });
    expect((await api<State>(server, 'GET', '/v1/business/verification', { token: shop.token })).body).toMatchObject({ status: 'none', verified: false });
    // It may ask again.
    const resubmit = await api<State>(server, 'POST', '/v1/business/verification', { token: shop.token, body: { legalName: 'Léa Martin SARL', documentMediaIds: [docs[0]] } });
    expect(resubmit.body.status).toBe('pending');
  });

  it('rejects with a reason the business reads, then accepts a new request', async () => {
    await createAdmin(server.parley.ctx, { username: 'rita', password: PASSWORD });
    const admin = (await adminLogin(server, 'rita')).body.token;
    const shop = await signInBusiness(server);
    const docs = await documents(server, shop);
    await api(server, 'POST', '/v1/business/verification', { token: shop.token, body: { legalName: 'Léa SARL', documentMediaIds: docs } });
    const [request] = (await api<Queue>(server, 'GET', '/v1/admin/verifications', { token: admin })).body.verifications;
    const noReason = await api<ErrorBody>(server, 'POST', `/v1/admin/verifications/${request!.id}/reject`, { token: admin, body: { reason: '' } });
    expect(noReason.body.error.code).toBe('VALIDATION_FAILED');
    const blank = await api<ErrorBody>(server, 'POST', `/v1/admin/verifications/${request!.id}/reject`, { token: admin, body: { reason: '   ' } });
    expect(blank.body.error.code).toBe('BUSINESS_FIELD_INVALID');
    expect((await api(server, 'POST', `/v1/admin/verifications/${request!.id}/reject`, { token: admin, body: { reason: 'The document is unreadable.' } })).status).toBe(204);
    const state = await api<State>(server, 'GET', '/v1/business/verification', { token: shop.token });
    expect(state.body).toMatchObject({ status: 'rejected', verified: false, reason: 'The document is unreadable.' });
    const customer = await signIn(server);
    expect((await api<{ business: { verified: boolean } }>(server, 'GET', `/v1/accounts/${shop.accountId}`, { token: customer.token })).body.business.verified).toBe(false);
    const approveRejected = await api<ErrorBody>(server, 'POST', `/v1/admin/verifications/${request!.id}/approve`, { token: admin });
    expect(approveRejected.body.error.code).toBe('VERIFICATION_NOT_PENDING');
    const unknown = await api<ErrorBody>(server, 'POST', '/v1/admin/verifications/bvr_nope/approve', { token: admin });
    expect(unknown.body.error.code).toBe('VERIFICATION_NOT_FOUND');
    const next = await api<State>(server, 'POST', '/v1/business/verification', { token: shop.token, body: { legalName: 'Léa SARL', documentMediaIds: docs } });
    expect(next.body).toMatchObject({ status: 'pending', reason: null });
  });

  it('checks the request: business only, own image or document media, 1 to 5, legal name', async () => {
    const person = await signIn(server);
    const shop = await signInBusiness(server);
    const [png, pdf] = await documents(server, shop);
    const personDoc = await upload<{ id: string }>(server, person.token, makePdf(), { kind: 'document', contentType: 'application/pdf' });
    const voice = await upload<{ id: string }>(server, shop.token, makeOggOpus(), { kind: 'audio', contentType: 'audio/ogg' });
    const submit = (token: string, body: unknown) => api<ErrorBody>(server, 'POST', '/v1/business/verification', { token, body });

    expect((await submit(person.token, { legalName: 'Me', documentMediaIds: [personDoc.body.id] })).body.error.code).toBe('NOT_A_BUSINESS');
    expect((await api<ErrorBody>(server, 'GET', '/v1/business/verification', { token: person.token })).body.error.code).toBe('NOT_A_BUSINESS');
    const stolen = await submit(shop.token, { legalName: 'Shop', documentMediaIds: [png, personDoc.body.id] });
    expect(stolen.body.error).toMatchObject({ code: 'MEDIA_NOT_FOUND', details: { field: 'documentMediaIds[1]' } });
    expect((await submit(shop.token, { legalName: 'Shop', documentMediaIds: [voice.body.id] })).body.error.code).toBe('MEDIA_KIND_MISMATCH');
    expect((await submit(shop.token, { legalName: 'Shop', documentMediaIds: [] })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await submit(shop.token, { legalName: 'Shop', documentMediaIds: [png, pdf, png, pdf, png, pdf] })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await submit(shop.token, { legalName: ' ', documentMediaIds: [png] })).body.error.code).toBe('BUSINESS_FIELD_INVALID');
    expect((await submit(shop.token, { legalName: 'L'.repeat(129), documentMediaIds: [png] })).body.error).toMatchObject({ code: 'BUSINESS_FIELD_TOO_LONG', details: { field: 'legalName' } });
    expect(await server.parley.ctx.db.selectFrom('business_verifications').select('id').execute()).toHaveLength(0);
    // Duplicates count once.
    const ok = await api<State>(server, 'POST', '/v1/business/verification', { token: shop.token, body: { legalName: 'Shop', documentMediaIds: [png, png] } });
    expect(ok.body.request?.documentMediaIds).toEqual([png]);
  });

  it('keeps administrator and person tokens apart, expires admin tokens, signs out', async () => {
    await createAdmin(server.parley.ctx, { username: 'ada', password: PASSWORD });
    const person = await signIn(server);
    const admin = (await adminLogin(server, 'ada')).body.token;
    for (const token of [undefined, person.token, 'pat_forged']) {
      const res = await api<ErrorBody>(server, 'GET', '/v1/admin/verifications', token ? { token } : {});
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('ADMIN_UNAUTHENTICATED');
    }
    const asPerson = await api<ErrorBody>(server, 'GET', '/v1/me', { token: admin });
    expect(asPerson.status).toBe(401);
    expect(asPerson.body.error.code).toBe('UNAUTHENTICATED');
    expect((await api<ErrorBody>(server, 'GET', '/v1/business/profile', { token: admin })).status).toBe(401);
    expect((await api(server, 'GET', '/v1/admin/me', { token: admin })).body).toEqual({ username: 'ada' });

    clock.advance(12 * 3600_000 + 1);
    expect((await api<ErrorBody>(server, 'GET', '/v1/admin/me', { token: admin })).body.error.code).toBe('ADMIN_UNAUTHENTICATED');
    const fresh = (await adminLogin(server, 'ada')).body.token;
    expect((await api(server, 'POST', '/v1/admin/logout', { token: fresh })).status).toBe(204);
    expect((await api(server, 'GET', '/v1/admin/me', { token: fresh })).status).toBe(401);
    // Only hashes are stored.
    const stored = await server.parley.ctx.db.selectFrom('admin_sessions').select('token_hash').execute();
    expect(stored.map((s) => s.token_hash)).not.toContain(fresh);
    const row = await server.parley.ctx.db.selectFrom('admins').select('password_hash').executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain(PASSWORD);
  });

  it('refuses wrong credentials alike, and rate-limits login', async () => {
    const limited = await startServer({ config: { PARLEY_AUTH_RATE_PER_MINUTE: 3 } });
    try {
      await createAdmin(limited.parley.ctx, { username: 'ada', password: PASSWORD });
      const wrongPassword = await adminLogin(limited, 'ada', 'not the password at all');
      const unknownUser = await adminLogin(limited, 'nobody');
      for (const r of [wrongPassword, unknownUser]) {
        expect(r.status).toBe(401);
        expect(r.body.error.code).toBe('ADMIN_LOGIN_FAILED');
      }
      expect(wrongPassword.body.error.message).toBe(unknownUser.body.error.message);
      expect((await adminLogin(limited, 'ADA')).status).toBe(200);
      const fourth = await adminLogin(limited, 'ada');
      expect(fourth.status).toBe(429);
      expect(fourth.body.error.code).toBe('RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });

  it('parley admin create: password from standard input, refuses duplicates and weak passwords', async () => {
    const viaStdin = binCreateAdmin(server, 'sam', `${PASSWORD}\n`);
    expect(viaStdin.status, viaStdin.stderr).toBe(0);
    expect((await adminLogin(server, 'sam')).status).toBe(200);
    const duplicate = await cliCreateAdmin(server, 'sam', { password: PASSWORD });
    expect(duplicate.status).toBe(3);
    expect(duplicate.stderr).toMatch(/already exists/);
    const weak = await cliCreateAdmin(server, 'tom', { password: 'short' });
    expect(weak.status).toBe(2);
    expect(weak.stderr).toMatch(/12 to 256/);
    const badName = await cliCreateAdmin(server, 'x', { password: PASSWORD });
    expect(badName.status).toBe(2);
    const noName = await runParley(['admin', 'create'], serverEnv(server));
    expect(noName.status).toBe(2);
    expect(noName.stderr).toMatch(/--username/);
    expect(await server.parley.ctx.db.selectFrom('admins').select('username').execute()).toEqual([{ username: 'sam' }]);
  });
});
