/**
 * The Intune collections the simulator serves. Adding a family = one entry; its items come from
 * scenario `intune.<family>` or state.addIntuneItems(). `accepted`: roles Intune accepts;
 * `scopeMessage`: the list Intune names in its 403 (old internal names included, as Intune does).
 */
export interface SimFamily {
  base: 'deviceManagement' | 'deviceAppManagement';
  versions: readonly ('v1.0' | 'beta')[];
  accepted: readonly string[];
  scopeMessage: readonly string[];
  /** Children served at /{family}/{id}/{child} from the item's own array of that name. */
  children?: readonly string[];
}

const config = ['DeviceManagementConfiguration.Read.All', 'DeviceManagementConfiguration.ReadWrite.All'];
const service = ['DeviceManagementServiceConfig.Read.All', 'DeviceManagementServiceConfig.ReadWrite.All'];
const serviceMessage = ['DeviceManagementServiceConfiguration.Read.All', 'DeviceManagementServiceConfig.Read.All', 'DeviceManagementServiceConfiguration.ReadWrite.All', 'DeviceManagementServiceConfig.ReadWrite.All'];
const apps = ['DeviceManagementApps.Read.All', 'DeviceManagementApps.ReadWrite.All'];
const scripts = ['DeviceManagementScripts.Read.All', 'DeviceManagementScripts.ReadWrite.All', ...config];

export const simFamilies = {
  deviceConfigurations: { base: 'deviceManagement', versions: ['v1.0', 'beta'], accepted: config, scopeMessage: config },
  configurationPolicies: { base: 'deviceManagement', versions: ['beta'], accepted: config, scopeMessage: config, children: ['settings'] },
  deviceCompliancePolicies: { base: 'deviceManagement', versions: ['v1.0', 'beta'], accepted: config, scopeMessage: config },
  deviceEnrollmentConfigurations: { base: 'deviceManagement', versions: ['v1.0', 'beta'], accepted: service, scopeMessage: serviceMessage },
  deviceManagementScripts: { base: 'deviceManagement', versions: ['beta'], accepted: scripts, scopeMessage: scripts },
  windowsAutopilotDeploymentProfiles: { base: 'deviceManagement', versions: ['beta'], accepted: service, scopeMessage: serviceMessage },
  mobileAppConfigurations: { base: 'deviceAppManagement', versions: ['v1.0', 'beta'], accepted: apps, scopeMessage: apps },
} as const satisfies Record<string, SimFamily>;

export type SimFamilyName = keyof typeof simFamilies;
export const simFamilyNames = Object.keys(simFamilies) as [SimFamilyName, ...SimFamilyName[]];
