import { randomBytes, randomUUID } from 'node:crypto';
import { onTestFinished } from 'vitest';
import type { PgBoss } from 'pg-boss';
import { createTenant, type Tenant } from '../../services/admin/tenants.ts';
import { addConnection, setConnectionSecret } from '../../services/admin/connections.ts';
import type { TenantMember } from '../../services/admin/members.ts';
import type { Config } from '../../services/config.ts';
import type { BackupSet } from '../../services/db/generated/client.ts';
import { createMicrosoftServices } from '../../services/microsoft/services.ts';
import { silentNotifier } from '../../services/runs/notifier.ts';
import { startRun, type StartRunResult } from '../../services/runs/start-run.ts';
import type { OperationRun } from '../../services/runs/run-types.ts';
import type { SecretKeyring } from '../../services/secrets.ts';
import { restoreFamilies } from '../../services/restores/families.ts';
import { startMicrosoftSimulator, type MicrosoftSimulator, type ScenarioInput, type SimPermission } from '../../sim/microsoft/server.ts';
import type { SimItem } from '../../sim/microsoft/state.ts';
import { startWorker } from '../../worker/worker.ts';
import { handlers } from '../../worker/handlers/index.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { seedMember, silentLogger, testConfig, waitFor } from '../helpers/fixtures.ts';

/** Every permission a healthy Operate Hub app holds (ReadWrite covers the reads). */
export const restoreRoles: SimPermission[] = [
  'Organization.Read.All', 'Application.Read.All', 'Group.Read.All', 'Policy.Read.All',
  'DeviceManagementConfiguration.ReadWrite.All', 'DeviceManagementServiceConfig.ReadWrite.All',
  'DeviceManagementApps.ReadWrite.All', 'DeviceManagementScripts.ReadWrite.All',
];

export const types = {
  windows: '#microsoft.graph.windows10GeneralConfiguration',
  ios: '#microsoft.graph.iosGeneralDeviceConfiguration',
  compliance: '#microsoft.graph.windows10CompliancePolicy',
  limit: '#microsoft.graph.deviceEnrollmentLimitConfiguration',
  restrictions: '#microsoft.graph.deviceEnrollmentPlatformRestrictionsConfiguration',
  restriction: '#microsoft.graph.deviceEnrollmentPlatformRestrictionConfiguration',
  whfb: '#microsoft.graph.deviceEnrollmentWindowsHelloForBusinessConfiguration',
  script: '#microsoft.graph.deviceManagementScript',
} as const;

