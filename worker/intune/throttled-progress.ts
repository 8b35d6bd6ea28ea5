import type { HandlerContext } from '../handler.ts';

/** Progress is written (and cancellation checked) at most this often while pages stream in. */
export const progressIntervalMs = 1000;

/**
 * Writes a sync's progress into the run's summary and checks for cancellation, at most once
 * per interval unless forced (a family finished): every write is two round trips and a card
 * refresh in Teams and Slack, while pages may arrive every few milliseconds.
 */
export function throttledProgress(ctx: Pick<HandlerContext, 'progress' | 'checkCancelled'>, intervalMs = progressIntervalMs) {
  let last = Number.NEGATIVE_INFINITY;
  return async (summary: Record<string, unknown>, options?: { force?: boolean }): Promise<void> => {
    const now = performance.now();
    if (!options?.force && now - last < intervalMs) return;
    last = now;
    await ctx.progress(summary);
    await ctx.checkCancelled();
  };
}
