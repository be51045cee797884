/*
 * Parley's service worker: the app opens with no network.
 *
 * - Precache: at install, the app shell (`/`, i.e. index.html), the hashed JS/CSS under /assets,
 *   the manifest and the icons. The list and the version are written into the BUILD line below
 *   by web/pwa-manifest-plugin.ts at build time (this file, as it is in web/public, is only a
 *   template: with its placeholder it precaches just the shell).
 * - Navigations: network first (a fresh shell when online), the cached shell when the network
 *   fails or is too slow. Every client route (/chat/…) gets the same shell.
 * - /assets/*: cache first (the names carry a content hash, so they never change).
 * - The API (/v1/…) and media are never cached here: the requests carry bearer tokens and the
 *   responses are private. The app keeps its own snapshot of recent chats in IndexedDB.
 * - Versioned cache names; old ones are deleted on activate. skipWaiting + clients.claim: a new
 *   version takes over at once.
 */
/* global self, caches, fetch, Request, Response, URL, setTimeout, clearTimeout */

const BUILD = { version: 'dev', files: ['/'] }; // @precache

const PREFIX = 'parley-';
const CACHE = `${PREFIX}${BUILD.version}`;
const SHELL_URL = '/';
/** How long a navigation waits for the network before falling back to the cached shell. */
const NAVIGATION_TIMEOUT_MS = 4000;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // All or nothing (a failed install is tried again on a later visit). `reload`: straight
      // from the server, not from the HTTP cache, which may hold an older shell.
      const responses = await Promise.all(
        BUILD.files.map(async (url) => {
          const response = await fetch(new Request(url, { cache: 'reload' }));
          if (!usable(url, response)) throw new Error(`precache: ${url} answered ${response.status}`);
          return [url, response];
        }),
      );
      await Promise.all(responses.map(([url, response]) => cache.put(url, response)));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n)));
      if (self.registration.navigationPreload) await self.registration.navigationPreload.enable().catch(() => undefined);
      await self.clients.claim();
    })(),
  );
});

/** Requests that must go to the network untouched: the API (media included), server endpoints, anything with a token. */
function isPrivate(url, request) {
  return (
    url.pathname === '/v1' ||
    url.pathname.startsWith('/v1/') ||
    url.pathname.startsWith('/healthz') ||
    url.pathname.startsWith('/metrics') ||
    url.searchParams.has('token') ||
    request.headers.has('authorization')
  );
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  // DevTools may issue these; fetching them from here would throw.
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || isPrivate(url, request)) return;

  if (request.mode === 'navigate') {
    event.respondWith(navigation(event));
  } else if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(request));
  } else if (BUILD.files.includes(url.pathname)) {
    event.respondWith(networkFirst(request));
  }
  // Anything else: the browser's normal fetch.
});

/**
 * Whether a response may be cached for this URL: a success, and HTML only for the shell (a server
 * answers unknown paths with the shell, which must never be stored as a script or an icon).
 */
function usable(url, response) {
  if (!response.ok) return false;
  const html = (response.headers.get('content-type') || '').includes('text/html');
  return html === (new URL(url, self.location.origin).pathname === SHELL_URL);
}

async function navigation(event) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(SHELL_URL);
  try {
    const network = (async () => (await event.preloadResponse) || fetch(event.request))();
    const response = await (cached ? withTimeout(network, NAVIGATION_TIMEOUT_MS) : network);
    // A proxy in front of a stopped server answers 502/503/504: the app still opens.
    if (response.status >= 500 && cached) return cached;
    if (usable(SHELL_URL, response)) {
      // Keep the latest shell (the same for every client route) for the next offline start.
      event.waitUntil(cache.put(SHELL_URL, response.clone()).catch(() => undefined));
    }
    return response;
  } catch {
    return cached || offlinePage();
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (usable(request.url, response)) await cache.put(request, response.clone()).catch(() => undefined);
  return response;
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (usable(request.url, response)) await cache.put(request, response.clone()).catch(() => undefined);
    return response;
  } catch (err) {
    const cached = await cache.match(request, { ignoreSearch: true });
    if (cached) return cached;
    throw err;
  }
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

function offlinePage() {
  return new Response(
    '<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Parley</title>' +
      '<body style="font-family:system-ui,sans-serif;display:grid;place-items:center;height:100vh;margin:0;background:#f0f2f5;color:#111b21">' +
      '<p>Parley cannot be reached. Check the connection and try again.</p>',
    { status: 503, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } },
  );
}
