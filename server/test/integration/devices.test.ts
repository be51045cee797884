/**
 * Devices: listing, revoking (HTTP and open sockets) and signing out, through the real server.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloseCodes } from '#contracts/protocol.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { api, signIn, WsClient, type Person } from '../helpers/clients.js';

type ErrorBody = { error: { code: string; message: string } };
type Device = { id: string; name: string; platform: string; createdAt: number; lastActiveAt: number; current: boolean };

describe('devices', () => {
  let server: TestServer;
  let phone: Person;
  let laptop: Person;
  let bob: Person;
  const sockets: WsClient[] = [];
  const connect = async (p: Person) => {
    const c = await WsClient.connect(server, p.token);
    sockets.push(c);
    return c;
  };
  const devicesOf = async (p: Person) => api<{ devices: Device[] } & ErrorBody>(server, 'GET', '/v1/devices', { token: p.token });

  beforeEach(async () => {
    server = await startServer();
    phone = await signIn(server, undefined, 'Phone');
    laptop = await signIn(server, phone.phone, 'Laptop');
    bob = await signIn(server, undefined, 'Bob phone');
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) await s.close();
    await server.close();
  });

  it('lists the account’s devices, oldest first, with `current` marking the asker', async () => {
    expect(laptop.accountId).toBe(phone.accountId);
    const fromPhone = await devicesOf(phone);
    expect(fromPhone.status).toBe(200);
    expect(fromPhone.body.devices).toEqual([
      { id: phone.deviceId, name: 'Phone', platform: 'web', createdAt: expect.any(Number), lastActiveAt: expect.any(Number), current: true },
      { id: laptop.deviceId, name: 'Laptop', platform: 'web', createdAt: expect.any(Number), lastActiveAt: expect.any(Number), current: false },
    ]);
    const fromLaptop = await devicesOf(laptop);
    expect(fromLaptop.body.devices.map((d) => [d.id, d.current])).toEqual([
      [phone.deviceId, false],
      [laptop.deviceId, true],
    ]);
    expect((await devicesOf(bob)).body.devices.map((d) => d.id)).toEqual([bob.deviceId]);
  });

  it('revoking a device: its token gets 401 at once, its socket closes with 4003, the others carry on', async () => {
    const laptopSocket = await connect(laptop);
    const phoneSocket = await connect(phone);

    const res = await api(server, 'DELETE', `/v1/devices/${laptop.deviceId}`, { token: phone.token });
    expect(res.status).toBe(204);

    const refused = await devicesOf(laptop);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('UNAUTHENTICATED');
    expect(await laptopSocket.closed).toBe(CloseCodes.DEVICE_REVOKED);
    await expect(WsClient.connect(server, laptop.token)).rejects.toThrow('HTTP 401');

    expect((await phoneSocket.request({ type: 'ping' })).type).toBe('reply');
    expect(phoneSocket.closeCode).toBeNull();
    expect((await devicesOf(phone)).body.devices.map((d) => d.id)).toEqual([phone.deviceId]);

    const again = await api<ErrorBody>(server, 'DELETE', `/v1/devices/${laptop.deviceId}`, { token: phone.token });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('DEVICE_NOT_FOUND');
  });

  it('revoking another account’s device → DEVICE_NOT_FOUND, and that device keeps working', async () => {
    const bobSocket = await connect(bob);
    const res = await api<ErrorBody>(server, 'DELETE', `/v1/devices/${bob.deviceId}`, { token: phone.token });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('DEVICE_NOT_FOUND');
    const unknown = await api<ErrorBody>(server, 'DELETE', '/v1/devices/dev_doesnotexist00', { token: phone.token });
    expect(unknown.body.error.code).toBe('DEVICE_NOT_FOUND');

    expect((await devicesOf(bob)).status).toBe(200);
    expect((await bobSocket.request({ type: 'ping' })).type).toBe('reply');
    expect(bobSocket.closeCode).toBeNull();
  });

  it('signing out ends this device only', async () => {
    const laptopSocket = await connect(laptop);
    const out = await api(server, 'POST', '/v1/auth/sign-out', { token: laptop.token });
    expect(out.status).toBe(204);
    expect(await laptopSocket.closed).toBe(CloseCodes.DEVICE_REVOKED);
    expect((await devicesOf(laptop)).status).toBe(401);
    const again = await api<ErrorBody>(server, 'POST', '/v1/auth/sign-out', { token: laptop.token });
    expect(again.status).toBe(401);
    expect((await devicesOf(phone)).body.devices.map((d) => d.id)).toEqual([phone.deviceId]);
  });

  it('revoking one’s own device by id works like signing out', async () => {
    expect((await api(server, 'DELETE', `/v1/devices/${phone.deviceId}`, { token: phone.token })).status).toBe(204);
    expect((await devicesOf(phone)).status).toBe(401);
    expect((await devicesOf(laptop)).body.devices.map((d) => [d.id, d.current])).toEqual([[laptop.deviceId, true]]);
  });

  describe('bad input', () => {
    const ids = async () => (await devicesOf(phone)).body.devices.map((d) => d.id);

    it('no token or an unknown token → 401 UNAUTHENTICATED, nothing revoked', async () => {
      const calls = [
        { method: 'GET', path: '/v1/devices' },
        { method: 'DELETE', path: `/v1/devices/${laptop.deviceId}` },
        { method: 'POST', path: '/v1/auth/sign-out' },
      ];
      for (const c of calls) {
        const variants: Record<string, string>[] = [{}, { authorization: 'Bearer pdt_unknown' }, { authorization: `Basic ${laptop.token}` }, { authorization: 'Bearer ' }];
        for (const headers of variants) {
          const res = await api<ErrorBody>(server, c.method, c.path, { headers });
          expect([c.path, JSON.stringify(headers), res.status, res.body.error.code]).toEqual([c.path, JSON.stringify(headers), 401, 'UNAUTHENTICATED']);
        }
      }
      expect(await ids()).toEqual([phone.deviceId, laptop.deviceId]);
    });

    it('malformed JSON → 400 MALFORMED_JSON, an oversized id → 400 VALIDATION_FAILED, nothing revoked', async () => {
      for (const c of [
        { method: 'DELETE', path: `/v1/devices/${laptop.deviceId}`, token: phone.token },
        { method: 'POST', path: '/v1/auth/sign-out', token: laptop.token },
      ]) {
        const res = await api<ErrorBody>(server, c.method, c.path, { token: c.token, body: '{"device": ' });
        expect([c.path, res.status, res.body.error.code]).toEqual([c.path, 400, 'MALFORMED_JSON']);
      }
      const long = await api<ErrorBody>(server, 'DELETE', `/v1/devices/dev_${'x'.repeat(80)}`, { token: phone.token });
      expect(long.status).toBe(400);
      expect(long.body.error.code).toBe('VALIDATION_FAILED');
      expect(await ids()).toEqual([phone.deviceId, laptop.deviceId]);
    });
  });
});
