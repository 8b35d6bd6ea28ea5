import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../bot/commands.ts';

describe('command grammar', () => {
  it.each([
    ['verify', { verb: 'verify' }],
    ['/verify', { verb: 'verify' }],
    ['<at>Operate Hub</at> VERIFY', { verb: 'verify' }],
    ['<@U0123ABC> verify', { verb: 'verify' }],
    ['/opshub sync inventory', { verb: 'sync', target: 'inventory' }],
    ['  Sync   Groups ', { verb: 'sync', target: 'groups' }],
    ['runs --tenant Contoso', { verb: 'runs', tenant: 'contoso' }],
    ['--tenant=fabrikam status', { verb: 'status', tenant: 'fabrikam' }],
    ['run 3F2A9C1B', { verb: 'run', runId: '3f2a9c1b' }],
    ['cancel 3f2a9c1b-0000-4000-8000-000000000001', { verb: 'cancel', runId: '3f2a9c1b-0000-4000-8000-000000000001' }],
    ['whoami', { verb: 'whoami' }],
    ['help', { verb: 'help' }],
  ])('%s parses', (text, command) => {
    expect(parseCommand(text)).toEqual({ ok: true, command });
  });

  it.each([
    ['', 'No command given'],
    ['deploy', 'Unknown command "deploy"'],
    ['sync everything', 'sync inventory'],
    ['run', 'exactly one run id'],
    ['run not-an-id', 'is not a run id'],
    ['verify now', 'takes no arguments'],
    ['verify --tenant', '--tenant needs a tenant slug'],
    ['verify --force', 'Unknown option --force'],
  ])('%j is refused naming what was wrong', (text, problem) => {
    const result = parseCommand(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toContain(problem);
  });

  it('any input gives a command or a problem, never a throw', () => {
    fc.assert(fc.property(fc.string({ maxLength: 600 }), (text) => {
      const result = parseCommand(text);
      expect(typeof result.ok).toBe('boolean');
      if (!result.ok) expect(result.problem.length).toBeGreaterThan(0);
    }), { numRuns: 2000 });
  });
});
