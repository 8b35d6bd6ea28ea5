import { randomBytes, randomUUID } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import { createTenant } from '../../services/admin/tenants.ts';
import { addConnection, setConnectionSecret } from '../../services/admin/connections.ts';
import { bindChannel } from '../../services/admin/bindings.ts';
import { createMicrosoftServices } from '../../services/microsoft/services.ts';
import type { RunNotifier } from '../../services/runs/notifier.ts';
import type { SimPermission } from '../../sim/microsoft/server.ts';
import { startMicrosoftSimulator, type MicrosoftSimulator, type ScenarioInput } from '../../sim/microsoft/server.ts';
import { handlers } from '../../worker/handlers/index.ts';
import { startWorker, type RunningWorker } from '../../worker/worker.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { silentLogger, testConfig } from '../helpers/fixtures.ts';
import type { Place } from './harness.ts';

export const healthyRoles: SimPermission[] = [
  'Organization.Read.All', 'Application.Read.All', 'Group.Read.All', 'Policy.Read.All',
  'DeviceManagementConfiguration.ReadWrite.All', 'DeviceManagementServiceConfig.ReadWrite.All',
  'DeviceManagementApps.ReadWrite.All', 'DeviceManagementScripts.ReadWrite.All',
];

export interface MicrosoftTenantFixture {
  entraTenantId: string;
  clientId: string;
  secret: string;
  roles: SimPermission[];
}

export function microsoftTenant(roles: SimPermission[] = healthyRoles): MicrosoftTenantFixture {
  return { entraTenantId: randomUUID(), clientId: randomUUID(), secret: `s3cr3t-${randomBytes(8).toString('hex')}`, roles };
}

/** Scenario: the customer tenants, plus the botframework.com tenant that issues Bot Connector tokens. */
export function scenarioFor(tenants: MicrosoftTenantFixture[], bot?: { appId: string; password: string }): ScenarioInput {
  return {
    tenants: [
      ...tenants.map((f) => ({
        id: f.entraTenantId, displayName: `Tenant ${f.entraTenantId.slice(0, 6)}`, domain: `t${f.entraTenantId.slice(0, 6)}.onmicrosoft.com`,
        apps: [{ clientId: f.clientId, secrets: [{ value: f.secret }], roles: f.roles }],
        groups: [{ id: randomUUID(), displayName: 'All devices' }],
        intune: { deviceConfigurations: [{ id: randomUUID(), displayName: 'Baseline' }] },
      })),
      ...(bot ? [{ id: randomUUID(), displayName: 'Bot Framework', domain: 'botframework.com', apps: [{ clientId: bot.appId, secrets: [{ value: bot.password }] }] }] : []),
    ],
  };
}

export async function startMicrosoft(tenants: MicrosoftTenantFixture[], bot?: { appId: string; password: string }): Promise<MicrosoftSimulator> {
  return startMicrosoftSimulator({ scenario: scenarioFor(tenants, bot) });
}

/** A tenant whose default connection points at the simulated app, with a channel bound to it. */
export async function seedConnectedTenant(t: TestDatabase, keyring: { current: string; previous: string[] }, fixture: MicrosoftTenantFixture) {
  const tenant = await createTenant(t.db, { name: `Contoso ${randomUUID().slice(0, 6)}`, entraTenantId: fixture.entraTenantId });
  const added = await addConnection(t.db, { tenantId: tenant.id, clientId: fixture.clientId, entraTenantId: fixture.entraTenantId });
  await setConnectionSecret(t.db, keyring, await t.db.providerConnection.findUniqueOrThrow({ where: { id: added.id } }), fixture.secret);
  const channelId = `19:${randomUUID().replace(/-/g, '')}@thread.tacv2`;
  await bindChannel(t.db, { tenantId: tenant.id, platform: 'teams', channelId });
  const channel: Place = { conversationId: `${channelId};messageid=${Date.now()}`, channelId };
  return { tenant, connection: added, channel };
}

/** The real worker (real verify handler) talking to the Microsoft simulator. */
export async function startVerifyWorker(options: { t: TestDatabase; boss: PgBoss; sim: MicrosoftSimulator; keyring: { current: string; previous: string[] }; notifier: RunNotifier }): Promise<RunningWorker> {
  const microsoft = createMicrosoftServices({ ...testConfig, MICROSOFT_MAX_RETRIES: 1, MICROSOFT_MAX_RETRY_DELAY_SECONDS: 1, MICROSOFT_REQUEST_TIMEOUT_SECONDS: 5, MICROSOFT_SIMULATOR_URL: options.sim.url });
  return startWorker({ db: options.t.db, boss: options.boss, logger: silentLogger, config: testConfig, keyring: options.keyring, microsoft, notifier: options.notifier, handlers, reaperIntervalMs: 60_000 });
}

export function newKeyring() {
  return { current: randomBytes(32).toString('base64'), previous: [] as string[] };
}
