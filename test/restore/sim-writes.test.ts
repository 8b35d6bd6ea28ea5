import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMicrosoftSimulator, type MicrosoftSimulator, type SimPermission } from '../../sim/microsoft/server.ts';
import { intuneWriteLog } from '../../sim/microsoft/graph/intune-writes.ts';
import { GRAPH_SCOPE } from '../../services/microsoft/hosts.ts';

const writer = { tenantId: randomUUID(), clientId: randomUUID(), secret: 'writer-secret' };
const reader = { clientId: randomUUID(), secret: 'reader-secret' };
const other = { tenantId: randomUUID(), clientId: randomUUID(), secret: 'other-secret' };
const group = randomUUID();
const readWrite: SimPermission[] = ['DeviceManagementConfiguration.ReadWrite.All', 'DeviceManagementServiceConfig.ReadWrite.All'];

let sim: MicrosoftSimulator;

beforeAll(async () => {
  sim = await startMicrosoftSimulator({
    scenario: {
      tenants: [
        {
          id: writer.tenantId, displayName: 'Writer',
          apps: [
            { clientId: writer.clientId, secrets: [{ value: writer.secret }], roles: readWrite },
            { clientId: reader.clientId, secrets: [{ value: reader.secret }], roles: ['DeviceManagementConfiguration.Read.All'] },
          ],
          groups: [{ id: group, displayName: 'Pilot ring' }],
          intune: {
            deviceConfigurations: [{ id: 'cfg-1', '@odata.type': '#microsoft.graph.windows10GeneralConfiguration', displayName: 'Baseline' }],
            deviceEnrollmentConfigurations: [{ id: 'default_Limit', '@odata.type': '#microsoft.graph.deviceEnrollmentLimitConfiguration', displayName: 'All users and all devices', priority: 0, limit: 5 }],
          },
        },
        { id: other.tenantId, displayName: 'Other', apps: [{ clientId: other.clientId, secrets: [{ value: other.secret }], roles: readWrite }] },
      ],
    },
  });
});
afterAll(async () => {
  await sim.close();
});

async function token(tenantId: string, clientId: string, secret: string): Promise<string> {
  const response = await fetch(`${sim.url}/login/${tenantId}/oauth2/v2.0/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: GRAPH_SCOPE }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

async function graph(bearer: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${sim.url}/graph/beta${path}`, {
    method, headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const configs = '/deviceManagement/deviceConfigurations';
const enrollments = '/deviceManagement/deviceEnrollmentConfigurations';

describe('simulated Intune writes', () => {
  it('create, update and assign are applied to the state, journaled and in the request log', async () => {
    const bearer = await token(writer.tenantId, writer.clientId, writer.secret);
    const created = await graph(bearer, 'POST', configs, { '@odata.type': '#microsoft.graph.iosGeneralDeviceConfiguration', displayName: 'iOS baseline', passcodeRequired: true });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await graph(bearer, 'PATCH', `${configs}/${id}`, { '@odata.type': '#microsoft.graph.iosGeneralDeviceConfiguration', passcodeRequired: false })).status).toBe(204);
    expect((await graph(bearer, 'POST', `${configs}/${id}/assign`, { assignments: [{ target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: group } }] })).status).toBe(200);
    const item = sim.state.tenant(writer.tenantId).intune.deviceConfigurations.find((i) => i.id === id);
    expect(item).toMatchObject({ displayName: 'iOS baseline', passcodeRequired: false, assignments: [{ target: { groupId: group } }] });
    expect(intuneWriteLog(sim.state).filter((w) => w.id === id).map((w) => w.action)).toEqual(['create', 'update', 'assign']);
    expect(sim.requestLog.filter((r) => r.path.includes(id) || (r.method === 'POST' && r.path.endsWith(configs))).map((r) => `${r.method} ${r.status}`)).toEqual(['POST 201', 'PATCH 204', 'POST 200']);
  });

  it('a type change, a created default and an assignment to an unknown group are refused with 400', async () => {
    const bearer = await token(writer.tenantId, writer.clientId, writer.secret);
    expect((await graph(bearer, 'PATCH', `${configs}/cfg-1`, { '@odata.type': '#microsoft.graph.macOSGeneralDeviceConfiguration' })).status).toBe(400);
    expect((await graph(bearer, 'POST', enrollments, { '@odata.type': '#microsoft.graph.deviceEnrollmentLimitConfiguration', displayName: 'Default again', priority: 0 })).status).toBe(400);
    expect((await graph(bearer, 'POST', `${configs}/cfg-1/assign`, { assignments: [{ target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: randomUUID() } }] })).status).toBe(400);
    expect((await graph(bearer, 'PATCH', `${configs}/missing`, { displayName: 'x' })).status).toBe(404);
    expect(sim.state.tenant(writer.tenantId).intune.deviceConfigurations.find((i) => i.id === 'cfg-1')).toMatchObject({ '@odata.type': '#microsoft.graph.windows10GeneralConfiguration' });
  });

  it('an app with Read permissions only gets 403 naming the ReadWrite scope, and nothing changes', async () => {
    const bearer = await token(writer.tenantId, reader.clientId, reader.secret);
    const response = await graph(bearer, 'PATCH', `${configs}/cfg-1`, { displayName: 'Renamed' });
    expect(response.status).toBe(403);
    expect(JSON.stringify(await response.json())).toContain('DeviceManagementConfiguration.ReadWrite.All');
    expect(sim.state.tenant(writer.tenantId).intune.deviceConfigurations.find((i) => i.id === 'cfg-1')?.displayName).toBe('Baseline');
  });

  it('the 101st write within 20 s is throttled (429 + Retry-After) for that tenant only', async () => {
    const bearer = await token(other.tenantId, other.clientId, other.secret);
    const created = await graph(bearer, 'POST', configs, { '@odata.type': '#microsoft.graph.windows10GeneralConfiguration', displayName: 'Throttle target' });
    const { id } = (await created.json()) as { id: string };
    const statuses: number[] = [];
    for (let i = 1; i < 100; i += 1) statuses.push((await graph(bearer, 'PATCH', `${configs}/${id}`, { description: `write ${i}` })).status);
    expect(statuses.every((s) => s === 204)).toBe(true);
    const throttled = await graph(bearer, 'PATCH', `${configs}/${id}`, { description: 'one too many' });
    expect(throttled.status).toBe(429);
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(20);
    const elsewhere = await token(writer.tenantId, writer.clientId, writer.secret);
    expect((await graph(elsewhere, 'PATCH', `${configs}/cfg-1`, { description: 'another tenant' })).status).toBe(204);
  });
});
