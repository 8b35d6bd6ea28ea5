import type { SimGroupInput } from './scenario.ts';
import type { SimItem } from './state.ts';
import { stableGuid } from './permissions.ts';
import { simFamilyNames, type SimFamilyName } from './graph/families.ts';

/**
 * A deterministic bulk tenant: the same options always give the same ids, names and payloads,
 * so tests and benchmarks can check every synced row against what the simulator serves.
 */
export interface GenerateOptions {
  /** Seeds every id and value (e.g. the simulated tenant's id). */
  seed: string;
  /** Intune objects over all seven families (at least 6 enrollment configurations are made). */
  items: number;
  groups: number;
  /** Settings per settings-catalog policy (default 4..12). */
  settings?: readonly [min: number, max: number];
}

export interface GeneratedTenant {
  intune: Record<SimFamilyName, SimItem[]>;
  groups: SimGroupInput[];
  /** Referenced by one assignment, never served by /groups (a group deleted since). */
  missingGroupId: string;
}

/** Share of each family, roughly as a mid-size tenant looks. */
const weights: Record<SimFamilyName, number> = {
  deviceConfigurations: 30, configurationPolicies: 25, deviceCompliancePolicies: 12, deviceEnrollmentConfigurations: 5,
  deviceManagementScripts: 10, windowsAutopilotDeploymentProfiles: 5, mobileAppConfigurations: 13,
};

const types: Record<Exclude<SimFamilyName, 'configurationPolicies' | 'deviceEnrollmentConfigurations'>, string[]> = {
  deviceConfigurations: ['windows10GeneralConfiguration', 'windows10EndpointProtectionConfiguration', 'windows10CustomConfiguration', 'windowsUpdateForBusinessConfiguration', 'iosGeneralDeviceConfiguration', 'iosDeviceFeaturesConfiguration', 'androidWorkProfileGeneralDeviceConfiguration', 'macOSGeneralDeviceConfiguration'],
  deviceCompliancePolicies: ['windows10CompliancePolicy', 'iosCompliancePolicy', 'androidWorkProfileCompliancePolicy', 'androidDeviceOwnerCompliancePolicy', 'macOSCompliancePolicy'],
  deviceManagementScripts: ['deviceManagementScript'],
  windowsAutopilotDeploymentProfiles: ['azureADWindowsAutopilotDeploymentProfile', 'activeDirectoryWindowsAutopilotDeploymentProfile'],
  mobileAppConfigurations: ['iosMobileAppConfiguration', 'androidManagedStoreAppConfiguration'],
};

