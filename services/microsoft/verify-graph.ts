import type { ReasonCode } from '../reason-codes.ts';
import { asProviderError, type CheckList } from './checks.ts';
import { contractKeys, graphContracts, setsSatisfied, type ContractKey, type GraphContract } from './contracts/index.ts';
import type { GraphCallOptions, GraphClient } from './graph-client.ts';
import { GRAPH_APP_ID } from './hosts.ts';
import { deriveReadiness, type ContractDenial, type FeatureReadiness } from './readiness.ts';

export interface GraphFindings {
  features: FeatureReadiness[] | null;
  organization: { id: string; display_name: string | null } | null;
  permissionSource: 'token_and_assignments' | 'token_only';
}

interface CrossCheck { status: 'matched' | 'differs' | 'unreadable'; assigned: string[]; code?: ReasonCode }
interface Probes { denials: ContractDenial[]; intuneLicensed: boolean | undefined; intuneAnswered: number }

/** Graph reachability, permissions (token vs appRoleAssignments, probes) and Intune availability. */
export async function runGraphChecks(graph: GraphClient, list: CheckList, input: { clientId: string; granted: ReadonlySet<string>; consentUrl: string }): Promise<GraphFindings> {
  const findings: GraphFindings = { features: null, organization: null, permissionSource: 'token_only' };
  try {
    const org = (await graph.call('organization.get', {})).value[0];
    findings.organization = org ? { id: org.id, display_name: org.displayName ?? null } : null;
    list.pass('graph_reachability', `Microsoft Graph answered${org?.displayName ? ` for ${org.displayName}` : ''}.`);
  } catch (thrown) {
    const error = asProviderError(thrown);
    if (error.code !== 'provider_permission_denied') return stop(list, 'graph_reachability', error, findings);
    list.add('graph_reachability', 'warn', error.code, 'Microsoft Graph answered, but the app may not read the organization (Organization.Read.All), so the tenant name is unknown.', { blocking: false, remediation: null });
  }
  let cross: CrossCheck;
  let probes: Probes;
  try {
    cross = await crossCheck(graph, input.clientId, input.granted);
    probes = await probe(graph, input.granted);
  } catch (thrown) {
    return stop(list, 'permissions', asProviderError(thrown), findings);
  }
  findings.permissionSource = cross.status === 'unreadable' ? 'token_only' : 'token_and_assignments';
  findings.features = deriveReadiness({ granted: input.granted, intuneLicensed: probes.intuneLicensed, denials: probes.denials });
  permissionsCheck(list, findings.features, cross, probes, input);
  intuneCheck(list, probes);
  return findings;
}

function stop(list: CheckList, at: 'graph_reachability' | 'permissions', error: ReturnType<typeof asProviderError>, findings: GraphFindings): GraphFindings {
  list.failWith(at, error);
  list.skipRest(at);
  return findings;
}

async function crossCheck(graph: GraphClient, clientId: string, granted: ReadonlySet<string>): Promise<CrossCheck> {
  if (!setsSatisfied(granted, graphContracts['servicePrincipals.byAppId'].permissions)) return { status: 'unreadable', assigned: [], code: 'provider_permission_denied' };
  try {
    const app = (await graph.call('servicePrincipals.byAppId', { appId: clientId })).value[0];
    const resource = (await graph.call('servicePrincipals.byAppId', { appId: GRAPH_APP_ID })).value[0];
    if (!app || !resource) return { status: 'unreadable', assigned: [], code: 'provider_resource_missing' };
    const names = new Map((resource.appRoles ?? []).map((r) => [r.id, r.value ?? r.id]));
    const assigned: string[] = [];
    for await (const page of graph.pages('servicePrincipals.appRoleAssignments', { id: app.id })) {
      for (const a of page.items) if (a.resourceId === resource.id) assigned.push(names.get(a.appRoleId) ?? a.appRoleId);
    }
    const same = assigned.length === granted.size && assigned.every((p) => granted.has(p));
    return { status: same ? 'matched' : 'differs', assigned: assigned.sort() };
  } catch (thrown) {
    const error = asProviderError(thrown);
    if (error.code === 'provider_permission_denied' || error.code === 'provider_resource_missing') return { status: 'unreadable', assigned: [], code: error.code };
    throw error;
  }
}

