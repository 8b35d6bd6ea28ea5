import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PgBoss } from 'pg-boss';
import type { TestDatabase } from '../helpers/database.ts';
import { useTestDatabaseAndBoss } from '../helpers/fixtures.ts';
import { createLogger } from '../../services/logger.ts';
import { keyId } from '../../services/config.ts';
import { AppError } from '../../services/errors.ts';
import { openSecret, sealSecret } from '../../services/secrets.ts';
import { setConnectionSecret } from '../../services/admin/connections.ts';
import { rotateConnectionSecrets } from '../../services/microsoft/rotate-secrets.ts';
import { createMicrosoftServices } from '../../services/microsoft/services.ts';
import { verifyConnection } from '../../services/microsoft/verify.ts';
import { healthyFixture, newKeyring, startBed } from './bed.ts';
import { columnsContaining } from '../cli/cli-harness.ts';

let t: TestDatabase;
let boss: PgBoss;
/** One key for every connection of this file, so keys rotate sees them all. */
const keyring = newKeyring();

useTestDatabaseAndBoss((opened) => {
  t = opened.t;
  boss = opened.boss;
});

describe('client secrets at rest and in motion', () => {
  it('verifications at trace level leave no secret or token in the database, the logs, the report or the failures', async () => {
    const lines: string[] = [];
    const logger = createLogger('trace', { write: (line: string) => void lines.push(line) });
    const fixture = healthyFixture();
    const bed = await startBed(t, boss, fixture, { logger, keyring });
    bed.sim.state.addFault({ path: '/graph/v1.0/organization', status: 401, times: 1 });
    const healthy = await bed.verify();
    expect(healthy.report.outcome).toBe('verified');

    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    await setConnectionSecret(t.db, bed.keyring, bed.connection, wrong);
    const rejected = await bed.verify();
    expect(rejected.report.checks[0]?.reason_code).toBe('provider_credential_invalid');

    const stored = await t.db.providerConnection.findUniqueOrThrow({ where: { id: bed.connection.id } });
    expect(stored.secretCiphertext).not.toContain(wrong);
    expect(openSecret(bed.keyring, { ciphertext: stored.secretCiphertext ?? '', keyId: stored.secretKeyId ?? '' })).toBe(wrong);
    for (const secret of [fixture.secret, wrong]) {
      expect(await columnsContaining(t.db, secret)).toEqual([]);
      expect(lines.join('')).not.toContain(secret);
    }
    expect(lines.length).toBeGreaterThan(0);
    // Access tokens are JWTs ("eyJ..."): none may reach a log line, a report or a failure.
    expect(lines.join('')).not.toMatch(/eyJ[\w-]{10,}/);
    expect(await columnsContaining(t.db, 'eyJ')).toEqual([]);
    for (const run of [healthy.run, rejected.run]) expect(JSON.stringify([run.result, run.failures, run.summary])).not.toMatch(/eyJ|s3cr3t|wrong-/);
  });

  it('keys rotate re-encrypts every secret from a previous key to the current one; verification then needs only the new key', async () => {
    const fixture = healthyFixture();
    const bed = await startBed(t, boss, fixture, { keyring });
    const oldKey = bed.keyring.current;
    const newKey = randomBytes(32).toString('base64');
    const rotated = await rotateConnectionSecrets(t.db, { current: newKey, previous: [oldKey] });
    expect(rotated.rotated).toBeGreaterThanOrEqual(1);
    expect(rotated.total).toBe(rotated.rotated + rotated.current);
    const rows = await t.db.providerConnection.findMany({ where: { secretCiphertext: { not: null } } });
    expect(rows.every((r) => r.secretKeyId === keyId(newKey))).toBe(true);
    const mine = rows.find((r) => r.id === bed.connection.id)!;
    expect(openSecret({ current: newKey, previous: [] }, { ciphertext: mine.secretCiphertext!, keyId: mine.secretKeyId! })).toBe(fixture.secret);
    expect(await rotateConnectionSecrets(t.db, { current: newKey, previous: [oldKey] })).toEqual({ total: rows.length, rotated: 0, current: rows.length });

    const microsoft = createMicrosoftServices({ MICROSOFT_SIMULATOR_URL: bed.sim.url, MICROSOFT_MAX_RETRIES: 0, MICROSOFT_MAX_RETRY_DELAY_SECONDS: 1, MICROSOFT_REQUEST_TIMEOUT_SECONDS: 5 });
    const report = await verifyConnection({ microsoft, keyring: { current: newKey, previous: [] }, logger: createLogger('silent') }, mine);
    expect(report.outcome).toBe('verified');
  });

  it('a secret under a key the server does not have: keys rotate names it and changes nothing', async () => {
    const bed = await startBed(t, boss, healthyFixture(), { keyring: { current: randomBytes(32).toString('base64'), previous: [] } });
    const lost = randomBytes(32).toString('base64');
    const sealed = sealSecret({ current: lost, previous: [] }, 'orphan');
    await t.db.providerConnection.update({ where: { id: bed.connection.id }, data: { secretCiphertext: sealed.ciphertext, secretKeyId: sealed.keyId } });
    const before = await t.db.providerConnection.findMany({ orderBy: { id: 'asc' } });
    const error = await rotateConnectionSecrets(t.db, { current: randomBytes(32).toString('base64'), previous: [bed.keyring.current] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).userMessage).toContain(`${bed.connection.id} (key ${keyId(lost)})`);
    expect(await t.db.providerConnection.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
  });
});
