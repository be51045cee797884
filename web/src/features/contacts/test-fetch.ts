/**
 * For component tests: a stand-in for `fetch` that answers like the Parley server for the routes
 * a test declares, and records every request (method, path with query, JSON body).
 */
export interface RecordedCall {
  method: string;
  path: string;
  body: unknown;
}

export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

/** An error answer in the server's envelope. */
export function apiError(status: number, code: string, message = code): Reply {
  return new Reply(status, { error: { code, message } });
}

type Handler = (body: unknown, url: URL) => unknown;

/** Install the stub; `routes` are keyed "METHOD /path" (no query). Returns the list of calls. */
export function stubFetch(routes: Record<string, Handler>): RecordedCall[] {
  const calls: RecordedCall[] = [];
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://parley.test');
    const method = (init?.method ?? 'GET').toUpperCase();
    const raw = init?.body;
    const body = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : (raw ?? undefined);
    calls.push({ method, path: url.pathname + url.search, body });
    const handler = routes[`${method} ${url.pathname}`];
    if (!handler) return new Response(JSON.stringify({ error: { code: 'NOT_FOUND', message: `no stub for ${method} ${url.pathname}` } }), { status: 404 });
    const out = await handler(body, url);
    if (out === undefined) return new Response(null, { status: 204 });
    const reply = out instanceof Reply ? out : new Reply(200, out);
    return new Response(JSON.stringify(reply.body), { status: reply.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return calls;
}
