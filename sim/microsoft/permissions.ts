import { createHash } from 'node:crypto';

/**
 * The Microsoft Graph application permissions the simulator knows (its own list: the simulator
 * is an independent oracle, so it does not read the product's contracts).
 */
export const simPermissions = [
  'Organization.Read.All', 'Organization.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All',
  'Application.Read.All', 'Application.ReadWrite.All', 'Group.Read.All', 'Group.ReadWrite.All',
  'User.Read.All', 'Policy.Read.All',
  'DeviceManagementConfiguration.Read.All', 'DeviceManagementConfiguration.ReadWrite.All',
  'DeviceManagementServiceConfig.Read.All', 'DeviceManagementServiceConfig.ReadWrite.All',
  'DeviceManagementApps.Read.All', 'DeviceManagementApps.ReadWrite.All',
  'DeviceManagementScripts.Read.All', 'DeviceManagementScripts.ReadWrite.All',
  'DeviceManagementManagedDevices.Read.All', 'DeviceManagementRBAC.Read.All',
] as const;

export type SimPermission = (typeof simPermissions)[number];

/** A stable GUID per name (ids of Graph's app roles, service principals, assignments). */
export function stableGuid(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('|')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const appRoleId = (permission: string) => stableGuid('graph-app-role', permission);

/** Who may call what: any one of these roles. */
export const directoryRead = {
  organization: ['Organization.Read.All', 'Organization.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  applications: ['Application.Read.All', 'Application.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  groups: ['Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  conditionalAccess: ['Policy.Read.All'],
} as const;
