/**
 * @module domain/reach
 * The Business app tier's reach area: short link and QR code, statistics, broadcast lists.
 */
export { getShortLink, updateShortLinkText, resetShortLink, resolveShortLink, shortLinkQr, checkPrefilledText, SHORT_LINK_AREA, type QrFormat } from './short-link.js';
export { getStats, checkPeriod, localDateFormatter, dayNumber, dateOfDayNumber, BUCKET_MS, DAY_MS } from './stats.js';
export {
  listBroadcastLists,
  getBroadcastList,
  createBroadcastList,
  updateBroadcastList,
  deleteBroadcastList,
  sendBroadcast,
  listBroadcasts,
  checkRecipients,
  BROADCASTS_AREA,
  type ListInput,
  type ListPatch,
  type BroadcastInput,
} from './broadcasts.js';
