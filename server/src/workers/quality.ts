/**
 * @module workers/quality
 * Re-evaluates the quality rating and messaging-limit tier of every Business API number
 * periodically, so a rating recovers (and a tier can rise) as feedback ages out even when nothing
 * is sent or read. The rules are in domain/api/quality.ts; time is ctx.clock's.
 */
import type { Ctx } from '../context.js';
import { refreshAllQuality } from '../domain/api/index.js';

const EVERY_MS = 15 * 60_000;

/** Evaluate every number each 15 minutes. Returns a stop function. */
export function startQualityTicker(ctx: Ctx): () => void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    void refreshAllQuality(ctx)
      .then(
        (n) => ctx.log.debug({ msg: 'quality.evaluated', numbers: n }),
        (err: unknown) => ctx.log.error({ msg: 'quality.failed', err }),
      )
      .finally(() => {
        running = false;
      });
  };
  const every = setInterval(tick, EVERY_MS);
  every.unref();
  return () => clearInterval(every);
}
