/**
 * @module domain/api/media-fetch
 * The medium of a `link` media object (reference §3.4): fetched by the server over http/https,
 * bounded in time (PARLEY_API_FETCH_TIMEOUT_MS, redirects included, at most 3 redirects) and in
 * size (the kind's limit, checked while streaming), checked against the API's types, and stored as
 * a medium uploaded by the business. Against server-side request forgery, only public addresses
 * are reached unless PARLEY_API_FETCH_ALLOW_PRIVATE is set: the check is made on the address
 * actually connected to (a lookup hook), so a name that resolves differently the second time
 * gains nothing. A fetched link is remembered ~10 minutes per URL per WABA (as Meta caches).
 * Every failure is a GraphError 131053.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net, { BlockList } from 'node:net';
import type { Media, MediaKind } from '#contracts/models.js';
import type { Ctx } from '../../context.js';
import { discardReceived, receiveUpload, toMedia, type ReceivedFile } from '../media/index.js';
import { GraphError } from './graph-error.js';
import { API_MEDIA_LIMITS, checkApiMedia, storeApiMedia } from './media.js';

const MAX_REDIRECTS = 3;
export const LINK_MAX_LENGTH = 2048;
const CACHE_MS = 10 * 60_000;
const CACHE_MAX = 1000;

/** Addresses that are not on the public internet (IANA special-purpose registries). */
const nonPublic = new BlockList();
for (const [a, p] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  nonPublic.addSubnet(a, p, 'ipv4');
for (const [a, p] of [
  ['::', 128],
  ['::1', 128],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  nonPublic.addSubnet(a, p, 'ipv6');

/** True for an IP address on the public internet. */
export function isPublicAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return false;
  return !nonPublic.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const fail = (details: string) => new GraphError(131053, details);
const PRIVATE_REFUSED = 'The link points to a private or local address, which this server does not fetch.';

/** The `lookup` of the outgoing connection: resolves, then keeps only public addresses (unless allowed). */
function guardedLookup(allowPrivate: boolean): net.LookupFunction {
  return ((hostname: string, options: dns.LookupOptions, callback: (err: Error | null, address: string | dns.LookupAddress[], family?: number) => void) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const usable = allowPrivate ? addresses : addresses.filter((a) => isPublicAddress(a.address));
      if (usable.length === 0) return callback(Object.assign(new Error(PRIVATE_REFUSED), { code: 'PARLEY_PRIVATE_ADDRESS' }), '', 0);
      if (options.all) callback(null, usable);
      else callback(null, usable[0]!.address, usable[0]!.family);
    });
  }) as unknown as net.LookupFunction;
}

/** Check a `link` parameter before anything is sent: an absolute http/https URL. Throws 131009. */
export function checkLink(link: string, param: string): URL {
  let url: URL | null;
  try {
    url = link.length <= LINK_MAX_LENGTH ? new URL(link) : null;
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new GraphError(131009, `Param ${param} must be an http or https URL of at most ${LINK_MAX_LENGTH} characters.`);
  return url;
}

function get(url: URL, signal: AbortSignal, lookup: net.LookupFunction): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.get(url, { signal, lookup, headers: { 'user-agent': 'Parley-media-fetch/1', accept: '*/*' } }, resolve);
    req.on('error', reject);
  });
}

interface Fetched {
  file: ReceivedFile;
  contentType: string | undefined;
  fileName: string | undefined;
}

/** The last path segment of a URL, decoded, as a file name. */
function fileNameOf(url: URL): string | undefined {
  const last = url.pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(last) || undefined;
  } catch {
    return last || undefined;
  }
}

/** Fetch a URL into a temp file of at most `limit` bytes. Throws 131053 with the reason. */
async function fetchToTemp(ctx: Ctx, link: string, limit: number): Promise<Fetched> {
  const allowPrivate = ctx.config.PARLEY_API_FETCH_ALLOW_PRIVATE;
  const signal = AbortSignal.timeout(ctx.config.PARLEY_API_FETCH_TIMEOUT_MS);
  const lookup = guardedLookup(allowPrivate);
  let url = new URL(link);
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail('The link redirects to a URL that is not http or https.');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // A literal address is connected to without a lookup: check it here.
    if (net.isIP(host) && !allowPrivate && !isPublicAddress(host)) throw fail(PRIVATE_REFUSED);
    let res: http.IncomingMessage;
    try {
      res = await get(url, signal, lookup);
    } catch (err) {
      if (signal.aborted) throw fail(`The link did not answer within ${ctx.config.PARLEY_API_FETCH_TIMEOUT_MS} ms.`);
      if ((err as { code?: string }).code === 'PARLEY_PRIVATE_ADDRESS') throw fail(PRIVATE_REFUSED);
      throw fail(`The link could not be fetched (${(err as { code?: string }).code ?? (err as Error).message}).`);
    }
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      if (hop >= MAX_REDIRECTS) throw fail(`The link redirects more than ${MAX_REDIRECTS} times.`);
      try {
        url = new URL(res.headers.location, url);
      } catch {
        throw fail('The link redirects to an invalid URL.');
      }
      continue;
    }
    if (status < 200 || status >= 300) {
      res.resume();
      throw fail(`The link answered HTTP ${status}.`);
    }
    const length = res.headers['content-length'];
    if (length !== undefined && /^\d+$/.test(length) && Number(length) > limit) {
      res.destroy();
      throw fail(`The linked file has ${length} bytes; at most ${limit} are allowed.`);
    }
    try {
      const file = await receiveUpload(ctx, res, limit);
      return { file, contentType: res.headers['content-type'], fileName: fileNameOf(url) };
    } catch (err) {
      res.destroy();
      if (signal.aborted) throw fail(`The link did not answer within ${ctx.config.PARLEY_API_FETCH_TIMEOUT_MS} ms.`);
      if ((err as { code?: string }).code === 'MEDIA_TOO_LARGE') throw fail(`The linked file is larger than ${limit} bytes.`);
      throw fail('The linked file could not be read to the end.');
    }
  }
}

const caches = new WeakMap<Ctx, Map<string, { mediaId: string; until: number }>>();

/**
 * The medium behind a link, as a medium of `kind` uploaded by the business: fetched, checked
 * (types and sizes of §5.5) and stored, or taken from the ~10-minute cache of this WABA. Throws
 * a GraphError 131053 saying why it is unusable.
 */
export async function fetchLinkMedia(ctx: Ctx, owner: { accountId: string; wabaId: string }, link: string, kind: MediaKind): Promise<Media> {
  let cache = caches.get(ctx);
  if (!cache) caches.set(ctx, (cache = new Map()));
  const key = `${owner.wabaId}\n${kind}\n${link}`;
  const hit = cache.get(key);
  if (hit && hit.until > ctx.clock.now()) {
    const row = await ctx.db.selectFrom('media').selectAll().where('id', '=', hit.mediaId).executeTakeFirst();
    if (row) return toMedia(row);
  }
  cache.delete(key);

  const fetched = await fetchToTemp(ctx, link, API_MEDIA_LIMITS[kind]);
  try {
    await checkApiMedia(kind, fetched.contentType, fetched.file);
    const { media } = await storeApiMedia(ctx, owner.accountId, { kind, declaredType: fetched.contentType, fileName: fetched.fileName, file: fetched.file });
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(key, { mediaId: media.id, until: ctx.clock.now() + CACHE_MS });
    ctx.log.debug({ msg: 'api.media.fetched', wabaId: owner.wabaId, kind, size: media.size });
    return media;
  } finally {
    await discardReceived(fetched.file);
  }
}
