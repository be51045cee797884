/**
 * @module domain/api/message-types/media
 * `type: image | video | document | audio | sticker` (reference §3.4): a media object with exactly
 * one of `id` (an API media id of the WABA) or `link` (an http/https URL), plus `caption` (image,
 * video, document; ≤1024), `filename` (document) or `voice` (audio: true sends a voice note).
 *
 * By `id` the message is built at once. By `link` the request is answered at once with the wamid
 * of the message to come; the medium is then fetched in the background (media-fetch.ts) and the
 * message stored under that very id. A link that cannot be used gives a `failed` status webhook
 * with code 131053 for that wamid, and nothing in the chat.
 */
import type { MediaKind, MessageKind } from '#contracts/models.js';
import { newMessageId } from '../../messaging/index.js';
import { cleanFileName } from '../../media/index.js';
import { GraphError, type GraphErrorCode } from '../graph-error.js';
import { toWamid } from '../ids.js';
import { fetchLinkMedia } from '../media-fetch.js';
import { failUnknownRecipient, sendAsBusiness } from '../send.js';
import { enqueueWebhook, statusPayload, webhooksEnqueued } from '../webhooks.js';
import { checkLength, objectParam, onlyKeys, optionalString } from './check.js';
import { mediaSource, resolveMediaId, type ResolvedMedia } from './media-param.js';
import type { BuildContext, BuiltMessage, Json, MessageBuilder } from './types.js';

export const CAPTION_MAX = 1024;
export const FILENAME_MAX = 255;

type MediaType = 'image' | 'video' | 'document' | 'audio' | 'sticker';

const EXTRA_KEYS: Record<MediaType, readonly string[]> = {
  image: ['caption'],
  video: ['caption'],
  document: ['caption', 'filename'],
  audio: ['voice'],
  sticker: [],
};

/** A document without a file name is named after its type. */
const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.ms-powerpoint': 'ppt',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
};

function documentName(given: string | undefined, media: ResolvedMedia): string {
  const name = cleanFileName(given) ?? media.fileName;
  if (name) return name;
  const ext = EXTENSIONS[media.mimeType.split(';')[0]!.trim()];
  return ext ? `document.${ext}` : 'document';
}

/** The checked object of one media type, and how to turn its medium into a message. */
function parse(type: MediaType, value: unknown): { obj: Json; kind: MediaKind; compose: (media: ResolvedMedia) => BuiltMessage } {
  const obj = objectParam(value, type);
  onlyKeys(obj, ['id', 'link', ...EXTRA_KEYS[type]], type);
  let caption = optionalString(obj, 'caption', `${type}.caption`);
  if (caption !== undefined) caption = caption === '' ? undefined : checkLength(caption, CAPTION_MAX, `${type}.caption`);
  const filename = optionalString(obj, 'filename', `${type}.filename`);
  if (filename !== undefined) checkLength(filename, FILENAME_MAX, `${type}.filename`);
  if (obj.voice !== undefined && typeof obj.voice !== 'boolean') throw new GraphError(131009, 'Param audio.voice must be a boolean.');
  const withCaption = caption !== undefined ? { caption } : {};
  switch (type) {
    case 'image':
    case 'video':
      return { obj, kind: type, compose: (m) => ({ kind: type, content: withCaption, mediaId: m.mediaId }) };
    case 'document':
      return { obj, kind: 'document', compose: (m) => ({ kind: 'document', content: { fileName: documentName(filename, m), ...withCaption }, mediaId: m.mediaId }) };
    case 'audio': {
      const kind: MessageKind = obj.voice === true ? 'voice' : 'audio';
      return { obj, kind: 'audio', compose: (m) => ({ kind, content: {}, mediaId: m.mediaId }) };
    }
    case 'sticker':
      return { obj, kind: 'sticker', compose: (m) => ({ kind: 'sticker', content: {}, mediaId: m.mediaId }) };
  }
}

/** Fetch the link, then send under the announced id; on failure a `failed` status webhook instead. */
function sendFromLinkLater(b: BuildContext, customerId: string, link: string, kind: MediaKind, compose: (media: ResolvedMedia) => BuiltMessage, messageId: string, wamid: string): void {
  const { ctx, num, waId, replyTo, bizOpaqueCallbackData } = b;
  const failed = async (code: GraphErrorCode, details: string) => {
    const now = ctx.clock.now();
    const n = await ctx.writes.run(async (tx) =>
      enqueueWebhook(tx, num.wabaId, 'messages', statusPayload(num, { wamid, status: 'failed', at: now, recipientWaId: waId, bizOpaqueCallbackData, error: { code, details } }), now),
    );
    if (n > 0) webhooksEnqueued(ctx);
  };
  const run = async () => {
    let media: ResolvedMedia;
    try {
      const m = await fetchLinkMedia(ctx, num, link, kind);
      media = { mediaId: m.id, fileName: m.fileName, mimeType: m.mimeType };
    } catch (err) {
      ctx.log.info({ msg: 'api.media.link_failed', wabaId: num.wabaId, reason: err instanceof GraphError ? err.details : String(err) });
      await failed(131053, err instanceof GraphError ? err.details : 'The linked medium could not be fetched.');
      return;
    }
    try {
      await sendAsBusiness(ctx, num, customerId, waId, { ...compose(media), messageId, replyTo }, bizOpaqueCallbackData);
    } catch (err) {
      if (!(err instanceof GraphError)) ctx.log.error({ msg: 'api.media.link_send_failed', err });
      await failed(err instanceof GraphError ? err.code : 131000, err instanceof GraphError ? err.details : 'The message could not be sent.');
    }
  };
  // Not awaited: the request is answered with the wamid at once.
  run().catch((err: unknown) => ctx.log.error({ msg: 'api.media.link_send_failed', err }));
}

function mediaBuilder(type: MediaType): MessageBuilder {
  return async (b, value) => {
    const { obj, kind, compose } = parse(type, value);
    const source = mediaSource(obj, type);
    if ('id' in source) return compose(await resolveMediaId(b, obj, type, kind));
    if (!b.customerId) return { done: true, wamid: await failUnknownRecipient(b.ctx, b.num, b.waId, b.bizOpaqueCallbackData) };
    const messageId = newMessageId(b.ctx.clock.now());
    const wamid = toWamid(b.waId, messageId);
    sendFromLinkLater(b, b.customerId, source.link, kind, compose, messageId, wamid);
    return { done: true, wamid };
  };
}

export const buildImage = mediaBuilder('image');
export const buildVideo = mediaBuilder('video');
export const buildDocument = mediaBuilder('document');
export const buildAudio = mediaBuilder('audio');
export const buildSticker = mediaBuilder('sticker');
