/**
 * @module domain/api/manage/blocks
 * `GET|POST|DELETE /{pnid}/block_users` (reference §9.4) on the business account's ordinary Parley
 * blocks (domain/accounts doBlock/doUnblock): a blocked customer's messages are withheld (so no
 * inbound webhook either) and the business cannot message them, exactly as a block made in the web
 * app. Only customers who wrote to the business in the last 24 hours can be blocked (131047 per
 * user); unblocking has no such rule. Partial failure answers 400 with the lists and a 139100 error,
 * as the Cloud API does. A token with either scope may use it.
 */
import { accountTopic, type Ctx } from '../../../context.js';
import { doBlock, doUnblock } from '../../accounts/index.js';
import { GraphError, graphTitle, type GraphErrorCode } from '../graph-error.js';
import { waDigits } from '../ids.js';
import { accessPhoneNumber, normalizeTo } from '../send.js';
import type { ApiPrincipal } from '../setup.js';
import { isObject, type Json } from '../message-types/index.js';
import { checkMessagingProduct, mergedParams, onlyParams, page, paramError, type Paged } from './params.js';
import { customerWindowOpen } from '../policy.js';

export const BLOCK_USERS_PER_REQUEST = 1000;

function requireAnyScope(principal: ApiPrincipal): void {
  if (principal.scopes.length === 0) throw new GraphError(10, 'This access token has no WhatsApp permission.');
}

/** `GET /{pnid}/block_users`: the business's blocked customers, most recent first, paged. */
export async function listBlockedUsers(ctx: Ctx, principal: ApiPrincipal, phoneNumberId: string, query: Json, url: URL): Promise<Paged<Json>> {
  const num = await accessPhoneNumber(ctx, principal, phoneNumberId, 'GET');
  requireAnyScope(principal);
  const rows = await ctx.db
    .selectFrom('blocks as b')
    .innerJoin('accounts as a', 'a.id', 'b.blocked_id')
    .select(['a.phone'])
    .where('b.blocker_id', '=', num.accountId)
    .orderBy('b.created_at', 'desc')
    .orderBy('b.blocked_id')
    .execute();
  return page(
    rows.map((r) => ({ messaging_product: 'whatsapp', wa_id: waDigits(r.phone) })),
    query,
    url,
  );
}

interface UserResult {
  input: string;
  wa_id?: string;
  errors?: { message: string; code: GraphErrorCode; error_data: { details: string } }[];
}

const failure = (input: string, waId: string | undefined, code: GraphErrorCode, details: string): UserResult => ({
  input,
  ...(waId ? { wa_id: waId } : {}),
  errors: [{ message: graphTitle(code), code, error_data: { details } }],
});

/** The users of the body, checked before anything is written. */
function usersOf(query: unknown, body: unknown): string[] {
  const params = mergedParams(query, body);
  onlyParams(params, ['messaging_product', 'block_users']);
  checkMessagingProduct(params, true);
  const list = params.block_users;
  if (list === undefined) throw paramError('The parameter block_users is required.');
  if (!Array.isArray(list)) throw paramError('Param block_users must be an array of {"user": "<phone number or wa_id>"}.');
  if (list.length > BLOCK_USERS_PER_REQUEST) throw paramError(`Param block_users may hold at most ${BLOCK_USERS_PER_REQUEST} users.`);
  return list.map((item, i) => {
    if (!isObject(item)) throw paramError(`Param block_users[${i}] must be an object.`);
    if (item.user_id !== undefined && item.user === undefined) throw paramError(`Param block_users[${i}].user_id (business-scoped user ids) is not supported; use user.`);
    onlyParams(item, ['user']);
    if (typeof item.user !== 'string') throw paramError(`Param block_users[${i}].user must be a string.`);
    return item.user;
  });
}

/**
 * The answer: the lists, and when some users failed the 139100 error the HTTP layer renders next to
 * them (status 400, `error` in the Graph envelope).
 */
