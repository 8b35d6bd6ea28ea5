/**
 * Told after every committed status or progress change of a run, so chat messages
 * showing it can be re-rendered from the database. Implementations coalesce and must
 * never throw into the caller.
 */
export interface RunNotifier {
  runChanged(runId: string): void;
}

export const silentNotifier: RunNotifier = { runChanged: () => undefined };

/** Fans one change out to every platform's notifier. */
export function combineNotifiers(notifiers: RunNotifier[]): RunNotifier {
  return { runChanged: (runId) => notifiers.forEach((n) => n.runChanged(runId)) };
}
