import type { RestoreFamily } from './families.ts';

/** Set by Intune, never sent back: ids, timestamps, versions, OData annotations, child collections. */
const readOnly = new Set(['id', 'createdDateTime', 'lastModifiedDateTime', 'version', 'assignments', 'settings', '@odata.context', '@odata.id', '@odata.etag', '@odata.editLink']);

/**
 * The create / update body of a backed-up item. `@odata.type` stays (Intune needs it to know
 * the derived type). An enrollment configuration's `priority` is never sent: defaults cannot
 * change it, and the order of the others is set through setPriority, not here.
 */
export function writeBody(family: RestoreFamily, payload: unknown): Record<string, unknown> {
  const source = payload !== null && typeof payload === 'object' ? (payload as Record<string, unknown>) : {};
  return Object.fromEntries(Object.entries(source).filter(([key]) => !readOnly.has(key) && !(family === 'deviceEnrollmentConfigurations' && key === 'priority')));
}

/** The assign action's body: Intune names the list differently for enrollment configurations. */
export function assignBody(family: RestoreFamily, assignments: readonly { target: Record<string, unknown> }[]): Record<string, unknown> {
  const list = assignments.map((a) => ({ target: a.target }));
  return family === 'deviceEnrollmentConfigurations' ? { enrollmentConfigurationAssignments: list } : { assignments: list };
}
