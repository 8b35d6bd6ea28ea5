import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTenant } from '../../services/admin/tenants.ts';
import { useTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { seedConnection } from '../helpers/fixtures.ts';
import { cliFor, expectOneLineError, snapshotDatabase, type Cli, type CliResult } from './cli-harness.ts';

// Every rejected command runs against a populated database whose snapshot (each table's
// row count and content hash, the pg-boss job count) must be identical afterwards.
let t: TestDatabase;
let cli: Cli;

useTestDatabase((opened) => {
  t = opened;
  cli = cliFor(t.url);
});

async function seedTenants() {
  const main = await createTenant(t.db, { name: 'Errors Tenant', entraTenantId: randomUUID() });
  await seedConnection(t.db, main.id, main.entraTenantId);
  // Reachable through `tenant add`: a tenant named with another tenant's id.
  const namedLikeId = await createTenant(t.db, { name: main.id, entraTenantId: randomUUID() });
  // A tenant whose name is another's slug (slugs are derived at creation, so e.g. after a rename).
  const fabrikam = await createTenant(t.db, { name: 'Fabrikam', entraTenantId: randomUUID() });
  const renamed = await t.db.tenant.create({ data: { name: 'fabrikam', slug: 'fabrikam-old', entraTenantId: randomUUID() } });
  return { main, namedLikeId, fabrikam, renamed };
}

describe('operate-hub rejects bad input', () => {
  it('unknown or ambiguous tenant, malformed GUID, unknown type, bad --input, slack member without --team, empty secret -> one stderr line, non-zero exit, nothing written', async () => {
    const { main, namedLikeId, fabrikam, renamed } = await seedTenants();
    const before = await snapshotDatabase(t.db);
    const cases: [string, Promise<CliResult>, RegExp][] = [
      ['unknown tenant', cli(['member', 'add', '--tenant', 'no-such-tenant', '--platform', 'teams', '--user', 'u1', '--role', 'operator']),
        /No tenant matches "no-such-tenant"/],
      ['ambiguous tenant (id = another name)', cli(['channel', 'bind', '--tenant', main.id, '--platform', 'teams', '--channel', '19:x']),
        new RegExp(`matches several tenants: .*(${main.id}.*${namedLikeId.id}|${namedLikeId.id}.*${main.id})`)],
      ['ambiguous tenant (name = another slug)', cli(['runs', 'start', '--tenant', 'fabrikam', '--type', 'inventory.sync']),
        new RegExp(`matches several tenants: .*(fabrikam \\(${fabrikam.id}\\).*fabrikam-old \\(${renamed.id}\\)|fabrikam-old \\(${renamed.id}\\).*fabrikam \\(${fabrikam.id}\\))`)],
      ['malformed Entra tenant id', cli(['tenant', 'add', '--name', 'Bad Guid', '--entra-tenant-id', 'not-a-guid']), /"not-a-guid" is not a GUID/],
      ['malformed client id', cli(['connection', 'add', '--tenant', main.slug, '--client-id', '1234']), /--client-id "1234" is not a GUID/],
      ['unknown type', cli(['runs', 'start', '--tenant', main.slug, '--type', 'inventory.resync']), /Unknown operation type "inventory\.resync"/],
      ['--input not JSON', cli(['runs', 'start', '--tenant', main.slug, '--type', 'backup_schedule.run_now', '--input', '{scheduleId:']),
        /--input is not valid JSON/],
      ['slack member without --team', cli(['member', 'add', '--tenant', main.slug, '--platform', 'slack', '--user', 'U2', '--role', 'operator']), /--team/],
      ['empty secret (one newline, stripped)', cli(['connection', 'set-secret', '--tenant', main.slug], { stdin: '\n' }), /secret is empty/],
    ];
    const results = await Promise.all(cases.map(([, result]) => result));
    cases.forEach(([label, , message], i) => {
      const result = results[i];
      if (!result) throw new Error(`no result for ${label}`);
      expect.soft(() => expectOneLineError(result, message), `${label}: ${JSON.stringify(result)}`).not.toThrow();
    });
    expect(await snapshotDatabase(t.db)).toEqual(before);
  }, 300_000);

  it('invalid configuration (PORT=abc, a short secret key, an unknown log level) -> every problem listed, exit 1, nothing written', async () => {
    const before = await snapshotDatabase(t.db);
    const result = await cli(['tenant', 'add', '--name', 'Never Added', '--entra-tenant-id', randomUUID()], {
      env: { PORT: 'abc', OPERATE_HUB_SECRET_KEY: 'c2hvcnQ=', LOG_LEVEL: 'loud' },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('Invalid configuration:');
    expect(lines.slice(1).map((line) => /^ {2}- (\w+) /.exec(line)?.[1]).sort()).toEqual(['LOG_LEVEL', 'OPERATE_HUB_SECRET_KEY', 'PORT']);
    expect(await snapshotDatabase(t.db)).toEqual(before);
  }, 120_000);
});
