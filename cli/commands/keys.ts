import type { Command } from 'commander';
import { recordAudit } from '../../services/audit.ts';
import { rotateConnectionSecrets } from '../../services/microsoft/rotate-secrets.ts';
import { printJson } from '../output.ts';
import type { Runner } from '../runner.ts';

export function registerKeyCommands(program: Command, run: Runner): void {
  const keys = program.command('keys').description('encryption keys of stored secrets');
  keys.command('rotate')
    .description('re-encrypt every stored client secret under OPERATE_HUB_SECRET_KEY (old keys listed in OPERATE_HUB_PREVIOUS_KEYS)')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) => run(async (app) => {
      const result = await rotateConnectionSecrets(app.db, app.keyring);
      await recordAudit(app.db, { tenantId: null, actor: 'system', platform: 'cli', action: 'keys.rotate', outcome: 'succeeded', detail: { ...result } });
      if (o.json) printJson(result);
      else process.stdout.write(`${result.rotated} secret(s) re-encrypted under the current key; ${result.current} already current (${result.total} stored)\n`);
    }));
}
