import express, { type Router } from 'express';
import { GRAPH_APP_ID } from '../../../services/microsoft/hosts.ts';
import { sendGraphError } from '../errors.ts';
import { appRoleId, directoryRead, simPermissions, stableGuid } from '../permissions.ts';
import type { MicrosoftSimState, SimGroup, SimTenant } from '../state.ts';
import { caller, decodeToken, encodeToken, hasAnyRole, linkWith, sendPage } from './context.ts';

const denied = 'Insufficient privileges to complete the operation.';

/** Entra ID objects: organization, service principals (+ appRoleAssignments), groups (+ delta), CA policies. */
export function directoryRouter(state: MicrosoftSimState): Router {
  const router = express.Router({ mergeParams: true });
  router.get('/organization', (_req, res) => {
    if (!hasAnyRole(res, directoryRead.organization)) return sendGraphError(res, 403, 'Authorization_RequestDenied', denied);
    const { tenant } = caller(res);
    res.json({ value: [{ id: tenant.id, displayName: tenant.displayName, verifiedDomains: tenant.domain ? [{ name: tenant.domain, isDefault: true }] : [] }] });
  });
  router.get('/servicePrincipals', (req, res) => {
    if (!hasAnyRole(res, directoryRead.applications)) return sendGraphError(res, 403, 'Authorization_RequestDenied', denied);
    const appId = /^appId eq '([^']*)'$/.exec(String(req.query.$filter ?? ''))?.[1]?.toLowerCase();
    if (appId === undefined) return sendGraphError(res, 400, 'BadRequest', 'Invalid filter clause: only "appId eq \'<guid>\'" is supported by the simulator.');
    res.json({ value: servicePrincipals(caller(res).tenant, appId) });
  });
  router.get('/servicePrincipals/:id/appRoleAssignments', (req, res) => {
    if (!hasAnyRole(res, directoryRead.applications)) return sendGraphError(res, 403, 'Authorization_RequestDenied', denied);
    const { tenant } = caller(res);
    const app = [...tenant.apps.values()].find((a) => a.spId === req.params.id && a.consent !== 'no_service_principal');
    if (!app) return sendGraphError(res, 404, 'Request_ResourceNotFound', `Resource '${req.params.id}' does not exist or one of its queried reference-property objects are not present.`);
    const roles = app.consent === 'granted' ? [...new Set([...app.roles, ...app.pendingRoles])].sort() : [];
    sendPage(req, res, roles.map((role) => ({
      id: stableGuid('assignment', app.spId, role), appRoleId: appRoleId(role), principalId: app.spId, principalType: 'ServicePrincipal',
      principalDisplayName: app.displayName, resourceId: tenant.graphSpId, resourceDisplayName: 'Microsoft Graph', createdDateTime: '2026-01-01T00:00:00Z',
    })), state.pageSize);
  });
  router.get('/groups', (req, res) => {
    if (!hasAnyRole(res, directoryRead.groups)) return sendGraphError(res, 403, 'Authorization_RequestDenied', denied);
    sendPage(req, res, [...caller(res).tenant.groups.values()].map(groupJson), state.pageSize);
  });
  router.get('/groups/delta', (req, res) => {
    if (!hasAnyRole(res, directoryRead.groups)) return sendGraphError(res, 403, 'Authorization_RequestDenied', denied);
    if (state.isDeltaTokenExpired(caller(res).tenant.id, decodeToken(req.query.$deltatoken)?.seq ?? Number.POSITIVE_INFINITY)) {
      return sendGraphError(res, 410, 'syncStateNotFound', 'The sync state generation is not found. The delta token is expired and data must be synchronized again.');
    }
    const since = decodeToken(req.query.$deltatoken)?.seq ?? decodeToken(req.query.$skiptoken)?.since ?? 0;
    const upto = decodeToken(req.query.$skiptoken)?.upto ?? state.changeSeq;
    const { tenant } = caller(res);
    const changed = [...tenant.groups.values()].filter((g) => g.seq > since && g.seq <= upto).map(groupJson);
    const removed = tenant.removedGroups.filter((r) => r.seq > since && r.seq <= upto).map((r) => ({ id: r.id, '@removed': { reason: 'deleted' } }));
    const items = [...changed, ...removed];
    const top = Math.max(1, Math.min(Number(req.query.$top) || state.pageSize, state.pageSize));
    const offset = decodeToken(req.query.$skiptoken)?.offset ?? 0;
    const body: Record<string, unknown> = { value: items.slice(offset, offset + top) };
    if (offset + top < items.length) body['@odata.nextLink'] = linkWith(req, { $skiptoken: encodeToken({ offset: offset + top, since, upto }) }, ['$deltatoken']);
    else body['@odata.deltaLink'] = linkWith(req, { $deltatoken: encodeToken({ seq: upto }) }, ['$skiptoken']);
    res.json(body);
  });
  router.get('/groups/:id', (req, res) => {
    if (!hasAnyRole(res, directoryRead.groups)) return sendGraphError(res, 403, 'Authorization_RequestDenied', denied);
    const group = caller(res).tenant.groups.get(req.params.id.toLowerCase());
    if (!group) return sendGraphError(res, 404, 'Request_ResourceNotFound', `Resource '${req.params.id}' does not exist or one of its queried reference-property objects are not present.`);
    res.json(groupJson(group));
  });
  router.get('/identity/conditionalAccess/policies', (req, res) => {
    if (!hasAnyRole(res, directoryRead.conditionalAccess)) return sendGraphError(res, 403, 'AccessDenied', 'You cannot perform the requested operation, required scopes are missing in the token.');
    sendPage(req, res, caller(res).tenant.conditionalAccessPolicies, state.pageSize);
  });
  return router;
}

function servicePrincipals(tenant: SimTenant, appId: string): unknown[] {
  if (appId === GRAPH_APP_ID) {
    const appRoles = simPermissions.map((value) => ({ id: appRoleId(value), value, displayName: value, allowedMemberTypes: ['Application'], isEnabled: true }));
    return [{ id: tenant.graphSpId, appId: GRAPH_APP_ID, displayName: 'Microsoft Graph', appRoles }];
  }
  const app = tenant.apps.get(appId);
  if (!app || app.consent === 'no_service_principal') return [];
  return [{ id: app.spId, appId: app.clientId, displayName: app.displayName, appRoles: [] }];
}

function groupJson(group: SimGroup): Record<string, unknown> {
  const { seq: _seq, ...json } = group;
  return json;
}
