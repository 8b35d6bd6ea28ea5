import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { onTestFinished } from 'vitest';
import type { PgBoss } from 'pg-boss';
import type { SecretKeyring } from '../../services/secrets.ts';
import { createTenant, type Tenant } from '../../services/admin/tenants.ts';
import { addConnection, setConnectionSecret } from '../../services/admin/connections.ts';
import { startRun } from '../../services/runs/start-run.ts';
import { silentNotifier } from '../../services/runs/notifier.ts';
import type { OperationRun } from '../../services/runs/run-types.ts';
import { canonicalJson } from '../../services/runs/identity.ts';
import { createMicrosoftServices } from '../../services/microsoft/services.ts';
import { startWorker } from '../../worker/worker.ts';
import { handlers } from '../../worker/handlers/index.ts';
import {
  generateTenant, startMicrosoftSimulator, type GeneratedTenant, type MicrosoftSimulator, type ScenarioInput, type SimFamilyName, type SimPermission,
} from '../../sim/microsoft/server.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { silentLogger, testConfig, waitFor } from '../helpers/fixtures.ts';

/** Every permission inventory and groups syncs need (a healthy Operate Hub app). */
export const syncRoles: SimPermission[] = [
  'Organization.Read.All', 'Application.Read.All', 'Group.Read.All', 'Policy.Read.All',
  'DeviceManagementConfiguration.Read.All', 'DeviceManagementServiceConfig.Read.All',
  'DeviceManagementApps.Read.All', 'DeviceManagementScripts.Read.All',
];

export interface BedOptions {
  items?: number;
  groups?: number;
  roles?: SimPermission[];
  intuneThrottle?: ScenarioInput['intuneThrottle'];
  pageSize?: number;
  /** Graph retries of the worker's client (default 3, up to 5 s each). */
  maxRetries?: number;
  /** false: no worker until bed.startWorker() (runs stay queued meanwhile). */
  worker?: false;
}

export interface Bed {
  sim: MicrosoftSimulator;
  /** The simulated Entra tenant id (sim.state takes it as the tenant reference). */
  entraTenantId: string;
  clientId: string;
  generated: GeneratedTenant;
  tenant: Tenant;
  keyring: SecretKeyring;
  /** Starts a run like `runs start` does and waits for its final status. */
  sync(type: 'inventory.sync' | 'directory_groups.sync'): Promise<OperationRun>;
  /** Graph requests the simulator has answered so far. */
  graphRequests(): number;
  startWorker(): Promise<void>;
}

/**
 * A simulator holding one generated tenant, that tenant + a connection with its secret in the
 * test database, and a worker with the real handlers whose Microsoft traffic goes to the
 * simulator. The simulator and the worker stop when the test finishes.
 */
export async function startBed(t: TestDatabase, boss: PgBoss, options: BedOptions = {}): Promise<Bed> {
  const entraTenantId = randomUUID();
  const clientId = randomUUID();
  const secret = `s3cr3t-${randomBytes(12).toString('hex')}`;
  const generated = generateTenant({ seed: entraTenantId, items: options.items ?? 300, groups: options.groups ?? 40 });
  const sim = await startMicrosoftSimulator({
    scenario: {
      pageSize: options.pageSize ?? 100, ...(options.intuneThrottle ? { intuneThrottle: options.intuneThrottle } : {}),
      tenants: [{ id: entraTenantId, displayName: 'Generated tenant', apps: [{ clientId, secrets: [{ value: secret }], roles: options.roles ?? syncRoles }], groups: generated.groups, intune: generated.intune }],
    },
  });
  onTestFinished(() => sim.close());
  const keyring: SecretKeyring = { current: randomBytes(32).toString('base64'), previous: [] };
  const microsoft = createMicrosoftServices({
    ...testConfig, MICROSOFT_MAX_RETRIES: options.maxRetries ?? 3, MICROSOFT_MAX_RETRY_DELAY_SECONDS: 5, MICROSOFT_REQUEST_TIMEOUT_SECONDS: 10, MICROSOFT_SIMULATOR_URL: sim.url,
  });
  const tenant = await createTenant(t.db, { name: `Tenant ${randomUUID().slice(0, 8)}`, entraTenantId });
  const added = await addConnection(t.db, { tenantId: tenant.id, clientId, entraTenantId });
  await setConnectionSecret(t.db, keyring, await t.db.providerConnection.findUniqueOrThrow({ where: { id: added.id } }), secret);
  const begin = async () => {
    const worker = await startWorker({ db: t.db, boss, logger: silentLogger, config: testConfig, keyring, microsoft, notifier: silentNotifier, handlers, reaperIntervalMs: 60_000, scheduler: false });
    onTestFinished(() => worker.stop());
  };
  if (options.worker !== false) await begin();
  return {
    sim, entraTenantId, clientId, generated, tenant, keyring, startWorker: begin,
    sync: async (type) => {
      const { run } = await startRun({ db: t.db, boss }, { tenantId: tenant.id, type, actor: { kind: 'system', name: 'cli' }, source: 'cli', deliveryId: randomUUID() });
      return finalRun(t, run.id);
    },
    graphRequests: () => sim.requestLog.filter((r) => r.path.startsWith('/graph/')).length,
  };
}

export function finalRun(t: TestDatabase, runId: string): Promise<OperationRun> {
  return waitFor(async () => {
    const run = await t.db.operationRun.findUniqueOrThrow({ where: { id: runId } });
    return run.status === 'queued' || run.status === 'running' ? null : run;
  }, { timeoutMs: 240_000, what: `run ${runId} to finish` });
}

/** Families whose list expands assignments (the others' assignments are not cached). */
export const expandingFamilies = new Set<SimFamilyName>(['deviceConfigurations', 'configurationPolicies', 'deviceCompliancePolicies', 'deviceEnrollmentConfigurations', 'mobileAppConfigurations']);

/** What the inventory must hold for one simulated item, computed independently of the product. */
export function expectedRow(family: SimFamilyName, item: Record<string, unknown>) {
  const { assignments, ...payload } = item;
  const known = expandingFamilies.has(family);
  const list = known && Array.isArray(assignments) ? assignments : [];
  return {
    graphId: item.id,
    payload,
    payloadHash: createHash('sha256').update(canonicalJson({ payload, assignments: list })).digest('hex'),
    assignments: known ? list : null,
  };
}
