/**
 * Business API media: API media ids are graph nodes of kind 'media' looked up by (kind, ref,
 * waba_id) — the medium behind each inbound customer medium and each upload — so that lookup gets
 * an index. A deleted API media id keeps its row (ids are never reused) with kind 'deleted_media'.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('graph_nodes_kind_ref').on('graph_nodes').columns(['kind', 'ref', 'waba_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('graph_nodes_kind_ref').execute();
}
