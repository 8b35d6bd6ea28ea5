import type { MemberRole } from '../db/generated/enums.ts';

export type Role = MemberRole;
export const roles = ['readonly', 'operator', 'manager', 'owner'] as const satisfies readonly Role[];

const rank: Record<Role, number> = { readonly: 0, operator: 1, manager: 2, owner: 3 };

/** True when `role` is at least `required` (owner > manager > operator > readonly). */
export function roleAllows(role: Role, required: Role): boolean {
  return rank[role] >= rank[required];
}

/**
 * What each role may do beyond the one below it:
 * readonly views runs, reports and the wizard; operator starts verify, syncs, backup
 * run-now/retry, restore preview and cancels; manager executes restores and manages
 * schedules and connections; owner manages members and channel bindings.
 */
export const capabilities = {
  viewRuns: 'readonly',
  startOperations: 'operator',
  manageSchedules: 'manager',
  manageConnections: 'manager',
  manageMembers: 'owner',
  manageBindings: 'owner',
} as const satisfies Record<string, Role>;
