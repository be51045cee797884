/**
 * @module domain/api/graph-error
 * Errors of the Cloud-API-compatible layer, in the Graph API's terms: a numeric code, an HTTP
 * status, a title and details (reference §4). The Graph routes render them in the Graph envelope;
 * Parley's own AppErrors met on the way are mapped to these in one table (http/graph/errors.ts).
 */

interface GraphCode {
  status: number;
  /** `(#code) title` for WhatsApp codes; plain message for Graph auth errors. */
  message: string;
  type: 'OAuthException' | 'GraphMethodException';
  /** Whether error_data { messaging_product, details } is sent. */
  whatsapp: boolean;
}

export const graphCodes = {
  100: { status: 400, message: '(#100) Invalid parameter', type: 'OAuthException', whatsapp: true },
  104: { status: 401, message: 'An access token is required to request this resource.', type: 'OAuthException', whatsapp: false },
  190: { status: 401, message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', whatsapp: false },
  10: { status: 403, message: '(#10) Application does not have permission for this action', type: 'OAuthException', whatsapp: true },
  2500: { status: 400, message: 'Unknown path components', type: 'OAuthException', whatsapp: false },
  131000: { status: 500, message: '(#131000) Something went wrong', type: 'OAuthException', whatsapp: true },
  131008: { status: 400, message: '(#131008) Required parameter is missing', type: 'OAuthException', whatsapp: true },
  131009: { status: 400, message: '(#131009) Parameter value is not valid', type: 'OAuthException', whatsapp: true },
  131021: { status: 400, message: '(#131021) Recipient cannot be sender', type: 'OAuthException', whatsapp: true },
  131026: { status: 400, message: '(#131026) Message undeliverable', type: 'OAuthException', whatsapp: true },
  131051: { status: 400, message: '(#131051) Unsupported message type', type: 'OAuthException', whatsapp: true },
  131053: { status: 400, message: '(#131053) Media upload error', type: 'OAuthException', whatsapp: true },
  132000: { status: 400, message: '(#132000) Template param count mismatch', type: 'OAuthException', whatsapp: true },
  132001: { status: 404, message: '(#132001) Template does not exist', type: 'OAuthException', whatsapp: true },
  132005: { status: 400, message: '(#132005) Template hydrated text too long', type: 'OAuthException', whatsapp: true },
  132007: { status: 400, message: '(#132007) Template format character policy violated', type: 'OAuthException', whatsapp: true },
  132012: { status: 400, message: '(#132012) Template parameter format mismatch', type: 'OAuthException', whatsapp: true },
  132015: { status: 400, message: '(#132015) Template is paused', type: 'OAuthException', whatsapp: true },
  132016: { status: 400, message: '(#132016) Template is disabled', type: 'OAuthException', whatsapp: true },
  131047: { status: 400, message: '(#131047) Re-engagement message', type: 'OAuthException', whatsapp: true },
  130429: { status: 400, message: '(#130429) Rate limit hit', type: 'OAuthException', whatsapp: true },
  80007: { status: 400, message: '(#80007) Rate limit issues', type: 'OAuthException', whatsapp: true },
  131048: { status: 400, message: '(#131048) Spam rate limit hit', type: 'OAuthException', whatsapp: true },
  131050: { status: 400, message: '(#131050) User stopped receiving marketing messages', type: 'OAuthException', whatsapp: true },
  131056: { status: 400, message: '(#131056) (Business Account, Consumer Account) pair rate limit hit', type: 'OAuthException', whatsapp: true },
  133005: { status: 400, message: '(#133005) Two-step PIN mismatch', type: 'OAuthException', whatsapp: true },
  133008: { status: 400, message: '(#133008) Too many PIN guesses', type: 'OAuthException', whatsapp: true },
  133010: { status: 400, message: '(#133010) Phone number not registered on the platform', type: 'OAuthException', whatsapp: true },
  139100: { status: 400, message: '(#139100) Failed to block/unblock users', type: 'OAuthException', whatsapp: true },
  2200: { status: 400, message: '(#2200) Callback verification failed', type: 'OAuthException', whatsapp: false },
} as const satisfies Record<number, GraphCode>;

export type GraphErrorCode = keyof typeof graphCodes;

export class GraphError extends Error {
  constructor(
    readonly code: GraphErrorCode,
    readonly details: string,
    /** `userTitle` / `userMsg`: Graph's `error_user_title` / `error_user_msg` (template management errors carry them). */
    readonly extra: { subcode?: number; message?: string; type?: GraphCode['type']; userTitle?: string; userMsg?: string } = {},
  ) {
    super(extra.message ?? graphCodes[code].message);
  }
  get status(): number {
    return graphCodes[this.code].status;
  }
}

/** An unknown node, or one of another WABA (reported alike): code 100, subcode 33 (reference §4.1). */
export function unknownNode(method: string, id: string): GraphError {
  return new GraphError(100, `Object with ID '${id}' does not exist.`, {
    subcode: 33,
    type: 'GraphMethodException',
    message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
  });
}

/** Title of a code for webhook error objects (`message` equals `title` there). */
export function graphTitle(code: GraphErrorCode): string {
  return graphCodes[code].message.replace(/^\(#\d+\) /, '');
}
