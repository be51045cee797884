/**
 * Business accounts through the real server: registration as a business, conversion, every
 * profile limit with its code (and nothing written), the public profile with openNow in the
 * business's time zone, cross-account refusals, and the linked-device limit.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, nextPhone, signIn, WsClient, type Person } from '../helpers/clients.js';
import { makePdf, makePng, upload } from '../helpers/media-fixtures.js';
import { ManualClock } from '../../src/platform/clock.js';
import { signInBusiness } from '../helpers/business.js';

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };
type BusinessProfile = {
  accountId: string;
  name: string;
  category: string;
  description: string;
  about: string;
  address: string;
  location: { latitude: number; longitude: number } | null;
  timezone: string;
  hours: Record<string, unknown>;
  email: string;
  websites: string[];
  photoMediaId: string | null;
  verified: boolean;
  updatedAt: number;
  openNow?: boolean | null;
};
type Profile = { id: string; kind: string; displayName: string; photoMediaId: string | null; business: { name: string; category: string; verified: boolean } | null };

describe('business accounts and profile', () => {
  let server: TestServer;
  let clock: ManualClock;

  beforeEach(async () => {
    // Wednesday 2026-06-10 10:30 UTC = 12:30 in Paris (summer time).
    clock = new ManualClock(Date.UTC(2026, 5, 10, 10, 30));
    server = await startServer({ clock, config: { PARLEY_AUTH_RATE_PER_MINUTE: 1000 } });
  });
  afterEach(async () => {
    await server.close();
  });

  it('registers a new number as a business: kind, profile row, display name', async () => {
    const shop = await signInBusiness(server);
    expect(shop.status).toBe(200);
    expect(shop.body).toMatchObject({ created: true, account: { kind: 'business', displayName: 'Chez Léa' } });
    const own = await api<BusinessProfile>(server, 'GET', '/v1/business/profile', { token: shop.token });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ accountId: shop.accountId, name: 'Chez Léa', category: 'restaurant', timezone: 'UTC', verified: false, websites: [], location: null });
    const customer = await signIn(server);
    const seen = await api<Profile>(server, 'GET', `/v1/accounts/${shop.accountId}`, { token: customer.token });
    expect(seen.body).toMatchObject({ kind: 'business', displayName: 'Chez Léa', business: { name: 'Chez Léa', category: 'restaurant', verified: false } });
  });

  it('refuses a bad business at registration without using the code up or creating anything', async () => {
    const phone = nextPhone();
    await api(server, 'POST', '/v1/auth/code', { body: { phone } });
    const code = server.codes.codes.get(phone)!;
    const bad = await api<ErrorBody>(server, 'POST', '/v1/auth/verify', { body: { phone, code, business: { name: 'Shop', category: 'spaceships' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('CATEGORY_UNKNOWN');
    const empty = await api<ErrorBody>(server, 'POST', '/v1/auth/verify', { body: { phone, code, business: { name: '  ', category: 'other' } } });
    expect(empty.body.error).toMatchObject({ code: 'BUSINESS_FIELD_INVALID', details: { field: 'name' } });
    expect(await server.parley.ctx.db.selectFrom('accounts').select('id').where('phone', '=', phone).executeTakeFirst()).toBeUndefined();
    const ok = await api<{ account: { kind: string } }>(server, 'POST', '/v1/auth/verify', { body: { phone, code, business: { name: 'Shop', category: 'other' } } });
    expect(ok.status).toBe(200);
    expect(ok.body.account.kind).toBe('business');
  });

  it('signing an existing person in with a business field leaves them a person', async () => {
    const person = await signIn(server);
    const again = await signInBusiness(server, { name: 'Nope', category: 'other' }, person.phone);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, account: { kind: 'person' } });
  });

  it('converts a person into a business, once and one way', async () => {
    const person = await signIn(server);
    const ws = await WsClient.connect(server, person.token);
    const conv = await api<BusinessProfile>(server, 'POST', '/v1/business/convert', { token: person.token, body: { name: 'Bike Repair', category: 'automotive' } });
    expect(conv.status).toBe(200);
    expect(conv.body).toMatchObject({ name: 'Bike Repair', category: 'automotive', verified: false });
    const me = await api<{ kind: string; displayName: string }>(server, 'GET', '/v1/me', { token: person.token });
    expect(me.body).toMatchObject({ kind: 'business', displayName: 'Bike Repair' });
    expect((await ws.nextUpdate('business.changed')).update.area).toBe('profile');
    await ws.close();

    const again = await api<ErrorBody>(server, 'POST', '/v1/business/convert', { token: person.token, body: { name: 'Other', category: 'other' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ALREADY_BUSINESS');
    const other = await signIn(server);
    const badCat = await api<ErrorBody>(server, 'POST', '/v1/business/convert', { token: other.token, body: { name: 'X', category: 'nope' } });
    expect(badCat.body.error.code).toBe('CATEGORY_UNKNOWN');
    const still = await api<{ kind: string }>(server, 'GET', '/v1/me', { token: other.token });
    expect(still.body.kind).toBe('person');
  });

  it('edits every field of the profile', async () => {
    const shop = await signInBusiness(server);
    const photo = await upload<{ id: string }>(server, shop.token, makePng(), { kind: 'image', contentType: 'image/png' });
    const patch = {
      name: 'Chez Léa Bistro',
      category: 'restaurant',
      description: 'Seasonal French cooking.\nOpen since 1998.',
      about: 'Fresh every day',
      address: '12 rue de la Paix, 75002 Paris',
      location: { latitude: 48.8686, longitude: 2.3317 },
      timezone: 'Europe/Paris',
      hours: {
        mon: { mode: 'closed' },
        tue: { mode: 'open', ranges: [{ open: '18:00', close: '23:00' }, { open: '12:00', close: '14:30' }] },
        wed: { mode: 'open', ranges: [{ open: '12:00', close: '14:30' }] },
        sat: { mode: 'open24' },
        sun: { mode: 'appointment' },
      },
      email: 'hello@chezlea.fr',
      websites: ['https://chezlea.fr', 'http://instagram.com/chezlea'],
      photoMediaId: photo.body.id,
    };
    const res = await api<BusinessProfile>(server, 'PATCH', '/v1/business/profile', { token: shop.token, body: patch });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ...patch, hours: { ...patch.hours, tue: { mode: 'open', ranges: [{ open: '12:00', close: '14:30' }, { open: '18:00', close: '23:00' }] } } });
    const me = await api<{ displayName: string; photoMediaId: string }>(server, 'GET', '/v1/me', { token: shop.token });
    expect(me.body).toMatchObject({ displayName: 'Chez Léa Bistro', photoMediaId: photo.body.id });
    // Clearing works too.
    const cleared = await api<BusinessProfile>(server, 'PATCH', '/v1/business/profile', { token: shop.token, body: { location: null, email: '', websites: [], photoMediaId: null } });
    expect(cleared.body).toMatchObject({ location: null, email: '', websites: [], photoMediaId: null });
  });

  const refusals: [string, Record<string, unknown>, string, string?][] = [
    ['empty name', { name: '' }, 'BUSINESS_FIELD_INVALID', 'name'],
    ['long name', { name: 'n'.repeat(65) }, 'BUSINESS_FIELD_TOO_LONG', 'name'],
    ['unknown category', { category: 'casino' }, 'CATEGORY_UNKNOWN', 'category'],
    ['long description', { description: 'd'.repeat(513) }, 'BUSINESS_FIELD_TOO_LONG', 'description'],
    ['long about', { about: 'a'.repeat(140) }, 'BUSINESS_FIELD_TOO_LONG', 'about'],
    ['multi-line about', { about: 'one\ntwo' }, 'BUSINESS_FIELD_INVALID', 'about'],
    ['long address', { address: 'x'.repeat(257) }, 'BUSINESS_FIELD_TOO_LONG', 'address'],
    ['latitude out of range', { location: { latitude: 91, longitude: 0 } }, 'LOCATION_INVALID', 'location'],
    ['longitude out of range', { location: { latitude: 0, longitude: -181 } }, 'LOCATION_INVALID', 'location'],
    ['unknown time zone', { timezone: 'Mars/Olympus_Mons' }, 'TIMEZONE_INVALID', 'timezone'],
    ['unknown weekday', { hours: { funday: { mode: 'closed' } } }, 'HOURS_INVALID', 'hours.funday'],
    ['unknown mode', { hours: { mon: { mode: 'sometimes' } } }, 'HOURS_INVALID', 'hours.mon'],
    ['bad time', { hours: { mon: { mode: 'open', ranges: [{ open: '9:00', close: '17:00' }] } } }, 'HOURS_INVALID', 'hours.mon'],
    ['open after close', { hours: { tue: { mode: 'open', ranges: [{ open: '18:00', close: '09:00' }] } } }, 'HOURS_INVALID', 'hours.tue'],
    ['open equals close', { hours: { tue: { mode: 'open', ranges: [{ open: '09:00', close: '09:00' }] } } }, 'HOURS_INVALID', 'hours.tue'],
    ['overlapping ranges', { hours: { wed: { mode: 'open', ranges: [{ open: '09:00', close: '13:00' }, { open: '12:00', close: '18:00' }] } } }, 'HOURS_INVALID', 'hours.wed'],
    ['no ranges', { hours: { wed: { mode: 'open', ranges: [] } } }, 'HOURS_INVALID', 'hours.wed'],
    ['four ranges', { hours: { wed: { mode: 'open', ranges: ['01', '03', '05', '07'].map((h) => ({ open: `${h}:00`, close: `${h}:30` })) } } }, 'HOURS_INVALID', 'hours.wed'],
    ['hours not an object', { hours: [] }, 'HOURS_INVALID', 'hours'],
    ['bad email', { email: 'not-an-email' }, 'EMAIL_INVALID', 'email'],
    ['long email', { email: `${'e'.repeat(121)}@shop.fr` }, 'BUSINESS_FIELD_TOO_LONG', 'email'],
    ['three websites', { websites: ['https://a.fr', 'https://b.fr', 'https://c.fr'] }, 'TOO_MANY_WEBSITES', 'websites'],
    ['ftp website', { websites: ['https://a.fr', 'ftp://files.a.fr'] }, 'WEBSITE_INVALID', 'websites[1]'],
    ['javascript website', { websites: ['javascript:alert(1)'] }, 'WEBSITE_INVALID', 'websites[0]'],
    ['long website', { websites: [`https://a.fr/${'p'.repeat(260)}`] }, 'BUSINESS_FIELD_TOO_LONG', 'websites[0]'],
    ['unknown photo', { photoMediaId: 'med_nope' }, 'MEDIA_NOT_FOUND', 'photoMediaId'],
  ];

  it.each(refusals)('refuses %s with its code and writes nothing', async (_what, bad, code, field) => {
    const shop = await signInBusiness(server);
    const before = await api<BusinessProfile>(server, 'GET', '/v1/business/profile', { token: shop.token });
    // A valid change next to the bad one must not be written either.
    const res = await api<ErrorBody>(server, 'PATCH', '/v1/business/profile', { token: shop.token, body: { description: 'Changed', ...bad } });
    expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
    expect(res.body.error.code).toBe(code);
    if (field) expect(res.body.error.details?.field).toBe(field);
    const after = await api<BusinessProfile>(server, 'GET', '/v1/business/profile', { token: shop.token });
    expect(after.body).toEqual(before.body);
  });

  it('refuses a photo that is not an image, or that another account uploaded', async () => {
    const shop = await signInBusiness(server);
    const other = await signIn(server);
    const pdf = await upload<{ id: string }>(server, shop.token, makePdf(), { kind: 'document', contentType: 'application/pdf' });
    const notImage = await api<ErrorBody>(server, 'PATCH', '/v1/business/profile', { token: shop.token, body: { name: 'Renamed', photoMediaId: pdf.body.id } });
    expect(notImage.body.error.code).toBe('MEDIA_KIND_MISMATCH');
    const theirs = await upload<{ id: string }>(server, other.token, makePng(8, 8, 5), { kind: 'image', contentType: 'image/png' });
    const stolen = await api<ErrorBody>(server, 'PATCH', '/v1/business/profile', { token: shop.token, body: { photoMediaId: theirs.body.id } });
    expect(stolen.body.error.code).toBe('MEDIA_NOT_FOUND');
    const profile = await api<BusinessProfile>(server, 'GET', '/v1/business/profile', { token: shop.token });
    expect(profile.body).toMatchObject({ name: 'Chez Léa', photoMediaId: null });
  });

  it('keeps a business’s display name and photo on its business profile: PATCH /v1/me refuses them, writes nothing', async () => {
    const shop = await signInBusiness(server);
    const photo = await upload<{ id: string }>(server, shop.token, makePng(8, 8, 7), { kind: 'image', contentType: 'image/png' });
    type Me = { displayName: string; about: string; photoMediaId: string | null };
    const before = await api<Me>(server, 'GET', '/v1/me', { token: shop.token });

    for (const body of [{ displayName: 'Not Chez Léa' }, { photoMediaId: photo.body.id }, { photoMediaId: null }, { about: 'Open late', displayName: 'Not Chez Léa' }]) {
      const res = await api<ErrorBody>(server, 'PATCH', '/v1/me', { token: shop.token, body });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'BUSINESS_PROFILE_MANAGED', details: { field: 'displayName' in body ? 'displayName' : 'photoMediaId' } });
    }
    // Nothing of a refused request is written (not even its about line).
    expect((await api<Me>(server, 'GET', '/v1/me', { token: shop.token })).body).toEqual(before.body);

    // The about line is still the business's to change here; the name and photo through the business profile.
    expect((await api<Me>(server, 'PATCH', '/v1/me', { token: shop.token, body: { about: 'Open late' } })).body).toMatchObject({ displayName: 'Chez Léa', about: 'Open late' });
    expect((await api(server, 'PATCH', '/v1/business/profile', { token: shop.token, body: { name: 'Chez Léa & Fils', photoMediaId: photo.body.id } })).status).toBe(200);
    expect((await api<Me>(server, 'GET', '/v1/me', { token: shop.token })).body).toMatchObject({ displayName: 'Chez Léa & Fils', photoMediaId: photo.body.id });

    // A person changes their name and photo as before; once converted to a business, no longer.
    const person = await signIn(server);
    const own = await upload<{ id: string }>(server, person.token, makePng(8, 8, 9), { kind: 'image', contentType: 'image/png' });
    expect((await api<Me>(server, 'PATCH', '/v1/me', { token: person.token, body: { displayName: 'Bob', photoMediaId: own.body.id } })).body).toMatchObject({ displayName: 'Bob', photoMediaId: own.body.id });
    expect((await api(server, 'POST', '/v1/business/convert', { token: person.token, body: { name: 'Bob’s Bikes', category: 'automotive' } })).status).toBe(200);
    expect((await api<ErrorBody>(server, 'PATCH', '/v1/me', { token: person.token, body: { displayName: 'Bob' } })).body.error.code).toBe('BUSINESS_PROFILE_MANAGED');
  });

  it('keeps persons out of business endpoints, and the body strict', async () => {
    const person = await signIn(server);
    const get = await api<ErrorBody>(server, 'GET', '/v1/business/profile', { token: person.token });
    expect(get.status).toBe(403);
    expect(get.body.error.code).toBe('NOT_A_BUSINESS');
    const patch = await api<ErrorBody>(server, 'PATCH', '/v1/business/profile', { token: person.token, body: { about: 'x' } });
    expect(patch.body.error.code).toBe('NOT_A_BUSINESS');
    expect(await server.parley.ctx.db.selectFrom('business_profiles').select('account_id').where('account_id', '=', person.accountId).executeTakeFirst()).toBeUndefined();
    const shop = await signInBusiness(server);
    const extra = await api<ErrorBody>(server, 'PATCH', '/v1/business/profile', { token: shop.token, body: { verified: true } });
    expect(extra.body.error.code).toBe('VALIDATION_FAILED');
    const anon = await api<ErrorBody>(server, 'GET', '/v1/business/profile');
    expect(anon.status).toBe(401);
  });

  it('a business edits only its own profile: two businesses do not see each other’s private state', async () => {
    const a = await signInBusiness(server, { name: 'Shop A', category: 'other' });
    const b = await signInBusiness(server, { name: 'Shop B', category: 'other' });
    await api(server, 'PATCH', '/v1/business/profile', { token: a.token, body: { about: 'A only' } });
    const bOwn = await api<BusinessProfile>(server, 'GET', '/v1/business/profile', { token: b.token });
    expect(bOwn.body).toMatchObject({ accountId: b.accountId, name: 'Shop B', about: '' });
  });

  it('shows customers the public profile with openNow in the business time zone', async () => {
    const shop = await signInBusiness(server);
    const customer = await signIn(server);
    const hours = { wed: { mode: 'open', ranges: [{ open: '12:00', close: '14:30' }] }, thu: { mode: 'appointment' }, fri: { mode: 'open24' } };
    await api(server, 'PATCH', '/v1/business/profile', { token: shop.token, body: { timezone: 'Europe/Paris', hours, description: 'Bistro' } });
    const pub = () => api<BusinessProfile>(server, 'GET', `/v1/accounts/${shop.accountId}/business`, { token: customer.token });
    // 10:30 UTC = 12:30 in Paris: open. In UTC it would have been closed (10:30 < 12:00).
    expect((await pub()).body).toMatchObject({ name: 'Chez Léa', description: 'Bistro', timezone: 'Europe/Paris', openNow: true });
    clock.set(Date.UTC(2026, 5, 10, 12, 30)); // 14:30 Paris: closing time, closed
    expect((await pub()).body.openNow).toBe(false);
    clock.set(Date.UTC(2026, 5, 11, 10, 0)); // Thursday: by appointment
    expect((await pub()).body.openNow).toBeNull();
    clock.set(Date.UTC(2026, 5, 11, 22, 30)); // Friday 00:30 in Paris (still Thursday in UTC): open 24 hours
    expect((await pub()).body.openNow).toBe(true);
    clock.set(Date.UTC(2026, 5, 13, 10, 0)); // Saturday: missing day means closed
    expect((await pub()).body.openNow).toBe(false);
    // Winter time: 11:30 UTC on Wednesday 2026-12-09 is 12:30 in Paris (UTC+1): open.
    clock.set(Date.UTC(2026, 11, 9, 11, 30));
    expect((await pub()).body.openNow).toBe(true);

    const notBusiness = await api<ErrorBody>(server, 'GET', `/v1/accounts/${customer.accountId}/business`, { token: shop.token });
    expect(notBusiness.status).toBe(403);
    expect(notBusiness.body.error.code).toBe('NOT_A_BUSINESS');
    const unknown = await api<ErrorBody>(server, 'GET', '/v1/accounts/acc_nobody/business', { token: customer.token });
    expect(unknown.body.error.code).toBe('ACCOUNT_NOT_FOUND');
    const noHours = await signInBusiness(server, { name: 'No hours', category: 'other' });
    expect((await api<BusinessProfile>(server, 'GET', `/v1/accounts/${noHours.accountId}/business`, { token: customer.token })).body.openNow).toBeNull();
  });

  it('announces profile changes to the business’s other devices', async () => {
    const shop = await signInBusiness(server);
    const second = await signIn(server, shop.phone, 'Second');
    const ws = await WsClient.connect(server, second.token);
    await api(server, 'PATCH', '/v1/business/profile', { token: shop.token, body: { about: 'New about' } });
    expect((await ws.nextUpdate('business.changed')).update.area).toBe('profile');
    await ws.close();
  });

  it('lets a business sign in on its first device plus 4 linked devices, not a 6th; persons are unchanged', async () => {
    const shop = await signInBusiness(server);
    const devices: Person[] = [shop];
    for (let i = 2; i <= 5; i++) devices.push(await signIn(server, shop.phone, `Device ${i}`));
    clock.advance(11 * 60_000); // past the resend throttle
    await api(server, 'POST', '/v1/auth/code', { body: { phone: shop.phone } });
    const code = server.codes.codes.get(shop.phone)!;
    const sixth = await api<ErrorBody>(server, 'POST', '/v1/auth/verify', { body: { phone: shop.phone, code, deviceName: 'Sixth' } });
    expect(sixth.status).toBe(403);
    expect(sixth.body.error).toMatchObject({ code: 'DEVICE_LIMIT_REACHED', details: { limit: 5 } });
    const listed = await api<{ devices: unknown[] }>(server, 'GET', '/v1/devices', { token: shop.token });
    expect(listed.body.devices).toHaveLength(5);
    // Signing one out frees a place, and the same code still works.
    expect((await api(server, 'DELETE', `/v1/devices/${devices[4]!.deviceId}`, { token: shop.token })).status).toBe(204);
    const retry = await api(server, 'POST', '/v1/auth/verify', { body: { phone: shop.phone, code, deviceName: 'Sixth' } });
    expect(retry.status).toBe(200);

    const person = await signIn(server);
    for (let i = 2; i <= 6; i++) {
      clock.advance(11 * 60_000);
      await signIn(server, person.phone, `P${i}`);
    }
    const personDevices = await api<{ devices: unknown[] }>(server, 'GET', '/v1/devices', { token: person.token });
    expect(personDevices.body.devices).toHaveLength(6);
  });
});
