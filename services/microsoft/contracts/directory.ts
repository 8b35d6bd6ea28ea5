import { anyOf } from './permissions.ts';
import { defineContract } from './define.ts';
import { appRoleAssignmentSchema, conditionalAccessPolicySchema, groupSchema, organizationSchema, pageOf, servicePrincipalSchema } from './schemas.ts';

const directoryRead = anyOf('Application.Read.All', 'Directory.Read.All');
const groupRead = anyOf('Group.Read.All', 'Directory.Read.All');

/** Entra ID contracts: verification cross-checks, groups, and conditional access for backups. */
export const directoryContracts = {
  'organization.get': defineContract({
    key: 'organization.get', apiVersion: 'v1.0', method: 'GET', path: '/organization', query: { $select: 'id,displayName' },
    permissions: anyOf('Organization.Read.All', 'Directory.Read.All'), response: pageOf(organizationSchema), paged: false,
    features: ['verification'], intune: false, advisory: true,
  }),
  'servicePrincipals.byAppId': defineContract({
    key: 'servicePrincipals.byAppId', apiVersion: 'v1.0', method: 'GET', path: '/servicePrincipals',
    query: { $filter: "appId eq '{appId}'", $select: 'id,appId,displayName,appRoles' },
    permissions: directoryRead, response: pageOf(servicePrincipalSchema), paged: false, features: ['verification'], intune: false, advisory: true,
  }),
  'servicePrincipals.appRoleAssignments': defineContract({
    key: 'servicePrincipals.appRoleAssignments', apiVersion: 'v1.0', method: 'GET', path: '/servicePrincipals/{id}/appRoleAssignments',
    permissions: directoryRead, response: pageOf(appRoleAssignmentSchema), paged: true, features: ['verification'], intune: false, advisory: true,
  }),
  'groups.list': defineContract({
    key: 'groups.list', apiVersion: 'v1.0', method: 'GET', path: '/groups', query: { $select: 'id,displayName' },
    permissions: groupRead, response: pageOf(groupSchema), paged: true, features: ['groups'], intune: false, probe: true,
  }),
  'groups.delta': defineContract({
    key: 'groups.delta', apiVersion: 'v1.0', method: 'GET', path: '/groups/delta',
    query: { $select: 'id,displayName,description,securityEnabled,mailEnabled,mail,groupTypes' },
    permissions: groupRead, response: pageOf(groupSchema), paged: true, features: ['groups'], intune: false,
  }),
  /** Restore maps each assignment's group id onto the target tenant. */
  'groups.get': defineContract({
    key: 'groups.get', apiVersion: 'v1.0', method: 'GET', path: '/groups/{id}', query: { $select: 'id,displayName' },
    permissions: groupRead, response: groupSchema, paged: false, features: ['groups', 'restore'], intune: false,
  }),
  'conditionalAccessPolicies.list': defineContract({
    key: 'conditionalAccessPolicies.list', apiVersion: 'v1.0', method: 'GET', path: '/identity/conditionalAccess/policies',
    permissions: anyOf('Policy.Read.All'), response: pageOf(conditionalAccessPolicySchema), paged: true,
    features: ['inventory', 'backup'], intune: false, probe: true,
  }),
} as const;
