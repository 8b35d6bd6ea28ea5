import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { PgBoss } from 'pg-boss';
import type { TestDatabase } from '../helpers/database.ts';
import { useTestDatabaseAndBoss, waitFor } from '../helpers/fixtures.ts';
import { keyId } from '../../services/config.ts';
import { createMsalClient } from '../../services/microsoft/msal-factory.ts';
import { createTransport } from '../../services/microsoft/transport.ts';
import { authorityFor, GRAPH_SCOPE } from '../../services/microsoft/hosts.ts';
import { verificationReportSchema } from '../../services/microsoft/report.ts';
import { healthyFixture, newKeyring, startBed, type Bed } from './bed.ts';
import { cliFor } from '../cli/cli-harness.ts';

const projectDir = path.resolve(import.meta.dirname, '../..');
let t: TestDatabase;
let boss: PgBoss;
const keyring = newKeyring();

useTestDatabaseAndBoss((opened) => {
  t = opened.t;
  boss = opened.boss;
});

/** `operate-hub` against the test database with this file's environment (nothing inherited), stdin fed and closed. */
const cli = (args: string[], env: Record<string, string>, stdin = '') => cliFor(t.url)(args, { env, stdin });

const envFor = (bed: Bed) => ({ DATABASE_URL: t.url, OPERATE_HUB_SECRET_KEY: bed.keyring.current, MICROSOFT_SIMULATOR_URL: bed.sim.url });

async function verifyViaCli(bed: Bed) {
  const started = await cli(['runs', 'start', '--tenant', bed.tenant.slug, '--type', 'provider_connection.verify', '--json'], envFor(bed));
  expect(started, started.stderr).toMatchObject({ code: 0, stderr: '' });
  const id = (JSON.parse(started.stdout) as { id: string }).id;
  await waitFor(async () => {
    const run = await t.db.operationRun.findUnique({ where: { id } });
    return run && run.status !== 'queued' && run.status !== 'running';
  }, { timeoutMs: 30_000, what: 'the verification run to finish' });
  const shown = await cli(['runs', 'show', id, '--json'], envFor(bed));
  expect(shown, shown.stderr).toMatchObject({ code: 0, stderr: '' });
  const run = JSON.parse(shown.stdout) as { id: string; status: string; result: unknown; failures: { reasonCode: string; blocking: boolean }[] };
  return { run, report: verificationReportSchema.parse(run.result) };
}

describe('operate-hub CLI end to end (worker in this process, Microsoft simulated)', { timeout: 120_000 }, () => {
  it('runs start --type provider_connection.verify, then runs show --json shows the finished report', async () => {
    const bed = await startBed(t, boss, healthyFixture(), { keyring });
    const { run, report } = await verifyViaCli(bed);
    expect(run.status).toBe('succeeded');
    expect(report.outcome).toBe('verified');
    expect(report.features.every((f) => f.status === 'ready')).toBe(true);
    expect((await t.db.providerConnection.findUniqueOrThrow({ where: { id: bed.connection.id } })).status).toBe('verified');
  });

  it('an expired secret blocks the connection; connection set-secret (stdin) and a new verify repair it', async () => {
    const fixture = healthyFixture();
    fixture.scenario.tenants[0]!.apps![0]!.secrets = [{ value: fixture.secret, expiresAt: '2025-06-30T00:00:00Z' }];
    const bed = await startBed(t, boss, fixture, { keyring });
    const first = await verifyViaCli(bed);
    expect(first.run.status).toBe('failed');
    expect(first.run.failures).toEqual([expect.objectContaining({ reasonCode: 'provider_credential_expired', blocking: true })]);
    expect((await t.db.providerConnection.findUniqueOrThrow({ where: { id: bed.connection.id } })).status).toBe('blocked');

    const fresh = `new-${randomBytes(12).toString('hex')}`;
    bed.sim.state.setSecrets(fixture.tenantId, fixture.clientId, { value: fresh });
    const stored = await cli(['connection', 'set-secret', '--tenant', bed.tenant.slug], envFor(bed), `${fresh}\n`);
    expect(stored, stored.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(stored.stdout).not.toContain(fresh);

    const second = await verifyViaCli(bed);
    expect(second.run.status).toBe('succeeded');
    expect(second.report.outcome).toBe('verified');
    expect((await t.db.providerConnection.findUniqueOrThrow({ where: { id: bed.connection.id } })).status).toBe('verified');
  });

  it('keys rotate moves every secret to the current key and reports counts; an unknown key is one error line naming the connection', async () => {
    const bed = await startBed(t, boss, healthyFixture(), { keyring });
    const next = randomBytes(32).toString('base64');
    const env = { DATABASE_URL: t.url, OPERATE_HUB_SECRET_KEY: next, OPERATE_HUB_PREVIOUS_KEYS: keyring.current };
    const rotated = await cli(['keys', 'rotate', '--json'], env);
    expect(rotated, rotated.stderr).toMatchObject({ code: 0, stderr: '' });
    const counts = JSON.parse(rotated.stdout) as { total: number; rotated: number; current: number };
    expect(counts.rotated).toBe(counts.total);
    expect(await t.db.providerConnection.count({ where: { secretCiphertext: { not: null }, NOT: { secretKeyId: keyId(next) } } })).toBe(0);

    const refused = await cli(['keys', 'rotate'], { DATABASE_URL: t.url, OPERATE_HUB_SECRET_KEY: randomBytes(32).toString('base64') });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain(bed.connection.id);
    // Put this file's connections back under its key for any later test.
    const back = await cli(['keys', 'rotate'], { DATABASE_URL: t.url, OPERATE_HUB_SECRET_KEY: keyring.current, OPERATE_HUB_PREVIOUS_KEYS: next });
    expect(back.code).toBe(0);
  });

  it('operate-hub sim --scenario FILE --port 0 serves the token endpoint until SIGTERM', async () => {
    const child = spawn(process.execPath, ['cli/bin.mjs', 'sim', '--scenario', 'sim/microsoft/scenarios/demo.json', '--port', '0'], { cwd: projectDir, env: { LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
    onTestFinished(() => void child.kill('SIGKILL'));
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const url = await waitFor(async () => /MICROSOFT_SIMULATOR_URL=(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1], { timeoutMs: 30_000, what: 'the simulator URL' });
    const client = createMsalClient({ clientId: '6f0e2a71-3c1b-4d8e-9f20-7a1b2c3d4e01', authority: authorityFor('4a1c7e0d-5b7e-4c52-9a0e-1f6a2b3c4d01'), clientSecret: 'demo-contoso-secret-value' }, createTransport({ simulatorUrl: url, timeoutMs: 5000 }));
    expect((await client.acquireToken(GRAPH_SCOPE)).accessToken).toMatch(/^eyJ/);
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
