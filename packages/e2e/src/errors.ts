/**
 * @module e2e/errors
 * Errors of the end-to-end library, with stable codes the app can show or act on.
 */
export type E2eErrorCode =
  | 'CREDENTIAL_INVALID'
  | 'NO_GROUP'
  | 'NOT_ENVELOPE'
  | 'DECRYPT_FAILED'
  | 'KIND_MISMATCH'
  | 'MEDIA_TAMPERED'
  | 'WELCOME_NOT_FOR_US'
  | 'STALE_EPOCH';

export class E2eError extends Error {
  constructor(
    readonly code: E2eErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'E2eError';
  }
}