export const groupTarget = (groupId: string) => ({ '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId });
const allDevices = { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' };

/** A small, realistic tenant: two groups, the three restore families (defaults, split Android) and a script. */
export function restoreScenario(roles: SimPermission[] = restoreRoles) {
  const ids = { tenantId: randomUUID(), clientId: randomUUID(), secret: `s3cr3t-${randomBytes(8).toString('hex')}`, windowsGroup: randomUUID(), pilotGroup: randomUUID() };
  const scenario: ScenarioInput = {
    tenants: [{
      id: ids.tenantId, displayName: 'Contoso',
      apps: [{ clientId: ids.clientId, secrets: [{ value: ids.secret }], roles }],
      groups: [{ id: ids.windowsGroup, displayName: 'All Windows devices' }, { id: ids.pilotGroup, displayName: 'Pilot ring' }],
      intune: {
        deviceConfigurations: [
          { id: randomUUID(), '@odata.type': types.windows, displayName: 'Windows baseline', passwordRequired: true, lastModifiedDateTime: '2026-01-01T00:00:00Z', assignments: [{ id: 'a1', target: groupTarget(ids.windowsGroup) }, { id: 'a2', target: groupTarget(ids.pilotGroup) }] },
          { id: randomUUID(), '@odata.type': types.ios, displayName: 'iOS baseline', passcodeRequired: true, lastModifiedDateTime: '2026-01-01T00:00:00Z', assignments: [] },
        ],
        deviceCompliancePolicies: [
          { id: randomUUID(), '@odata.type': types.compliance, displayName: 'Windows compliance', bitLockerEnabled: true, lastModifiedDateTime: '2026-01-01T00:00:00Z', assignments: [{ id: 'c1', target: allDevices }] },
        ],
        deviceEnrollmentConfigurations: [
          { id: `${randomUUID()}_DefaultLimit`, '@odata.type': types.limit, displayName: 'All users and all devices', priority: 0, limit: 15, assignments: [] },
          { id: `${randomUUID()}_DefaultPlatformRestrictions`, '@odata.type': types.restrictions, displayName: 'All users and all devices', priority: 0, assignments: [] },
          { id: randomUUID(), '@odata.type': types.limit, displayName: 'Corporate devices', priority: 1, limit: 5, assignments: [{ id: 'e1', target: groupTarget(ids.windowsGroup) }] },
          { id: randomUUID(), '@odata.type': types.restriction, displayName: 'Android restrictions', platformType: 'android', priority: 2, assignments: [] },
          { id: randomUUID(), '@odata.type': types.restriction, displayName: 'Android restrictions', platformType: 'androidForWork', priority: 3, assignments: [] },
        ],
        deviceManagementScripts: [{ id: randomUUID(), displayName: 'Set time zone', runAsAccount: 'system' }],
      },
    }],
  };
  return { ids, scenario };
}

export type Ids = ReturnType<typeof restoreScenario>['ids'];

export interface RestoreBed {
  sim: MicrosoftSimulator;
  ids: Ids;
  tenant: Tenant;
  connectionId: string;
  manager: TenantMember;
  operator: TenantMember;
  /** The simulated tenant's items of one family (mutate to change "Intune"). */
  intune(family: 'deviceConfigurations' | 'deviceCompliancePolicies' | 'deviceEnrollmentConfigurations'): SimItem[];
  verify(): Promise<OperationRun>;
  backup(): Promise<BackupSet>;
  syncInventory(): Promise<void>;
  syncGroups(): Promise<void>;
  preview(backupSetId: string, selection?: { families: string[] }): Promise<OperationRun>;
  execute(restoreRunId: string, member?: TenantMember): Promise<StartRunResult>;
  settle(runId: string): Promise<OperationRun>;
  /** Graph writes the simulator received (POST / PATCH under /graph). */
  writes(): { method: string; path: string; status: number }[];
}

export interface BedOptions {
  roles?: SimPermission[];
  config?: Partial<Config>;
}

/**
 * A simulator, a tenant with a connection (secret stored) and two members, and a worker
 * running the real handlers against the simulator. Everything stops when the test ends.
 */
export async function startRestoreBed(t: TestDatabase, boss: PgBoss, options: BedOptions = {}): Promise<RestoreBed> {
  const { ids, scenario } = restoreScenario(options.roles);
  const sim = await startMicrosoftSimulator({ scenario });
  onTestFinished(() => sim.close());
  const keyring: SecretKeyring = { current: randomBytes(32).toString('base64'), previous: [] };
  const config: Config = { ...testConfig, MICROSOFT_MAX_RETRIES: 3, MICROSOFT_MAX_RETRY_DELAY_SECONDS: 5, MICROSOFT_REQUEST_TIMEOUT_SECONDS: 5, ...options.config, MICROSOFT_SIMULATOR_URL: sim.url };
  const microsoft = createMicrosoftServices(config);
  const tenant = await createTenant(t.db, { name: `Restore ${randomUUID().slice(0, 8)}`, entraTenantId: ids.tenantId });
  const added = await addConnection(t.db, { tenantId: tenant.id, clientId: ids.clientId, entraTenantId: ids.tenantId });
  await setConnectionSecret(t.db, keyring, await t.db.providerConnection.findUniqueOrThrow({ where: { id: added.id } }), ids.secret);
  const worker = await startWorker({ db: t.db, boss, logger: silentLogger, config, keyring, microsoft, notifier: silentNotifier, handlers, reaperIntervalMs: 60_000, scheduler: false });
  onTestFinished(() => worker.stop());
  const [manager, operator] = [await seedMember(t.db, tenant.id, 'manager'), await seedMember(t.db, tenant.id, 'operator')];
  const system = { kind: 'system', name: 'cli' } as const;
  const settle = (runId: string) => waitFor(async () => {
    const run = await t.db.operationRun.findUniqueOrThrow({ where: { id: runId } });
    return run.status === 'queued' || run.status === 'running' ? null : run;
  }, { timeoutMs: 30_000, what: `run ${runId}` });
  const startAndSettle = async (type: string, input: unknown, memberId?: string) => {
    const { run } = await startRun({ db: t.db, boss, settings: config }, {
      tenantId: tenant.id, type, input, actor: memberId ? { kind: 'member', memberId } : system, source: memberId ? 'teams' : 'cli', deliveryId: randomUUID(),
    });
    return settle(run.id);
  };
  return {
    sim, ids, tenant, connectionId: added.id, manager, operator, settle,
    intune: (family) => sim.state.tenant(ids.tenantId).intune[family],
    verify: () => startAndSettle('provider_connection.verify', {}),
    backup: async () => {
      const schedule = await t.db.backupSchedule.create({
        data: { tenantId: tenant.id, name: `manual-${randomUUID().slice(0, 6)}`, cronExpression: '0 2 * * *', families: [...restoreFamilies, 'deviceManagementScripts'], enabled: false },
      });
      const run = await startAndSettle('backup_schedule.run_now', { scheduleId: schedule.id });
      if (run.status !== 'succeeded') throw new Error(`backup run ${run.id} ended ${run.status}: ${JSON.stringify(run.failures)}`);
      return t.db.backupSet.findFirstOrThrow({ where: { operationRunId: run.id } });
    },
    // The real sync handlers, started like any other run: the plan reads what they cached.
    syncInventory: async () => {
      const run = await startAndSettle('inventory.sync', {});
      if (run.status !== 'succeeded') throw new Error(`inventory sync ${run.id} ended ${run.status}: ${JSON.stringify(run.failures)}`);
    },
    syncGroups: async () => {
      const run = await startAndSettle('directory_groups.sync', {});
      if (run.status !== 'succeeded') throw new Error(`groups sync ${run.id} ended ${run.status}: ${JSON.stringify(run.failures)}`);
    },
    preview: (backupSetId, selection) => startAndSettle('restore.preview', { backupSetId, ...(selection ? { selection } : {}) }, operator.id),
    execute: (restoreRunId, member = manager) => startRun({ db: t.db, boss, settings: config }, {
      tenantId: tenant.id, type: 'restore.execute', input: { restoreRunId }, actor: { kind: 'member', memberId: member.id }, source: 'teams', deliveryId: randomUUID(),
    }),
    writes: () => sim.requestLog.filter((r) => r.path.startsWith('/graph/') && (r.method === 'POST' || r.method === 'PATCH')).map((r) => ({ method: r.method, path: r.path, status: r.status })),
  };
}

