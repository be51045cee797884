/**
 * @module migrations
 * The ordered list of schema migrations (one list for the whole server, so the order across
 * modules is explicit). Each file exports up/down and must run on SQLite and PostgreSQL.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import * as m0001 from './0001_core.js';
import * as m0002 from './0002_business.js';
import * as m0006 from './0006_business_reach.js';
import * as m0004 from './0004_commerce.js';
import * as m0005 from './0005_business_tools.js';
import * as m0003 from './0003_business_admin.js';
import * as m0007 from './0007_cloud_api.js';
import * as m0008 from './0008_api_media.js';
import * as m0009 from './0009_templates.js';
import * as m0011 from './0011_api_webhooks.js';
import * as m0010 from './0010_cloud_api_manage.js';
import * as m0012 from './0012_api_policy.js';
import * as m0014 from './0014_quality_limits.js';
import * as m0017 from './0017_e2e.js';
import * as m0018 from './0018_e2e_delivery.js';
import * as m0019 from './0019_webhook_batches.js';
import * as m0020 from './0020_api_message_meta.js';
import * as m0021 from './0021_partial_media_index.js';
import * as m0022 from './0022_webhook_delivered_attempt.js';
import * as m0016 from './0016_two_step.js';
import * as m0015 from './0015_api_analytics.js';
import * as m0013 from './0013_template_review.js';

const migrations: Record<string, Migration> = {
  '0001_core': m0001,
  '0002_business': m0002,
  '0006_business_reach': m0006,
  '0004_commerce': m0004,
  '0005_business_tools': m0005,
  '0003_business_admin': m0003,
  '0007_cloud_api': m0007,
  '0008_api_media': m0008,
  '0009_templates': m0009,
  '0011_api_webhooks': m0011,
  '0010_cloud_api_manage': m0010,
  '0012_api_policy': m0012,
  '0013_template_review': m0013,
  '0014_quality_limits': m0014,
  '0015_api_analytics': m0015,
  '0016_two_step': m0016,
  '0017_e2e': m0017,
  '0018_e2e_delivery': m0018,
  '0019_webhook_batches': m0019,
  '0020_api_message_meta': m0020,
  '0021_partial_media_index': m0021,
  '0022_webhook_delivered_attempt': m0022,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<unknown>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'parley_migrations', migrationLockTableName: 'parley_migrations_lock' });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}
