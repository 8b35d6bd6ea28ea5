/** The Microsoft Graph application permissions (app roles) any contract may need. */
export const graphPermissions = [
  'Organization.Read.All', 'Organization.ReadWrite.All',
  'Directory.Read.All', 'Directory.ReadWrite.All',
  'Application.Read.All', 'Application.ReadWrite.All',
  'Group.Read.All', 'Group.ReadWrite.All',
  'Policy.Read.All',
  'DeviceManagementConfiguration.Read.All', 'DeviceManagementConfiguration.ReadWrite.All',
  'DeviceManagementServiceConfig.Read.All', 'DeviceManagementServiceConfig.ReadWrite.All',
  'DeviceManagementApps.Read.All', 'DeviceManagementApps.ReadWrite.All',
  'DeviceManagementScripts.Read.All', 'DeviceManagementScripts.ReadWrite.All',
] as const;

export type Permission = (typeof graphPermissions)[number];

/** ANY-OF sets: satisfied when every permission of at least one set is granted. */
export type PermissionSets = readonly (readonly Permission[])[];

/** Each argument is one alternative: anyOf('A', 'B') = A or B. */
export function anyOf(...alternatives: Permission[]): PermissionSets {
  return alternatives.map((p) => [p]);
}

/** A ReadWrite permission satisfies its Read counterpart (Graph grants reads to writers). */
export function isGranted(granted: ReadonlySet<string>, permission: Permission): boolean {
  return granted.has(permission) || (permission.includes('.Read.') && granted.has(permission.replace('.Read.', '.ReadWrite.')));
}

export function setsSatisfied(granted: ReadonlySet<string>, sets: PermissionSets): boolean {
  return sets.length === 0 || sets.some((set) => set.every((p) => isGranted(granted, p)));
}
