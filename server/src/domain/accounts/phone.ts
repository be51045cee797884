/**
 * @module domain/accounts/phone
 * Phone numbers are identities: always stored and compared in E.164 form.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { AppError } from '../../errors.js';

/** Normalise a phone number to E.164 (`+33612345678`) or throw PHONE_INVALID. */
export function normalizePhone(input: string, defaultCountry?: string): string {
  const trimmed = input.trim();
  const parsed = parsePhoneNumberFromString(trimmed, defaultCountry as CountryCode | undefined);
  if (!parsed || !parsed.isValid()) {
    throw new AppError('PHONE_INVALID', `"${trimmed.slice(0, 32)}" is not a valid phone number in international form (+country code).`);
  }
  return parsed.number;
}

/** Like normalizePhone but returns null instead of throwing. */
export function tryNormalizePhone(input: string, defaultCountry?: string): string | null {
  try {
    return normalizePhone(input, defaultCountry);
  } catch {
    return null;
  }
}
