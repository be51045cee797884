/**
 * @module e2e/suite
 * The one MLS ciphersuite Parley uses (see docs/adr/0007): X-Wing (X25519 + ML-KEM-768) hybrid KEM,
 * AES-256-GCM, SHA-512, Ed25519 signatures.
 */
import { getCiphersuiteFromName, getCiphersuiteImpl, type CiphersuiteImpl, type CiphersuiteName } from 'ts-mls';

export const CIPHERSUITE: CiphersuiteName = 'MLS_256_XWING_AES256GCM_SHA512_Ed25519';

let impl: Promise<CiphersuiteImpl> | null = null;

/** The ciphersuite implementation, created once per process or page. */
export function suite(): Promise<CiphersuiteImpl> {
  impl ??= getCiphersuiteImpl(getCiphersuiteFromName(CIPHERSUITE));
  return impl;
}