export interface BlockAnswer {
  body: { messaging_product: 'whatsapp'; block_users: Json };
  error: GraphError | null;
}

function answer(listKey: 'added_users' | 'removed_users', done: UserResult[], failed: UserResult[], verb: 'block' | 'unblock'): BlockAnswer {
  const lists: Json = { [listKey]: done };
  if (failed.length === 0) return { body: { messaging_product: 'whatsapp', block_users: lists }, error: null };
  lists.failed_users = failed;
  return { body: { messaging_product: 'whatsapp', block_users: lists }, error: new GraphError(139100, `Failed to ${verb} some users, see the block_users response list for details`) };
}

/** `POST /{pnid}/block_users`. */
export async function blockUsers(ctx: Ctx, principal: ApiPrincipal, phoneNumberId: string, query: unknown, body: unknown): Promise<BlockAnswer> {
  const num = await accessPhoneNumber(ctx, principal, phoneNumberId, 'POST');
  requireAnyScope(principal);
  const inputs = usersOf(query, body);
  const { added, failed } = await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const added: UserResult[] = [];
    const failed: UserResult[] = [];
    for (const input of inputs) {
      let waId: string;
      try {
        waId = normalizeTo(input);
      } catch {
        failed.push(failure(input, undefined, 131009, 'This is not a phone number or wa_id.'));
        continue;
      }
      const account = await tx.selectFrom('accounts').select(['id', 'kind']).where('phone', '=', '+' + waId).executeTakeFirst();
      if (account && account.id === num.accountId) {
        failed.push(failure(input, waId, 131009, 'A business cannot block its own number.'));
        continue;
      }
      if (account?.kind === 'business') {
        failed.push(failure(input, waId, 131009, 'Business accounts cannot be blocked with this API.'));
        continue;
      }
      const already = account ? await tx.selectFrom('blocks').select('blocked_id').where('blocker_id', '=', num.accountId).where('blocked_id', '=', account.id).executeTakeFirst() : undefined;
      if (account && already) {
        added.push({ input, wa_id: waId });
        continue;
      }
      // Only customers whose service window is open may be blocked (the policy decides the window).
      if (!account || !(await customerWindowOpen(tx, num.accountId, account.id, now))) {
        failed.push(failure(input, waId, 131047, 'User has not messaged this business in the last 24 hours.'));
        continue;
      }
      await doBlock(tx, num.accountId, account.id, now);
      added.push({ input, wa_id: waId });
    }
    if (added.length > 0) emit({ topic: accountTopic(num.accountId), event: { kind: 'account.changed' } });
    return { added, failed };
  });
  return answer('added_users', added, failed, 'block');
}

/** `DELETE /{pnid}/block_users`: unblocking is not limited to recent customers; not blocked is fine. */
export async function unblockUsers(ctx: Ctx, principal: ApiPrincipal, phoneNumberId: string, query: unknown, body: unknown): Promise<BlockAnswer> {
  const num = await accessPhoneNumber(ctx, principal, phoneNumberId, 'DELETE');
  requireAnyScope(principal);
  const inputs = usersOf(query, body);
  const { removed, failed } = await ctx.writes.run(async (tx, emit) => {
    const removed: UserResult[] = [];
    const failed: UserResult[] = [];
    let changed = false;
    for (const input of inputs) {
      let waId: string;
      try {
        waId = normalizeTo(input);
      } catch {
        failed.push(failure(input, undefined, 131009, 'This is not a phone number or wa_id.'));
        continue;
      }
      const account = await tx.selectFrom('accounts').select('id').where('phone', '=', '+' + waId).executeTakeFirst();
      if (account && (await doUnblock(tx, num.accountId, account.id))) changed = true;
      removed.push({ input, wa_id: waId });
    }
    if (changed) emit({ topic: accountTopic(num.accountId), event: { kind: 'account.changed' } });
    return { removed, failed };
  });
  return answer('removed_users', removed, failed, 'unblock');
}