/** Proves access by reading one item of each permitted collection ($top=1). */
async function probe(graph: GraphClient, granted: ReadonlySet<string>): Promise<Probes> {
  const result: Probes = { denials: [], intuneLicensed: undefined, intuneAnswered: 0 };
  const call = graph.call as (key: ContractKey, params: Record<string, string>, options?: GraphCallOptions) => Promise<unknown>;
  for (const key of contractKeys) {
    const spec: GraphContract = graphContracts[key];
    if (!spec.probe || !setsSatisfied(granted, spec.permissions) || (spec.intune && result.intuneLicensed === false)) continue;
    try {
      await call(key, {}, { query: { $top: '1' } });
      if (spec.intune) [result.intuneLicensed, result.intuneAnswered] = [true, result.intuneAnswered + 1];
    } catch (thrown) {
      const error = asProviderError(thrown);
      if (spec.intune && error.code === 'provider_license_missing') result.intuneLicensed = false;
      else if (error.code === 'provider_permission_denied') {
        const scopes = error.detail.scopes;
        result.denials.push({ contract: key, code: error.code, ...(Array.isArray(scopes) ? { scopes: scopes.map(String) } : {}) });
        if (spec.intune) [result.intuneLicensed, result.intuneAnswered] = [true, result.intuneAnswered + 1];
      } else throw error;
    }
  }
  return result;
}

function permissionsCheck(list: CheckList, features: FeatureReadiness[], cross: CrossCheck, probes: Probes, input: { clientId: string; granted: ReadonlySet<string>; consentUrl: string }): void {
  const blocked = features.filter((f) => f.status === 'blocked' && f.reason_code === 'provider_permission_denied');
  const missing = [...new Set(blocked.flatMap((f) => f.missing_permissions))].sort();
  const data = { granted: [...input.granted].sort(), missing, cross_check: cross.status, ...(cross.status === 'differs' ? { assigned: cross.assigned } : {}), denied_contracts: probes.denials.map((d) => d.contract) };
  if (blocked.length > 0) {
    const summary = blocked.map((f) => f.detail).join('; ');
    const pending = cross.status === 'differs' ? cross.assigned.filter((p) => !input.granted.has(p)) : [];
    const note = pending.length > 0 ? ` Entra already lists ${pending.join(', ')} in the app's assignments but not in its token yet: verify again in a few minutes.` : '';
    list.add('permissions', 'fail', 'provider_permission_denied', `Missing ${missing.join(', ') || 'permissions Graph requires'}: ${summary}.${note}`, {
      remediation: `Grant ${missing.join(', ') || 'the permissions named above'} (Microsoft Graph application permissions) to app ${input.clientId}, then grant admin consent: ${input.consentUrl}`,
      data,
    });
  } else if (cross.status === 'unreadable') {
    list.add('permissions', 'warn', cross.code ?? 'provider_permission_denied', 'Granted permissions were taken from the token only: the app may not read its own service principal (Application.Read.All), so they were not cross-checked with its appRoleAssignments.', { blocking: false, remediation: 'Optional: grant Application.Read.All so verification can cross-check the assignments.', data });
  } else if (cross.status === 'differs') {
    list.add('permissions', 'warn', null, `Entra's appRoleAssignments (${cross.assigned.join(', ') || 'none'}) differ from the token's roles; recent changes can take a few minutes to reach tokens.`, { blocking: false, remediation: 'Verify again in a few minutes.', data });
  } else {
    list.pass('permissions', `All ${input.granted.size} granted permissions match the app's assignments; every feature's contracts are covered.`, data);
  }
}

function intuneCheck(list: CheckList, probes: Probes): void {
  if (probes.intuneLicensed === false) list.add('intune', 'fail', 'provider_license_missing', 'Intune answered "Request not applicable to target tenant": the tenant has no Intune license.');
  else if (probes.intuneLicensed === true) list.pass('intune', `Intune answered for ${probes.intuneAnswered} collection(s).`);
  else list.add('intune', 'skipped', null, 'No Intune permission is granted, so Intune availability was not probed.');
}
