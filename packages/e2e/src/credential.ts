/**
 * @module e2e/credential
 * Parley's device credential: an MLS basic credential whose identity bytes are
 * `parley-cred-1.<base64url(JSON claims)>.<base64url(Ed25519 signature)>`, signed by the server over
 * the ASCII text `parley-cred-1.<base64url(JSON claims)>`. It binds a device's signature key to its
 * account, device and verified phone number. The server builds it with `credentialSigningText` and
 * `assembleCredential`; every client checks it with `verifyCredential`.
 */
import type { AuthenticationService, Credential } from 'ts-mls';
import { bytesEqual, fromBase64, fromBase64Url, fromUtf8, toBase64Url, utf8 } from './bytes.js';
import { E2eError } from './errors.js';
import { suite } from './suite.js';

export const CREDENTIAL_PREFIX = 'parley-cred-1';

export interface CredentialClaims {
  v: 1;
  accountId: string;
  deviceId: string;
  /** E.164 phone number the account verified. */
  phone: string;
  /** The device's Ed25519 signature public key, base64. */
  signatureKey: string;
  issuedAt: number;
}

/** The text the server signs. */
export function credentialSigningText(claims: CredentialClaims): string {
  const json = JSON.stringify({ v: 1, accountId: claims.accountId, deviceId: claims.deviceId, phone: claims.phone, signatureKey: claims.signatureKey, issuedAt: claims.issuedAt });
  return `${CREDENTIAL_PREFIX}.${toBase64Url(utf8(json))}`;
}

/** The credential's identity bytes from the signed text and the server's signature. */
export function assembleCredential(signingText: string, signature: Uint8Array): Uint8Array {
  return utf8(`${signingText}.${toBase64Url(signature)}`);
}

function isClaims(x: unknown): x is CredentialClaims {
  const c = x as Record<string, unknown> | null;
  return (
    !!c &&
    c.v === 1 &&
    typeof c.accountId === 'string' &&
    typeof c.deviceId === 'string' &&
    typeof c.phone === 'string' &&
    typeof c.signatureKey === 'string' &&
    typeof c.issuedAt === 'number'
  );
}

/** Split and decode a credential without checking its signature. */
export function parseCredential(identity: Uint8Array): { claims: CredentialClaims; signingText: string; signature: Uint8Array } {
  try {
    const parts = fromUtf8(identity).split('.');
    if (parts.length !== 3 || parts[0] !== CREDENTIAL_PREFIX) throw new Error('shape');
    const claims: unknown = JSON.parse(fromUtf8(fromBase64Url(parts[1]!)));
    if (!isClaims(claims)) throw new Error('claims');
    return { claims, signingText: `${parts[0]}.${parts[1]}`, signature: fromBase64Url(parts[2]!) };
  } catch {
    throw new E2eError('CREDENTIAL_INVALID', 'This is not a Parley device credential.');
  }
}

/**
 * Check a credential: the server's key signed it and it names `signaturePublicKey`. Returns the
 * claims; throws CREDENTIAL_INVALID otherwise.
 */
export async function verifyCredential(identity: Uint8Array, signaturePublicKey: Uint8Array, serverKey: Uint8Array): Promise<CredentialClaims> {
  const { claims, signingText, signature } = parseCredential(identity);
  const cs = await suite();
  const ok = await cs.signature.verify(serverKey, utf8(signingText), signature).catch(() => false);
  if (!ok) throw new E2eError('CREDENTIAL_INVALID', 'The credential was not signed by this server.');
  if (!bytesEqual(fromBase64(claims.signatureKey), signaturePublicKey)) throw new E2eError('CREDENTIAL_INVALID', 'The credential names another signature key.');
  return claims;
}

/** Claims of an MLS credential that is a Parley credential (not verified), or null. */
export function claimsOf(credential: Credential): CredentialClaims | null {
  if (credential.credentialType !== 'basic') return null;
  try {
    return parseCredential(credential.identity).claims;
  } catch {
    return null;
  }
}

/** The ts-mls authentication service: every leaf's credential must verify against the server's key. */
export function authenticationService(serverKey: Uint8Array): AuthenticationService {
  return {
    async validateCredential(credential: Credential, signaturePublicKey: Uint8Array): Promise<boolean> {
      if (credential.credentialType !== 'basic') return false;
      try {
        await verifyCredential(credential.identity, signaturePublicKey, serverKey);
        return true;
      } catch {
        return false;
      }
    },
  };
}
