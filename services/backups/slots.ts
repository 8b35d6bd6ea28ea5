import { Cron } from 'croner';
import { AppError } from '../errors.ts';

/** At most this many missed slots are recorded as skipped after an outage; older ones are not listed. */
export const MAX_SKIPPED_SLOTS = 100;

function cronOf(expression: string, timeZone: string): Cron {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch (error) {
    throw new AppError('invalid_input', `"${timeZone}" is not an IANA time zone (e.g. Europe/Berlin, UTC).`, { cause: error });
  }
  try {
    return new Cron(expression, { timezone: timeZone, paused: true });
  } catch (error) {
    throw new AppError('invalid_input', `"${expression}" in ${timeZone} is not a valid 5-field cron expression or time zone.`, { cause: error });
  }
}

/** Validates a cron expression and IANA time zone; returns the first slot after `from`. */
export function firstSlotAfter(expression: string, timeZone: string, from: Date): Date {
  const next = cronOf(expression, timeZone).nextRun(from);
  if (!next) throw new AppError('invalid_input', `"${expression}" never fires.`);
  return next;
}

/**
 * The slots due in [from, now]: the latest one runs, the others were missed (skipped).
 * Only the newest MAX_SKIPPED_SLOTS missed slots are returned.
 */
export function dueSlots(expression: string, timeZone: string, from: Date, now: Date): { latest: Date | null; missed: Date[]; next: Date | null } {
  const cron = cronOf(expression, timeZone);
  const due: Date[] = [];
  let cursor = cron.nextRun(new Date(from.getTime() - 1));
  while (cursor && cursor.getTime() <= now.getTime()) {
    due.push(cursor);
    if (due.length > MAX_SKIPPED_SLOTS + 1) due.shift();
    cursor = cron.nextRun(cursor);
  }
  const latest = due.pop() ?? null;
  return { latest, missed: due, next: cursor };
}
