import { randomBytes, randomUUID } from 'node:crypto';
import { onTestFinished } from 'vitest';
import type { PgBoss } from 'pg-boss';
import type { Logger } from '../../services/logger.ts';
import type { SecretKeyring } from '../../services/secrets.ts';
import { createTenant, type Tenant } from '../../services/admin/tenants.ts';
import { addConnection, setConnectionSecret, type ProviderConnection } from '../../services/admin/connections.ts';
import { startRun } from '../../services/runs/start-run.ts';
import { silentNotifier } from '../../services/runs/notifier.ts';
import type { OperationRun } from '../../services/runs/run-types.ts';
import { createMicrosoftServices, type MicrosoftConfig, type MicrosoftServices } from '../../services/microsoft/services.ts';
import { verificationReportSchema, type VerificationReport } from '../../services/microsoft/report.ts';
import { startWorker } from '../../worker/worker.ts';
import { handlers } from '../../worker/handlers/index.ts';
import { startMicrosoftSimulator, type MicrosoftSimulator, type ScenarioInput, type SimPermission } from '../../sim/microsoft/server.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { silentLogger, testConfig, waitFor } from '../helpers/fixtures.ts';

/** Every permission a healthy Operate Hub app holds (ReadWrite covers the reads). */
export const healthyRoles: SimPermission[] = [
  'Organization.Read.All', 'Application.Read.All', 'Group.Read.All', 'Policy.Read.All',
  'DeviceManagementConfiguration.ReadWrite.All', 'DeviceManagementServiceConfig.ReadWrite.All',
  'DeviceManagementApps.ReadWrite.All', 'DeviceManagementScripts.ReadWrite.All',
];

export function newKeyring(): SecretKeyring {
  return { current: randomBytes(32).toString('base64'), previous: [] };
}

export interface Fixture {
  tenantId: string;
  clientId: string;
  secret: string;
  scenario: ScenarioInput & { tenants: NonNullable<ScenarioInput['tenants']> };
}

/** One healthy tenant with one app (fresh ids, so every test has its own tenant row). */
export function healthyFixture(roles: SimPermission[] = healthyRoles): Fixture {
  const tenantId = randomUUID();
  const clientId = randomUUID();
  const secret = `s3cr3t-${randomBytes(12).toString('hex')}`;
  return {
    tenantId, clientId, secret,
    scenario: {
      tenants: [{
        id: tenantId, displayName: `Tenant ${tenantId.slice(0, 6)}`, domain: `t${tenantId.slice(0, 6)}.onmicrosoft.com`,
        apps: [{ clientId, secrets: [{ value: secret }], roles }],
        groups: [{ id: randomUUID(), displayName: 'All devices' }],
        intune: { deviceConfigurations: [{ id: randomUUID(), displayName: 'Baseline' }] },
      }],
    },
  };
}

export interface VerifiedRun { run: OperationRun; report: VerificationReport; connection: ProviderConnection }

export interface Bed {
  sim: MicrosoftSimulator;
  microsoft: MicrosoftServices;
  keyring: SecretKeyring;
  tenant: Tenant;
  connection: ProviderConnection;
  verify(): Promise<VerifiedRun>;
}

export interface BedOptions {
  logger?: Logger;
  /** The secret stored on the connection (default: the app's; null: none). */
  storedSecret?: string | null;
  connection?: { clientId?: string; entraTenantId?: string; status?: ProviderConnection['status'] };
  config?: Partial<MicrosoftConfig>;
  /** Where the transport sends Microsoft traffic (default: the simulator). */
  simulatorUrl?: string;
  /** Default: a fresh key per bed. */
  keyring?: SecretKeyring;
}

/**
 * A simulator, a tenant + connection in the test database and a worker (the real handlers)
 * whose Microsoft services point at the simulator. Everything stops when the test finishes.
 */
export async function startBed(t: TestDatabase, boss: PgBoss, fixture: Fixture, options: BedOptions = {}): Promise<Bed> {
  const sim = await startMicrosoftSimulator({ scenario: fixture.scenario });
  onTestFinished(() => sim.close());
  const keyring = options.keyring ?? newKeyring();
  const logger = options.logger ?? silentLogger;
  const microsoft = createMicrosoftServices({
    ...testConfig, MICROSOFT_MAX_RETRIES: 3, MICROSOFT_MAX_RETRY_DELAY_SECONDS: 5, MICROSOFT_REQUEST_TIMEOUT_SECONDS: 5,
    ...options.config, MICROSOFT_SIMULATOR_URL: options.simulatorUrl ?? sim.url,
  });
  const tenant = await createTenant(t.db, { name: `Tenant ${randomUUID().slice(0, 8)}`, entraTenantId: fixture.tenantId });
  const added = await addConnection(t.db, { tenantId: tenant.id, clientId: options.connection?.clientId ?? fixture.clientId, entraTenantId: options.connection?.entraTenantId ?? fixture.tenantId });
  const secret = options.storedSecret === undefined ? fixture.secret : options.storedSecret;
  if (secret !== null) await setConnectionSecret(t.db, keyring, await t.db.providerConnection.findUniqueOrThrow({ where: { id: added.id } }), secret);
  if (options.connection?.status) await t.db.providerConnection.update({ where: { id: added.id }, data: { status: options.connection.status } });
  const worker = await startWorker({ db: t.db, boss, logger, config: testConfig, keyring, microsoft, notifier: silentNotifier, handlers, reaperIntervalMs: 60_000 });
  onTestFinished(() => worker.stop());
  const bed: Bed = {
    sim, microsoft, keyring, tenant,
    connection: await t.db.providerConnection.findUniqueOrThrow({ where: { id: added.id } }),
    verify: () => runVerification(t, boss, tenant.id),
  };
  return bed;
}

/** Starts provider_connection.verify like the CLI does and waits for its final status. */
export async function runVerification(t: TestDatabase, boss: PgBoss, tenantId: string): Promise<VerifiedRun> {
  const { run: started } = await startRun({ db: t.db, boss }, { tenantId, type: 'provider_connection.verify', actor: { kind: 'system', name: 'cli' }, source: 'cli', deliveryId: randomUUID() });
  const run = await waitFor(async () => {
    const current = await t.db.operationRun.findUniqueOrThrow({ where: { id: started.id } });
    return current.status === 'queued' || current.status === 'running' ? null : current;
  }, { timeoutMs: 30_000, what: `verification run ${started.id}` });
  const report = verificationReportSchema.parse(run.result);
  const connection = await t.db.providerConnection.findUniqueOrThrow({ where: { id: report.connection.id } });
  return { run, report, connection };
}

export function check(report: VerificationReport, id: VerificationReport['checks'][number]['id']) {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no ${id} check in the report`);
  return found;
}

export function feature(report: VerificationReport, name: VerificationReport['features'][number]['feature']) {
  const found = report.features.find((f) => f.feature === name);
  if (!found) throw new Error(`no ${name} feature in the report`);
  return found;
}
