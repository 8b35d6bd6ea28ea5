import { z } from 'zod/v4';
import { anyOf, type PermissionSets } from './permissions.ts';
import { defineContract, type GraphContract } from './define.ts';
import { anyResponseSchema, assignmentSchema, configurationSettingSchema, intuneItemSchema, pageOf } from './schemas.ts';

type PageSchema = ReturnType<typeof pageOf<typeof intuneItemSchema>>;
type ItemSchema = typeof intuneItemSchema;
type AnySchema = typeof anyResponseSchema;

interface FamilySpec<B extends string> {
  base: B;
  apiVersion: 'v1.0' | 'beta';
  read: PermissionSets;
  /** The list accepts $expand=assignments (single-item GETs always expand). */
  expandList: boolean;
}

/** Read contracts of one Intune family: the inventory list and the backup single-item GET. */
function readFamily<const F extends string, const B extends string>(family: F, spec: FamilySpec<B>) {
  const path = `/${spec.base}/${family}` as const;
  const common = { apiVersion: spec.apiVersion, method: 'GET', permissions: spec.read, intune: true } as const;
  return {
    [`${family}.list`]: { ...common, key: `${family}.list`, path, query: spec.expandList ? { $expand: 'assignments' } : {}, response: pageOf(intuneItemSchema), paged: true, features: ['inventory', 'backup'], probe: true },
    [`${family}.get`]: { ...common, key: `${family}.get`, path: `${path}/{id}`, query: { $expand: 'assignments' }, response: intuneItemSchema, paged: false, features: ['backup'] },
  } as Record<`${F}.list`, GraphContract<`/${B}/${F}`, PageSchema, true>> & Record<`${F}.get`, GraphContract<`/${B}/${F}/{id}`, ItemSchema, false>>;
}

/** Restore contracts of one family: create, update in place, assign (all need ReadWrite). */
function writeFamily<const F extends string, const B extends string>(family: F, spec: { base: B; apiVersion: 'v1.0' | 'beta'; write: PermissionSets; assignKey: string }) {
  const path = `/${spec.base}/${family}` as const;
  const common = { apiVersion: spec.apiVersion, permissions: spec.write, paged: false, features: ['restore'], intune: true } as const;
  return {
    [`${family}.create`]: { ...common, key: `${family}.create`, method: 'POST', path, response: intuneItemSchema, body: intuneItemSchema.omit({ id: true }) },
    [`${family}.update`]: { ...common, key: `${family}.update`, method: 'PATCH', path: `${path}/{id}`, response: anyResponseSchema, body: intuneItemSchema.partial() },
    [`${family}.assign`]: { ...common, key: `${family}.assign`, method: 'POST', path: `${path}/{id}/assign`, response: anyResponseSchema, body: z.object({ [spec.assignKey]: z.array(assignmentSchema) }) },
  } as Record<`${F}.create`, GraphContract<`/${B}/${F}`, ItemSchema, false>>
    & Record<`${F}.update`, GraphContract<`/${B}/${F}/{id}`, AnySchema, false>>
    & Record<`${F}.assign`, GraphContract<`/${B}/${F}/{id}/assign`, AnySchema, false>>;
}

const configRead = anyOf('DeviceManagementConfiguration.Read.All');
const configWrite = anyOf('DeviceManagementConfiguration.ReadWrite.All');
const serviceRead = anyOf('DeviceManagementServiceConfig.Read.All');
const serviceWrite = anyOf('DeviceManagementServiceConfig.ReadWrite.All');

/**
 * Intune policy families. Adding a family = one line here (and its routes in sim/microsoft).
 * beta where the collection or its full shape exists only in beta.
 */
export const intuneContracts = {
  ...readFamily('deviceConfigurations', { base: 'deviceManagement', apiVersion: 'beta', read: configRead, expandList: true }),
  ...readFamily('configurationPolicies', { base: 'deviceManagement', apiVersion: 'beta', read: configRead, expandList: true }),
  'configurationPolicies.settings': defineContract({
    key: 'configurationPolicies.settings', apiVersion: 'beta', method: 'GET', path: '/deviceManagement/configurationPolicies/{id}/settings',
    permissions: configRead, response: pageOf(configurationSettingSchema), paged: true, features: ['inventory', 'backup'], intune: true,
  }),
  ...readFamily('deviceCompliancePolicies', { base: 'deviceManagement', apiVersion: 'v1.0', read: configRead, expandList: true }),
  ...readFamily('deviceEnrollmentConfigurations', { base: 'deviceManagement', apiVersion: 'beta', read: serviceRead, expandList: true }),
  ...readFamily('deviceManagementScripts', { base: 'deviceManagement', apiVersion: 'beta', read: anyOf('DeviceManagementScripts.Read.All', 'DeviceManagementConfiguration.Read.All'), expandList: false }),
  ...readFamily('windowsAutopilotDeploymentProfiles', { base: 'deviceManagement', apiVersion: 'beta', read: serviceRead, expandList: false }),
  ...readFamily('mobileAppConfigurations', { base: 'deviceAppManagement', apiVersion: 'beta', read: anyOf('DeviceManagementApps.Read.All'), expandList: true }),
  ...writeFamily('deviceConfigurations', { base: 'deviceManagement', apiVersion: 'beta', write: configWrite, assignKey: 'assignments' }),
  ...writeFamily('deviceCompliancePolicies', { base: 'deviceManagement', apiVersion: 'v1.0', write: configWrite, assignKey: 'assignments' }),
  ...writeFamily('deviceEnrollmentConfigurations', { base: 'deviceManagement', apiVersion: 'beta', write: serviceWrite, assignKey: 'enrollmentConfigurationAssignments' }),
};

/** The Intune families whose list the inventory sync reads. */
export const intuneFamilies = ['deviceConfigurations', 'configurationPolicies', 'deviceCompliancePolicies', 'deviceEnrollmentConfigurations', 'deviceManagementScripts', 'windowsAutopilotDeploymentProfiles', 'mobileAppConfigurations'] as const;
export type IntuneFamily = (typeof intuneFamilies)[number];
