import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { api } from '../helpers/clients.js';
import { MOUNTED_GRAPH_ROUTES } from '../../src/http/graph/routes.js';

/** `/:phoneNumberId(^\d+$)/messages` and `/{phone_number_id}/messages` → `/{}/messages`. */
const shape = (path: string) => path.replace(/:\w+(\([^)]*\))?/g, '{}').replace(/\{\w+\}/g, '{}');

describe('Business API OpenAPI document', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server.close());

  it('is served without a token and documents every mounted Graph route, with no route it does not serve', async () => {
    const res = await api<{ openapi: string; paths: Record<string, Record<string, { responses: object }>> }>(server, 'GET', '/v1/openapi/cloud-api.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(res.body.paths)) for (const method of Object.keys(item)) documented.add(`${method.toUpperCase()} ${shape(path)}`);
    const mounted = new Set([...MOUNTED_GRAPH_ROUTES].map((r) => { const [m, p] = r.split(' '); return `${m} ${shape(p!)}`; }));
    expect(mounted.size).toBeGreaterThan(0);
    expect([...mounted].filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !mounted.has(r))).toEqual([]);
  });
});
