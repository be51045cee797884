/**
 * @module domain/accounts/relations
 * Who may see what of whom: blocks, contacts and privacy levels, decided here only.
 */
import type { Kysely } from 'kysely';
import type { PrivacyLevel, PublicProfile } from '#contracts/models.js';
import type { BusinessBadge } from '#contracts/business.js';
import type { AccountsTable, DB } from '../../tables.js';

/** True when `blockerId` has blocked `blockedId`. */
export async function hasBlocked(db: Kysely<DB>, blockerId: string, blockedId: string): Promise<boolean> {
  const row = await db.selectFrom('blocks').select('blocker_id').where('blocker_id', '=', blockerId).where('blocked_id', '=', blockedId).executeTakeFirst();
  return row !== undefined;
}

/** True when either has blocked the other. */
export async function blockedEitherWay(db: Kysely<DB>, a: string, b: string): Promise<boolean> {
  const row = await db
    .selectFrom('blocks')
    .select('blocker_id')
    .where((eb) => eb.or([eb.and([eb('blocker_id', '=', a), eb('blocked_id', '=', b)]), eb.and([eb('blocker_id', '=', b), eb('blocked_id', '=', a)])]))
    .executeTakeFirst();
  return row !== undefined;
}

/** True when `ownerId` saved `phone` in their contacts. */
export async function hasSavedNumber(db: Kysely<DB>, ownerId: string, phone: string): Promise<boolean> {
  const row = await db.selectFrom('contacts').select('owner_id').where('owner_id', '=', ownerId).where('phone', '=', phone).executeTakeFirst();
  return row !== undefined;
}

/** Whether a setting at `level` lets a viewer see it, given whether the owner saved the viewer. */
export function levelAllows(level: PrivacyLevel | string, ownerSavedViewer: boolean): boolean {
  if (level === 'everyone') return true;
  if (level === 'contacts') return ownerSavedViewer;
  return false;
}

/**
 * Profiles of `ids` as `viewerId` may see them: photo and about follow the target's privacy
 * (contacts = numbers the target saved), and nothing but the number and name shows across a block,
 * whichever side blocked. One's own profile shows in full. Unknown ids are left out of the map.
 */
export async function profilesFor(db: Kysely<DB>, viewerId: string, ids: string[]): Promise<Map<string, PublicProfile>> {
  const out = new Map<string, PublicProfile>();
  if (ids.length === 0) return out;
  const [viewer, targets, blocks, businesses] = await Promise.all([
    db.selectFrom('accounts').select(['id', 'phone']).where('id', '=', viewerId).executeTakeFirst(),
    db.selectFrom('accounts').selectAll().where('id', 'in', ids).execute(),
    db
      .selectFrom('blocks')
      .selectAll()
      .where((eb) => eb.or([eb.and([eb('blocker_id', '=', viewerId), eb('blocked_id', 'in', ids)]), eb.and([eb('blocked_id', '=', viewerId), eb('blocker_id', 'in', ids)])]))
      .execute(),
    db
      .selectFrom('business_profiles as b')
      .leftJoin('wabas as w', 'w.account_id', 'b.account_id')
      .select(['b.account_id', 'b.name', 'b.category', 'b.verified_at', 'w.id as waba_id'])
      .where('b.account_id', 'in', ids)
      .execute(),
  ]);
  if (!viewer) return out;
  const badges = new Map(businesses.map((b) => [b.account_id, { name: b.name, category: b.category, verified: b.verified_at !== null, api: b.waba_id !== null }]));
  const phones = targets.map((t) => t.phone);
  const [myContacts, savedMe] = await Promise.all([
    phones.length ? db.selectFrom('contacts').select(['phone', 'name']).where('owner_id', '=', viewerId).where('phone', 'in', phones).execute() : [],
    db.selectFrom('contacts').select('owner_id').where('phone', '=', viewer.phone).where('owner_id', 'in', ids).execute(),
  ]);
  const contactName = new Map(myContacts.map((c) => [c.phone, c.name]));
  const savedMeSet = new Set(savedMe.map((r) => r.owner_id));
  for (const t of targets) {
    out.set(
      t.id,
      toPublicProfile(t, {
        self: t.id === viewerId,
        iBlocked: blocks.some((b) => b.blocker_id === viewerId && b.blocked_id === t.id),
        blockedMe: blocks.some((b) => b.blocker_id === t.id && b.blocked_id === viewerId),
        theySavedMe: savedMeSet.has(t.id),
        contactName: contactName.get(t.phone) ?? null,
        business: badges.get(t.id) ?? null,
      }),
    );
  }
  return out;
}

export interface Relation {
  /** The viewer is looking at their own account: privacy does not apply. */
  self?: boolean;
  iBlocked: boolean;
  blockedMe: boolean;
  theySavedMe: boolean;
  contactName: string | null;
  /** The business badge, for a business account. */
  business?: BusinessBadge | null;
}

export function toPublicProfile(t: AccountsTable, rel: Relation): PublicProfile {
  const hidden = rel.iBlocked || rel.blockedMe;
  const shows = (level: string) => rel.self === true || (!hidden && levelAllows(level, rel.theySavedMe));
  return {
    id: t.id,
    kind: t.kind as PublicProfile['kind'],
    phone: t.phone,
    displayName: t.display_name,
    about: shows(t.privacy_about) ? t.about : null,
    photoMediaId: shows(t.privacy_photo) ? t.photo_media_id : null,
    contactName: rel.contactName,
    blocked: rel.iBlocked,
    business: t.kind === 'business' ? (rel.business ?? null) : null,
  };
}
