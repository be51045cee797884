/**
 * @module domain/api/manage/qr
 * Prefilled-message QR codes, `/{pnid}/message_qrdls[/{code}]` (reference §9.5). Each code is a
 * Parley short link: `deep_link_url` is `/l/{code}`, which the ordinary short-link route resolves
 * (domain/reach resolveShortLink) to a chat with the business and the prefilled text;
 * `qr_image_url` serves a real QR image of that link (PNG or SVG, public like the link itself).
 */
import { randomInt } from 'node:crypto';
import QRCode from 'qrcode';
import type { Ctx } from '../../../context.js';
import type { ApiQrCodesTable } from '../../../tables.js';
import { AppError } from '../../../errors.js';
import { notifyBusinessChanged } from '../../messaging/index.js';
import { checkPrefilledText } from '../../reach/index.js';
import { accessPhoneNumber, requireScope } from '../send.js';
import type { ApiPrincipal } from '../setup.js';
import type { Json } from '../message-types/index.js';
import { mergedParams, onlyParams, paramError, stringParam } from './params.js';

export const QR_CODES_PER_NUMBER = 2000;
const CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const CODE_RE = /^[A-Z0-9]{14}$/;

export interface QrView {
  code: string;
  prefilled_message: string;
  deep_link_url: string;
  qr_image_url: string;
}

/** 14 characters of [A-Z0-9] (≈72 bits), shaped like the Cloud API's codes. */
export function newQrCode(): string {
  let s = '';
  for (let i = 0; i < 14; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return s;
}

export function toQrView(row: ApiQrCodesTable, baseUrl: string): QrView {
  return {
    code: row.code,
    prefilled_message: row.prefilled_message,
    deep_link_url: `${baseUrl}/l/${row.code}`,
    qr_image_url: `${baseUrl}/v1/api-assets/qr/${row.code}.${row.image_format.toLowerCase()}`,
  };
}

function checkMessage(params: Json): string {
  const raw = stringParam(params, 'prefilled_message', { required: true });
  let text: string;
  try {
    text = checkPrefilledText(raw);
  } catch (err) {
    if (err instanceof AppError) throw paramError(`Param prefilled_message: ${err.message}`);
    throw err;
  }
  if (text === '') throw paramError('Param prefilled_message must not be empty.');
  return text;
}

function checkFormat(params: Json): 'PNG' | 'SVG' | undefined {
  const f = stringParam(params, 'generate_qr_image');
  if (f === undefined) return undefined;
  const upper = f.toUpperCase();
  if (upper !== 'PNG' && upper !== 'SVG') throw paramError('Param generate_qr_image must be PNG or SVG.');
  return upper;
}

function unknownCode(code: string) {
  return paramError(`No QR code "${code.slice(0, 40)}" on this phone number.`);
}

/** `GET /{pnid}/message_qrdls[?code=…]` and `GET /{pnid}/message_qrdls/{code}` → `{"data":[…]}`. */
export async function listQrCodes(ctx: Ctx, principal: ApiPrincipal, phoneNumberId: string, code: string | undefined, baseUrl: string): Promise<{ data: QrView[] }> {
  await accessPhoneNumber(ctx, principal, phoneNumberId, 'GET');
  requireScope(principal, 'management');
  let q = ctx.db.selectFrom('api_qr_codes').selectAll().where('phone_number_id', '=', phoneNumberId);
  if (code !== undefined) q = q.where('code', '=', code);
  const rows = await q.orderBy('created_at', 'desc').orderBy('code').execute();
  return { data: rows.map((r) => toQrView(r, baseUrl)) };
}

/**
 * `POST /{pnid}/message_qrdls` (create, or update when `code` is given) and
 * `POST /{pnid}/message_qrdls/{code}` (update). Parameters from the query or the JSON body.
 */
export async function saveQrCode(ctx: Ctx, principal: ApiPrincipal, phoneNumberId: string, pathCode: string | undefined, query: unknown, body: unknown, baseUrl: string): Promise<QrView> {
  const num = await accessPhoneNumber(ctx, principal, phoneNumberId, 'POST');
  requireScope(principal, 'management');
  const params = mergedParams(query, body);
  onlyParams(params, ['prefilled_message', 'generate_qr_image', 'code']);
  const code = pathCode ?? stringParam(params, 'code');
  const text = checkMessage(params);
  const format = checkFormat(params);
  const row = await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    let saved: ApiQrCodesTable;
    if (code !== undefined) {
      const existing = CODE_RE.test(code) ? await tx.selectFrom('api_qr_codes').selectAll().where('code', '=', code).where('phone_number_id', '=', phoneNumberId).executeTakeFirst() : undefined;
      if (!existing) throw unknownCode(code);
      saved = { ...existing, prefilled_message: text, image_format: format ?? existing.image_format, updated_at: now };
      await tx.updateTable('api_qr_codes').set({ prefilled_message: saved.prefilled_message, image_format: saved.image_format, updated_at: now }).where('code', '=', code).execute();
    } else {
      const count = await tx.selectFrom('api_qr_codes').select((eb) => eb.fn.countAll<number>().as('n')).where('phone_number_id', '=', phoneNumberId).executeTakeFirstOrThrow();
      if (Number(count.n) >= QR_CODES_PER_NUMBER) throw paramError(`A phone number may have at most ${QR_CODES_PER_NUMBER} QR codes; delete one first.`);
      let fresh = newQrCode();
      while (await tx.selectFrom('api_qr_codes').select('code').where('code', '=', fresh).executeTakeFirst()) fresh = newQrCode();
      saved = { code: fresh, phone_number_id: phoneNumberId, account_id: num.accountId, prefilled_message: text, image_format: format ?? 'PNG', created_at: now, updated_at: now };
      await tx.insertInto('api_qr_codes').values(saved).execute();
    }
    await notifyBusinessChanged(tx, emit, num.accountId, 'api', now);
    return saved;
  });
  return toQrView(row, baseUrl);
}

/** `DELETE /{pnid}/message_qrdls/{code}`: the link stops resolving at once. */
export async function deleteQrCode(ctx: Ctx, principal: ApiPrincipal, phoneNumberId: string, code: string): Promise<{ success: true }> {
  const num = await accessPhoneNumber(ctx, principal, phoneNumberId, 'DELETE');
  requireScope(principal, 'management');
  await ctx.writes.run(async (tx, emit) => {
    const res = CODE_RE.test(code) ? await tx.deleteFrom('api_qr_codes').where('code', '=', code).where('phone_number_id', '=', phoneNumberId).executeTakeFirst() : null;
    if (!res || Number(res.numDeletedRows) === 0) throw unknownCode(code);
    await notifyBusinessChanged(tx, emit, num.accountId, 'api', ctx.clock.now());
  });
  return { success: true };
}

/** Public: the QR image of a code's deep link (null when the code does not exist). */
export async function qrImage(ctx: Ctx, file: string, baseUrl: string): Promise<{ type: 'png' | 'svg'; data: Buffer | string } | null> {
  const m = /^([A-Z0-9]{14})\.(png|svg)$/.exec(file);
  if (!m) return null;
  const row = await ctx.db.selectFrom('api_qr_codes').select('code').where('code', '=', m[1]!).executeTakeFirst();
  if (!row) return null;
  const url = `${baseUrl}/l/${row.code}`;
  const opts = { errorCorrectionLevel: 'M' as const, margin: 2 };
  const type = m[2] as 'png' | 'svg';
  const data = type === 'png' ? await QRCode.toBuffer(url, { ...opts, type: 'png', width: 512 }) : await QRCode.toString(url, { ...opts, type: 'svg' });
  return { type, data };
}
