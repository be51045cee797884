/**
 * @module workers/maintenance
 * Periodic housekeeping: prune the update log past its retention, drop expired verification codes,
 * reinstate paused message templates whose pause is over, drop template sends and feedback too old
 * to count for template quality, prune end-to-end commits and welcomes no device needs any more,
 * and delete finished Business API webhook events past their retention.
 */
import type { Ctx } from '../context.js';
import { pruneUpdates } from '../domain/messaging/index.js';
import { endDuePauses, pruneTemplateQuality } from '../domain/api/templates/index.js';
import { pruneE2e } from '../domain/e2e/index.js';
import { pruneWebhookOutbox } from './webhooks.js';

const HOUR = 3600_000;

export async function runMaintenance(
  ctx: Ctx,
): Promise<{
  updatesPruned: number;
  codesPruned: number;
  templatesReinstated: number;
  templateQualityPruned: number;
  e2eCommitsPruned: number;
  e2eWelcomesPruned: number;
  webhookEventsPruned: number;
}> {
  const updatesPruned = await pruneUpdates(ctx);
  const res = await ctx.db.deleteFrom('verification_codes').where('expires_at', '<', ctx.clock.now() - 24 * HOUR).executeTakeFirst();
  // Paused templates whose pause is over (also ended when read or sent).
  const templatesReinstated = await endDuePauses(ctx, null);
  const templateQualityPruned = await pruneTemplateQuality(ctx);
  // Commits every device of their chat applied, and end-to-end state past its retention.
  const e2e = await pruneE2e(ctx);
  const webhookEventsPruned = await pruneWebhookOutbox(ctx);
  return {
    updatesPruned,
    codesPruned: Number(res.numDeletedRows),
    templatesReinstated,
    templateQualityPruned,
    e2eCommitsPruned: e2e.commitsPruned,
    e2eWelcomesPruned: e2e.welcomesPruned,
    webhookEventsPruned,
  };
}

/** Run maintenance every hour (first run a minute after start). Returns a stop function. */
export function startMaintenance(ctx: Ctx): () => void {
  const tick = () =>
    void runMaintenance(ctx).then(
      (r) => ctx.log.info({ msg: 'maintenance.done', ...r }),
      (err: unknown) => ctx.log.error({ msg: 'maintenance.failed', err }),
    );
  const first = setTimeout(tick, 60_000);
  const every = setInterval(tick, HOUR);
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
