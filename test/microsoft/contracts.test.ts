import { randomUUID } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { contractKeys, features, graphContracts, graphPermissions, isGranted, type ContractKey, type GraphContract } from '../../services/microsoft/contracts/index.ts';
import { deriveReadiness } from '../../services/microsoft/readiness.ts';
import { createGraphClient, type GraphCallOptions } from '../../services/microsoft/graph-client.ts';
import { createTransport } from '../../services/microsoft/transport.ts';
import { createMsalClient } from '../../services/microsoft/msal-factory.ts';
import { authorityFor, GRAPH_SCOPE } from '../../services/microsoft/hosts.ts';
import { startMicrosoftSimulator } from '../../sim/microsoft/server.ts';
import { healthyFixture, healthyRoles } from './bed.ts';

const specs = contractKeys.map((key) => [key, graphContracts[key] as GraphContract] as const);

describe('the Graph contracts registry', () => {
  it('each contract is filed under its own key and names only known permissions', () => {
    for (const [key, spec] of specs) {
      expect(spec.key).toBe(key);
      expect(spec.permissions.length).toBeGreaterThan(0);
      for (const p of spec.permissions.flat()) expect(graphPermissions).toContain(p);
    }
  });

  it('one contract per (version, method, path)', () => {
    const seen = specs.map(([, s]) => `${s.apiVersion} ${s.method} ${s.path}`);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('every write serves restore and needs a ReadWrite permission; reads never need one', () => {
    for (const [key, spec] of specs) {
      const writes = spec.permissions.every((set) => set.some((p) => p.includes('.ReadWrite.')));
      expect(spec.method === 'GET' ? !writes : writes && spec.features.includes('restore'), key).toBe(true);
    }
  });

  it('a ReadWrite permission satisfies its Read, never the reverse', () => {
    expect(isGranted(new Set(['DeviceManagementConfiguration.ReadWrite.All']), 'DeviceManagementConfiguration.Read.All')).toBe(true);
    expect(isGranted(new Set(['DeviceManagementConfiguration.Read.All']), 'DeviceManagementConfiguration.ReadWrite.All')).toBe(false);
  });

  it('every feature is served by contracts; probes are parameterless GET collections', () => {
    for (const f of features) expect(specs.some(([, s]) => s.features.includes(f)), f).toBe(true);
    for (const [key, spec] of specs.filter(([, s]) => s.probe)) expect([spec.method, spec.paged, spec.path.includes('{')], key).toEqual(['GET', true, false]);
  });

  it('readiness from grants alone: all healthy roles -> every feature ready; no roles -> all but verification blocked', () => {
    expect(deriveReadiness({ granted: new Set(healthyRoles), intuneLicensed: true, denials: [] }).map((f) => f.status)).toEqual(['ready', 'ready', 'ready', 'ready', 'ready']);
    expect(deriveReadiness({ granted: new Set(), intuneLicensed: undefined, denials: [] }).map((f) => [f.feature, f.status])).toEqual([
      ['verification', 'ready'], ['inventory', 'blocked'], ['groups', 'blocked'], ['backup', 'blocked'], ['restore', 'blocked'],
    ]);
  });
});

describe('the contracts against the simulator (same versions, paths, shapes)', () => {
  it('every GET contract is served and its response passes the contract schema', async () => {
    const fixture = healthyFixture();
    const groupId = randomUUID();
    const policyId = randomUUID();
    const tenant = fixture.scenario.tenants[0]!;
    tenant.groups = [{ id: groupId, displayName: 'Pilot' }];
    tenant.intune = Object.fromEntries(['deviceConfigurations', 'configurationPolicies', 'deviceCompliancePolicies', 'deviceEnrollmentConfigurations', 'deviceManagementScripts', 'windowsAutopilotDeploymentProfiles', 'mobileAppConfigurations']
      .map((family) => [family, [{ id: policyId, displayName: family, assignments: [{ id: 'a', target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId } }], settings: [{ id: '0', settingInstance: { '@odata.type': '#x', settingDefinitionId: 'd' } }] }]]));
    const sim = await startMicrosoftSimulator({ scenario: fixture.scenario });
    onTestFinished(() => sim.close());
    const transport = createTransport({ simulatorUrl: sim.url, timeoutMs: 5000 });
    const token = await createMsalClient({ clientId: fixture.clientId, authority: authorityFor(fixture.tenantId), clientSecret: fixture.secret }, transport).acquireToken(GRAPH_SCOPE);
    const graph = createGraphClient({ transport, tokens: { getAccessToken: async () => token.accessToken }, retry: { maxRetries: 0, maxDelaySeconds: 1 } });
    const spId = (await graph.call('servicePrincipals.byAppId', { appId: fixture.clientId })).value[0]?.id ?? '';
    const params: Record<string, string> = { appId: fixture.clientId, id: policyId };
    const call = graph.call as (key: ContractKey, p: Record<string, string>, o?: GraphCallOptions) => Promise<unknown>;
    const failures: string[] = [];
    for (const [key] of specs.filter(([, s]) => s.method === 'GET')) {
      const id = key.startsWith('groups.') ? groupId : key.startsWith('servicePrincipals.') ? spId : policyId;
      await call(key, { ...params, id }).catch((error: Error & { code?: string }) => failures.push(`${key}: ${error.code} ${error.message}`));
    }
    expect(failures).toEqual([]);
    expect(sim.requestLog.filter((r) => r.status !== 200)).toEqual([]);
  });
});