/** Small seeded PRNG (mulberry32): deterministic across runs and Node versions. */
function random(seed: string): () => number {
  let a = Number.parseInt(stableGuid('prng', seed).slice(0, 8), 16);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Largest-remainder split of `total` by weight, enrollment configurations at least 6. */
export function familyCounts(total: number): Record<SimFamilyName, number> {
  const sum = Object.values(weights).reduce((a, b) => a + b, 0);
  const exact = simFamilyNames.map((f) => [f, (total * weights[f]) / sum] as const);
  const counts = Object.fromEntries(exact.map(([f, v]) => [f, Math.floor(v)])) as Record<SimFamilyName, number>;
  let left = total - Object.values(counts).reduce((a, b) => a + b, 0);
  for (const [f] of [...exact].sort((x, y) => (y[1] % 1) - (x[1] % 1))) if (left-- > 0) counts[f] += 1;
  const shortfall = Math.max(0, 6 - counts.deviceEnrollmentConfigurations);
  counts.deviceEnrollmentConfigurations += shortfall;
  counts.deviceConfigurations = Math.max(0, counts.deviceConfigurations - shortfall);
  return counts;
}

export function generateTenant(options: GenerateOptions): GeneratedTenant {
  const rand = random(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const groups = generateGroups(options.seed, options.groups);
  const missingGroupId = stableGuid(options.seed, 'group-deleted-since');
  const counts = familyCounts(options.items);
  let first = true;
  const assignments = (policyId: string): unknown[] => {
    const targets: unknown[] = [];
    // The very first assigned policy also targets a group that no longer exists.
    if (first) targets.push(groupTarget(policyId, missingGroupId, false));
    first = false;
    const n = groups.length === 0 ? 0 : Math.floor(rand() * 4);
    for (let i = 0; i < n; i += 1) targets.push(groupTarget(policyId, pick(groups).id, rand() < 0.15));
    if (rand() < 0.1) targets.push({ id: `${policyId}_adadadad-808e-44e2-905a-0b7873a8a531`, target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' } });
    return targets;
  };
  const ctx: ItemContext = { seed: options.seed, rand, pick, assignments, settings: options.settings ?? [4, 12] };
  const intune = Object.fromEntries(simFamilyNames.map((family) => [family, makeFamily(ctx, family, counts[family])])) as Record<SimFamilyName, SimItem[]>;
  return { intune, groups, missingGroupId };
}

interface ItemContext {
  seed: string;
  rand: () => number;
  pick: <T>(list: readonly T[]) => T;
  assignments: (policyId: string) => unknown[];
  settings: readonly [number, number];
}

function groupTarget(policyId: string, groupId: string, exclude: boolean): unknown {
  return {
    id: `${policyId}_${groupId}`,
    target: {
      '@odata.type': exclude ? '#microsoft.graph.exclusionGroupAssignmentTarget' : '#microsoft.graph.groupAssignmentTarget',
      groupId, deviceAndAppManagementAssignmentFilterId: null, deviceAndAppManagementAssignmentFilterType: 'none',
    },
  };
}

function makeFamily(ctx: ItemContext, family: SimFamilyName, count: number): SimItem[] {
  if (family === 'deviceEnrollmentConfigurations') return enrollmentConfigurations(ctx, count);
  return Array.from({ length: count }, (_, i) => {
    const id = stableGuid(ctx.seed, family, String(i));
    const base = { id, createdDateTime: '2026-01-05T09:00:00Z', lastModifiedDateTime: modified(ctx, i), roleScopeTagIds: ['0'], assignments: ctx.assignments(id) };
    if (family === 'configurationPolicies') return settingsCatalogPolicy(ctx, id, i, base);
    const odataType = ctx.pick(types[family]);
    return {
      ...base, '@odata.type': `#microsoft.graph.${odataType}`, displayName: `${label(odataType)} ${String(i + 1).padStart(4, '0')}`,
      description: `Generated ${odataType} #${i + 1}`, version: 1 + Math.floor(ctx.rand() * 9), ...familyFields(ctx, family, i),
    };
  });
}

function familyFields(ctx: ItemContext, family: SimFamilyName, i: number): Record<string, unknown> {
  switch (family) {
    case 'deviceManagementScripts':
      return { runAsAccount: ctx.pick(['system', 'user']), enforceSignatureCheck: false, runAs32Bit: false, fileName: `script-${i + 1}.ps1`, scriptContent: Buffer.from(`Write-Output "generated script ${i + 1}"\n`).toString('base64') };
    case 'windowsAutopilotDeploymentProfiles':
      return { language: 'os-default', deviceNameTemplate: `DEV-${i}-%RAND:5%`, deviceType: 'windowsPc', enableWhiteGlove: ctx.rand() < 0.5, outOfBoxExperienceSettings: { hidePrivacySettings: true, hideEULA: true, userType: 'standard', deviceUsageType: 'singleUser', skipKeyboardSelectionPage: true } };
    case 'mobileAppConfigurations':
      return { targetedMobileApps: [`${i}`], settings: [{ appConfigKey: 'ServerUrl', appConfigKeyType: 'stringType', appConfigKeyValue: `https://mail${i}.contoso.example` }] };
    case 'deviceCompliancePolicies':
      return { passwordRequired: ctx.rand() < 0.7, passwordMinimumLength: 6 + Math.floor(ctx.rand() * 8), osMinimumVersion: ctx.pick(['10.0.19045', '17.0', '13.0', null]), scheduledActionsForRule: [] };
    default:
      return { passwordRequired: ctx.rand() < 0.5, passwordMinimumLength: 4 + Math.floor(ctx.rand() * 10), bluetoothBlocked: ctx.rand() < 0.3, cameraBlocked: ctx.rand() < 0.2, storageRequireEncryption: ctx.rand() < 0.6, screenCaptureBlocked: ctx.rand() < 0.4, defenderScanType: ctx.pick(['userDefined', 'disabled', 'quick', 'full']) };
  }
}

function settingsCatalogPolicy(ctx: ItemContext, id: string, i: number, base: Record<string, unknown>): SimItem {
  const [min, max] = ctx.settings;
  const n = min + Math.floor(ctx.rand() * (max - min + 1));
  const settings = Array.from({ length: n }, (_, s) => ({
    id: String(s),
    settingInstance: {
      '@odata.type': '#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance',
      settingDefinitionId: `device_vendor_msft_policy_config_generated_setting_${s}`,
      settingInstanceTemplateReference: null,
      choiceSettingValue: { value: `device_vendor_msft_policy_config_generated_setting_${s}_${Math.floor(ctx.rand() * 3)}`, children: [] },
    },
  }));
  return {
    ...base, id, name: `Settings catalog ${String(i + 1).padStart(4, '0')}`, description: '', platforms: ctx.pick(['windows10', 'macOS', 'iOS']),
    technologies: 'mdm', settingCount: n, templateReference: { templateId: '', templateFamily: 'none' }, settings,
  };
}

/**
 * Several enrollment configuration types sharing one collection: the tenant defaults
 * (`<guid>_Default...`, priority 0), custom ones, and split Android restrictions that share
 * one name by design (platformType android / androidForWork).
 */
function enrollmentConfigurations(ctx: ItemContext, count: number): SimItem[] {
  const item = (suffix: string, type: string, configType: string, priority: number, displayName: string, extra: Record<string, unknown> = {}): SimItem => {
    const id = `${stableGuid(ctx.seed, 'enrollment', suffix)}_${suffix.split('#')[0]}`;
    return { id, '@odata.type': `#microsoft.graph.${type}`, displayName, description: '', priority, version: 1, deviceEnrollmentConfigurationType: configType, createdDateTime: '2026-01-05T09:00:00Z', lastModifiedDateTime: '2026-01-05T09:00:00Z', roleScopeTagIds: ['0'], assignments: priority === 0 ? [] : ctx.assignments(id), ...extra };
  };
  const restriction = (platformType: string) => ({ platformType, platformRestriction: { platformBlocked: false, personalDeviceEnrollmentBlocked: true, osMinimumVersion: null, osMaximumVersion: null } });
  const items: SimItem[] = [
    item('DefaultPlatformRestrictions', 'deviceEnrollmentPlatformRestrictionsConfiguration', 'defaultPlatformRestrictions', 0, 'All users and all devices', { androidRestriction: { platformBlocked: false }, iosRestriction: { platformBlocked: false }, windowsRestriction: { platformBlocked: false } }),
    item('DefaultLimit', 'deviceEnrollmentLimitConfiguration', 'defaultLimit', 0, 'All users and all devices', { limit: 5 }),
    item('DefaultWindowsHelloForBusiness', 'deviceEnrollmentWindowsHelloForBusinessConfiguration', 'defaultWindowsHelloForBusiness', 0, 'All users and all devices', { state: 'notConfigured', pinMinimumLength: 6 }),
    item('DefaultWindows10EnrollmentCompletionPageConfiguration', 'windows10EnrollmentCompletionPageConfiguration', 'defaultWindows10EnrollmentCompletionPageConfiguration', 0, 'All users and all devices', { showInstallationProgress: false }),
    item('SinglePlatformRestriction#android', 'deviceEnrollmentPlatformRestrictionConfiguration', 'singlePlatformRestriction', 1, 'Android restrictions', restriction('android')),
    item('SinglePlatformRestriction#androidForWork', 'deviceEnrollmentPlatformRestrictionConfiguration', 'singlePlatformRestriction', 1, 'Android restrictions', restriction('androidForWork')),
  ];
  const custom = [
    ['Limit', 'deviceEnrollmentLimitConfiguration', 'limit', (i: number) => ({ limit: 1 + (i % 15) })],
    ['SinglePlatformRestriction', 'deviceEnrollmentPlatformRestrictionConfiguration', 'singlePlatformRestriction', (i: number) => restriction(['ios', 'windows', 'mac', 'android', 'androidForWork'][i % 5] as string)],
    ['Windows10EnrollmentCompletionPageConfiguration', 'windows10EnrollmentCompletionPageConfiguration', 'windows10EnrollmentCompletionPageConfiguration', () => ({ showInstallationProgress: true, customErrorMessage: 'Contact IT' })],
    ['DeviceComanagementAuthorityConfiguration', 'deviceComanagementAuthorityConfiguration', 'deviceComanagementAuthorityConfiguration', () => ({ managedDeviceAuthority: 1 })],
  ] as const;
  for (let i = 0; items.length < count; i += 1) {
    const [suffix, type, configType, extra] = custom[i % custom.length]!;
    items.push(item(`${suffix}#${i}`, type, configType, 2 + Math.floor(i / custom.length), `${label(type)} ${String(i + 1).padStart(4, '0')}`, extra(i)));
  }
  return items;
}

function generateGroups(seed: string, count: number): (SimGroupInput & { id: string })[] {
  return Array.from({ length: count }, (_, i) => {
    const id = stableGuid(seed, 'group', String(i));
    const n = String(i + 1).padStart(5, '0');
    if (i % 10 === 3) return { id, displayName: `Team ${n}`, description: 'Microsoft 365 group', securityEnabled: false, mailEnabled: true, mail: `team${n}@contoso.example`, groupTypes: ['Unified'] };
    if (i % 10 === 7) return { id, displayName: `Dynamic devices ${n}`, description: null, securityEnabled: true, mailEnabled: false, groupTypes: ['DynamicMembership'] };
    return { id, displayName: `SG Intune ${n}`, description: null, securityEnabled: true, mailEnabled: false, groupTypes: [] };
  });
}

function modified(ctx: ItemContext, i: number): string {
  return new Date(Date.UTC(2026, 0, 1) + (i % 300) * 86_400_000 + Math.floor(ctx.rand() * 86_400_000)).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** "windows10GeneralConfiguration" -> "Windows10 General Configuration". */
function label(odataType: string): string {
  const words = odataType.replace(/([a-z0-9])([A-Z])/g, '$1 $2');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
