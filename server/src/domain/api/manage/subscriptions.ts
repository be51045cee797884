/**
 * @module domain/api/manage/subscriptions
 * `GET|POST|DELETE /{waba_id}/subscribed_apps` (reference §6.1) on Parley's apps and their webhook
 * subscriptions (domain/api/setup). An app is subscribed when it has a callback URL; POST with
 * `override_callback_uri` and `verify_token` sets it after the `hub.challenge` handshake (2200 when
 * the handshake fails), DELETE removes it (pending events of the app are then dropped by the
 * dispatcher). Parley tokens belong to the WABA, not to one app: the app is the WABA's only app, or
 * the one named by `app_id` (a Parley extension) when there are several.
 */
import type { Actor, Ctx } from '../../../context.js';
import { AppError } from '../../../errors.js';
import { notifyBusinessChanged } from '../../messaging/index.js';
import { GraphError } from '../graph-error.js';
import { requireScope } from '../send.js';
import { setWebhook, type ApiPrincipal } from '../setup.js';
import type { Json } from '../message-types/index.js';
import { accessWaba } from './numbers.js';
import { mergedParams, onlyParams, paramError, stringParam } from './params.js';

export interface SubscribedApp {
  whatsapp_business_api_data: { id: string; name: string; link: string };
  override_callback_uri: string;
}

/** `GET /{waba_id}/subscribed_apps`. */
export async function listSubscribedApps(ctx: Ctx, principal: ApiPrincipal, wabaId: string, baseUrl: string): Promise<{ data: SubscribedApp[] }> {
  accessWaba(principal, wabaId, 'GET');
  requireScope(principal, 'management');
  const rows = await ctx.db
    .selectFrom('api_apps as a')
    .innerJoin('webhook_subscriptions as s', 's.app_id', 'a.id')
    .select(['a.id', 'a.name', 's.callback_url'])
    .where('a.waba_id', '=', wabaId)
    .orderBy('a.created_at')
    .execute();
  return { data: rows.map((r) => ({ whatsapp_business_api_data: { id: r.id, name: r.name, link: baseUrl }, override_callback_uri: r.callback_url })) };
}

async function chooseApp(ctx: Ctx, wabaId: string, appId: string | undefined): Promise<{ id: string; hasWebhook: boolean }> {
  const apps = await ctx.db
    .selectFrom('api_apps as a')
    .leftJoin('webhook_subscriptions as s', 's.app_id', 'a.id')
    .select(['a.id', 's.callback_url'])
    .where('a.waba_id', '=', wabaId)
    .orderBy('a.created_at')
    .execute();
  if (appId !== undefined) {
    const app = apps.find((a) => a.id === appId);
    if (!app) throw paramError(`Param app_id does not name an app of this WhatsApp Business Account.`);
    return { id: app.id, hasWebhook: !!app.callback_url };
  }
  if (apps.length === 0) throw paramError('This WhatsApp Business Account has no app yet: create one in the business settings (or with `parley api app`).');
  if (apps.length > 1) throw paramError('This WhatsApp Business Account has several apps: name one with app_id.');
  return { id: apps[0]!.id, hasWebhook: !!apps[0]!.callback_url };
}

const actorOf = (principal: ApiPrincipal): Actor => ({ accountId: principal.accountId, deviceId: 'api' });

/** `POST /{waba_id}/subscribed_apps` [`{"override_callback_uri":"…","verify_token":"…"}`]. */
export async function subscribeApp(ctx: Ctx, principal: ApiPrincipal, wabaId: string, query: unknown, body: unknown): Promise<{ success: true }> {
  accessWaba(principal, wabaId, 'POST');
  requireScope(principal, 'management');
  const params: Json = mergedParams(query, body);
  onlyParams(params, ['override_callback_uri', 'verify_token', 'app_id', 'subscribed_fields']);
  const uri = stringParam(params, 'override_callback_uri');
  const verifyToken = stringParam(params, 'verify_token');
  const app = await chooseApp(ctx, wabaId, stringParam(params, 'app_id'));
  if (uri === undefined) {
    if (verifyToken !== undefined) throw paramError('Param verify_token goes with override_callback_uri.');
    if (!app.hasWebhook) throw paramError('The app has no callback URL yet: send override_callback_uri and verify_token.');
    return { success: true };
  }
  if (verifyToken === undefined) throw paramError('The parameter verify_token is required with override_callback_uri.');
  try {
    await setWebhook(ctx, actorOf(principal), app.id, { callbackUrl: uri, verifyToken });
  } catch (err) {
    if (err instanceof AppError) {
      if (err.code === 'WEBHOOK_VERIFICATION_FAILED') throw new GraphError(2200, err.message, { message: `(#2200) Callback verification failed: ${err.message}` });
      throw paramError(`Param override_callback_uri: ${err.message}`);
    }
    throw err;
  }
  return { success: true };
}

/** `DELETE /{waba_id}/subscribed_apps`: the app gets no more webhooks. */
export async function unsubscribeApp(ctx: Ctx, principal: ApiPrincipal, wabaId: string, query: unknown, body: unknown): Promise<{ success: true }> {
  accessWaba(principal, wabaId, 'DELETE');
  requireScope(principal, 'management');
  const params = mergedParams(query, body);
  onlyParams(params, ['app_id']);
  const app = await chooseApp(ctx, wabaId, stringParam(params, 'app_id'));
  await ctx.writes.run(async (tx, emit) => {
    const res = await tx.deleteFrom('webhook_subscriptions').where('app_id', '=', app.id).executeTakeFirst();
    if (Number(res.numDeletedRows) > 0) await notifyBusinessChanged(tx, emit, principal.accountId, 'api', ctx.clock.now());
  });
  return { success: true };
}
