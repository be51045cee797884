/**
 * @module domain/accounts/views
 * Row → API object mappers for accounts.
 */
import type { Contact, Me, Privacy, PrivacyLevel } from '#contracts/models.js';
import type { AccountsTable } from '../../tables.js';

export function toPrivacy(a: AccountsTable): Privacy {
  return {
    lastSeen: a.privacy_last_seen as PrivacyLevel,
    online: a.privacy_online as Privacy['online'],
    photo: a.privacy_photo as PrivacyLevel,
    about: a.privacy_about as PrivacyLevel,
    readReceipts: a.read_receipts === 1,
  };
}

export function toMe(a: AccountsTable): Me {
  return {
    id: a.id,
    kind: a.kind as Me['kind'],
    phone: a.phone,
    displayName: a.display_name,
    about: a.about,
    photoMediaId: a.photo_media_id,
    privacy: toPrivacy(a),
    createdAt: a.created_at,
  };
}

export function toContact(c: { phone: string; name: string; account_id: string | null }): Contact {
  return { phone: c.phone, name: c.name, accountId: c.account_id };
}
