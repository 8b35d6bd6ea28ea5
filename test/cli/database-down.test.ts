import { describe, expect, it } from 'vitest';
import { cliFor } from './cli-harness.ts';

describe('a database that cannot be reached', () => {
  it('gets one actionable line on stderr without the password, and a non-zero exit', async () => {
    const result = await cliFor('postgresql://operator:hunter2@127.0.0.1:1/operate_hub')(['tenant', 'list']);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual(['error: cannot use the database at 127.0.0.1:1/operate_hub (ECONNREFUSED): is PostgreSQL running and DATABASE_URL right?']);
    expect(result.stderr + result.stdout).not.toContain('hunter2');
  }, 120_000);
});
