/**
 * @module errors
 * The catalog of stable error codes. Domain code throws `AppError(code, …)` and never picks an
 * HTTP status; the HTTP layer and the WebSocket gateway render errors from this one table.
 * Every code here is documented in docs/api/errors.md (a test keeps the two in sync).
 */
export const errorCatalog = {
  // generic
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid.' },
  MALFORMED_JSON: { status: 400, message: 'The body is not valid JSON.' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'This Content-Type is not accepted here.' },
  NOT_FOUND: { status: 404, message: 'No such resource.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; try again later.' },
  INTERNAL: { status: 500, message: 'Something went wrong on the server.' },
  // authentication
  UNAUTHENTICATED: { status: 401, message: 'A valid device token is required.' },
  // registration
  PHONE_INVALID: { status: 400, message: 'This is not a valid phone number.' },
  CODE_NOT_REQUESTED: { status: 400, message: 'No verification code is pending for this number; request one first.' },
  CODE_INVALID: { status: 400, message: 'The verification code is wrong.' },
  CODE_EXPIRED: { status: 400, message: 'The verification code has expired; request a new one.' },
  CODE_ATTEMPTS_EXCEEDED: { status: 429, message: 'Too many wrong codes; request a new one.' },
  CODE_RESEND_TOO_SOON: { status: 429, message: 'A code was sent recently; wait before asking again.' },
  CODE_SEND_FAILED: { status: 502, message: 'The verification code could not be sent.' },
  // two-step verification (PIN)
  PIN_REQUIRED: { status: 403, message: 'This number is protected by two-step verification: enter its 6-digit PIN.' },
  PIN_INVALID: { status: 400, message: 'The two-step verification PIN is wrong.' },
  PIN_LOCKED: { status: 429, message: 'Too many wrong PINs; wait before trying again.' },
  PIN_TICKET_INVALID: { status: 400, message: 'This sign-in step has expired or was already used; request a new code.' },
  TWO_STEP_ALREADY_ON: { status: 409, message: 'Two-step verification is already on; change the PIN instead.' },
  TWO_STEP_OFF: { status: 409, message: 'Two-step verification is not on for this account.' },
  TWO_STEP_EMAIL_UNAVAILABLE: { status: 409, message: 'This server cannot send emails, so a recovery email cannot be set.' },
  PIN_RESET_NOT_REQUESTED: { status: 400, message: 'No PIN reset was asked for; use "Forgot PIN" first.' },
  PIN_RESET_CODE_INVALID: { status: 400, message: 'The reset code is wrong or has expired.' },
  PIN_RESET_NOT_READY: { status: 409, message: 'Without a recovery email, the PIN can be reset 7 days after it was asked for.' },
  PIN_RESET_SEND_FAILED: { status: 502, message: 'The reset email could not be sent.' },
  // accounts and devices
  ACCOUNT_NOT_FOUND: { status: 404, message: 'No Parley account has this number or id.' },
  DEVICE_NOT_FOUND: { status: 404, message: 'No such device on this account.' },
  CANNOT_BLOCK_SELF: { status: 400, message: 'You cannot block yourself.' },
  // chats and messages
  CHAT_NOT_FOUND: { status: 404, message: 'No such chat, or you are not in it.' },
  CANNOT_CHAT_WITH_SELF: { status: 400, message: 'You cannot start a chat with yourself.' },
  CONTACT_BLOCKED: { status: 403, message: 'You blocked this contact; unblock them to send messages.' },
  MESSAGE_NOT_FOUND: { status: 404, message: 'No such message in this chat.' },
  MESSAGE_TOO_LARGE: { status: 413, message: 'The message content is too large.' },
  NOT_MESSAGE_AUTHOR: { status: 403, message: 'Only the author can change this message.' },
  MESSAGE_NOT_EDITABLE: { status: 400, message: 'This kind of message cannot be edited.' },
  EDIT_WINDOW_EXPIRED: { status: 409, message: 'Messages can be edited for 15 minutes only.' },
  DELETE_WINDOW_EXPIRED: { status: 409, message: 'Messages can be deleted for everyone for 48 hours only.' },
  MESSAGE_DELETED: { status: 409, message: 'This message was deleted.' },
  REPLY_TARGET_NOT_FOUND: { status: 400, message: 'The quoted message is not in this chat.' },
  // media
  MEDIA_NOT_FOUND: { status: 404, message: 'No such media, or you may not see it.' },
  MEDIA_TOO_LARGE: { status: 413, message: 'The file is larger than this kind of media allows.' },
  MEDIA_TYPE_UNSUPPORTED: { status: 415, message: 'This file type is not supported for this kind of media.' },
  MEDIA_TYPE_MISMATCH: { status: 415, message: 'The file content does not match its declared type.' },
  MEDIA_KIND_MISMATCH: { status: 400, message: 'The attached media is not of the kind this message needs.' },
  RANGE_NOT_SATISFIABLE: { status: 416, message: 'The requested byte range is outside the file.' },
  // real-time protocol
  FRAME_MALFORMED: { status: 400, message: 'The frame is not valid JSON or lacks a type.' },
  FRAME_UNKNOWN_TYPE: { status: 400, message: 'Unknown frame type.' },
  FRAME_TOO_LARGE: { status: 413, message: 'The frame is larger than the server accepts.' },
  RESYNC_REQUIRED: { status: 410, message: 'Your cursor is older than the kept history; fetch the state again.' },
  // contacts
  CONTACTS_LIMIT_REACHED: { status: 409, message: 'You have saved as many contacts as an account may keep.' },
  // business reach: short link, statistics, broadcast lists
  // business API tier: set-up
  API_NOT_ENABLED: { status: 409, message: 'API access is not turned on for this business yet.' },
  API_APP_NOT_FOUND: { status: 404, message: 'No such API app on this business.' },
  API_TOKEN_NOT_FOUND: { status: 404, message: 'No such access token on this business.' },
  API_SCOPES_INVALID: { status: 400, message: 'Give one or more scopes: messaging, management.' },
  WEBHOOK_URL_INVALID: { status: 400, message: 'The callback URL must be an http:// or https:// URL.' },
  WEBHOOK_VERIFICATION_FAILED: { status: 400, message: 'The callback URL did not answer the verification request with the challenge.' },
  ANALYTICS_RANGE_INVALID: { status: 400, message: 'The period is not valid: give from and to in milliseconds since 1970, to not before from, at most 90 days.' },
  NOT_A_BUSINESS: { status: 403, message: 'Only a business account can do this.' },
  // business API tier: the owner's message templates
  TEMPLATE_INVALID: { status: 400, message: 'The template is not valid; see details.problems for what to fix.' },
  TEMPLATE_EXISTS: { status: 409, message: 'A template with this name and language already exists (or was deleted less than 30 days ago).' },
  TEMPLATE_NOT_FOUND: { status: 404, message: 'No such message template on this business.' },
  TEMPLATE_RATE_LIMITED: { status: 429, message: 'At most 100 templates can be created in an hour; try again later.' },
  TEMPLATE_NOT_EDITABLE: { status: 409, message: 'This template cannot be edited now (its status, its category once approved, or the edit limit of an approved template).' },
  LINK_NOT_FOUND: { status: 404, message: 'This link does not exist or was reset by the business.' },
  PREFILLED_TEXT_TOO_LONG: { status: 400, message: 'The prefilled text may be at most 140 characters.' },
  STATS_RANGE_INVALID: { status: 400, message: 'The period is not valid: give from and to as YYYY-MM-DD, from before to, at most 366 days.' },
  LIST_NOT_FOUND: { status: 404, message: 'No such broadcast list.' },
  BROADCAST_LIST_FULL: { status: 409, message: 'A broadcast list may have at most 256 recipients.' },
  BROADCAST_LISTS_LIMIT_REACHED: { status: 409, message: 'A business may have at most 50 broadcast lists.' },
  // commerce: catalog, cart and orders
  MESSAGE_KIND_RESERVED: { status: 400, message: 'This kind of message is composed by the server; use the catalog and order endpoints.' },
  PRODUCT_NOT_FOUND: { status: 404, message: 'No such product in this catalog.' },
  COLLECTION_NOT_FOUND: { status: 404, message: 'No such collection in this catalog.' },
  PRICE_INVALID: { status: 400, message: 'The price is not a valid amount for this currency.' },
  CURRENCY_UNKNOWN: { status: 400, message: 'This is not a known ISO 4217 currency code.' },
  MEDIA_NOT_IMAGE: { status: 400, message: 'Product images must be images.' },
  TOO_MANY_IMAGES: { status: 400, message: 'A product may have at most 10 images.' },
  RETAILER_ID_TAKEN: { status: 409, message: 'Another product of this catalog has this retailer id.' },
  CATALOG_FULL: { status: 409, message: 'A catalog may hold at most 500 products.' },
  COLLECTIONS_FULL: { status: 409, message: 'A catalog may have at most 50 collections.' },
  ORDER_CHAT_INVALID: { status: 400, message: 'Orders are sent by a customer in a chat with the business.' },
  ORDER_PRODUCT_HIDDEN: { status: 409, message: 'A product of this order is not available.' },
  ORDER_CURRENCY_MIXED: { status: 400, message: 'All products of an order must have the same currency.' },
  ORDER_NOT_FOUND: { status: 404, message: 'No such order, or it is not yours.' },
  ORDER_STATUS_INVALID: { status: 409, message: 'The order cannot move to this status from its current one.' },
  NOT_ORDER_BUSINESS: { status: 403, message: 'Only the business that received the order can change its status.' },
  // business tools
  QUICK_REPLY_NOT_FOUND: { status: 404, message: 'No such quick reply.' },
  QUICK_REPLY_SHORTCUT_TAKEN: { status: 409, message: 'Another quick reply already uses this shortcut.' },
  QUICK_REPLIES_FULL: { status: 409, message: 'A business can keep at most 50 quick replies.' },
  LABEL_NOT_FOUND: { status: 404, message: 'No such label.' },
  LABEL_NAME_TAKEN: { status: 409, message: 'Another label already has this name.' },
  LABELS_FULL: { status: 409, message: 'A business can keep at most 20 labels.' },
  // business accounts, profile and verification
  ALREADY_BUSINESS: { status: 409, message: 'This account is already a business account.' },
  BUSINESS_PROFILE_MANAGED: { status: 409, message: "A business's name and photo come from its business profile; change them there." },
  DEVICE_LIMIT_REACHED: { status: 403, message: 'A business account can be used on its first device and up to 4 linked devices; sign one out first.' },
  BUSINESS_FIELD_TOO_LONG: { status: 400, message: 'A business profile field is too long.' },
  BUSINESS_FIELD_INVALID: { status: 400, message: 'A business profile field is not valid.' },
  CATEGORY_UNKNOWN: { status: 400, message: 'This is not one of the business categories.' },
  TIMEZONE_INVALID: { status: 400, message: 'This is not a valid IANA time zone.' },
  HOURS_INVALID: { status: 400, message: 'The opening hours are not valid.' },
  EMAIL_INVALID: { status: 400, message: 'This is not a valid email address.' },
  WEBSITE_INVALID: { status: 400, message: 'A website must be an http or https address.' },
  TOO_MANY_WEBSITES: { status: 400, message: 'A business profile can list at most 2 websites.' },
  LOCATION_INVALID: { status: 400, message: 'The location needs a latitude between -90 and 90 and a longitude between -180 and 180.' },
  VERIFICATION_PENDING: { status: 409, message: 'A verification request is already waiting for review.' },
  VERIFICATION_NOT_FOUND: { status: 404, message: 'No such verification request.' },
  VERIFICATION_NOT_PENDING: { status: 409, message: 'This verification request was already reviewed.' },
  // platform administrators
  ADMIN_UNAUTHENTICATED: { status: 401, message: 'A valid administrator token is required.' },
  ADMIN_LOGIN_FAILED: { status: 401, message: 'The username or password is wrong.' },
  ADMIN_USERNAME_TAKEN: { status: 409, message: 'An administrator with this username already exists.' },
  // end-to-end encryption
  E2E_NO_CREDENTIAL: { status: 409, message: 'This device has no end-to-end credential yet; request one first.' },
  E2E_KEY_PACKAGE_INVALID: { status: 400, message: "A key package is not valid, or it is not this device's." },
  E2E_KEY_PACKAGES_FULL: { status: 409, message: 'A device may hold at most 100 unused key packages.' },
  E2E_COMMIT_INVALID: { status: 400, message: "This is not a commit for this chat's group." },
  E2E_EPOCH_CONFLICT: { status: 409, message: "The commit is not for the chat's current epoch; apply the newer commits and try again." },
  E2E_NOT_IN_GROUP: { status: 403, message: "This device is not in the chat's group; it may commit once it has joined from a welcome." },
  E2E_CLAIMS_RATE_LIMITED: { status: 429, message: 'Too many key-package claims from this device; try again in a minute.' },
  E2E_NOT_FOR_BUSINESS: { status: 409, message: 'Chats with a business are not end-to-end encrypted.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalog;

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message ?? errorCatalog[code].message);
  }
  get status(): number {
    return errorCatalog[this.code].status;
  }
  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
