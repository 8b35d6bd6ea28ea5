import type { Command } from 'commander';
import { reportError } from '../output.ts';

/** Runs the Microsoft 365 simulator in the foreground until SIGINT/SIGTERM (no database needed). */
export function registerSimCommands(program: Command): void {
  program.command('sim')
    .description('run the Microsoft 365 simulator (Entra token endpoint + Graph) on 127.0.0.1')
    .requiredOption('--scenario <file>', 'scenario JSON (see sim/microsoft/scenarios/demo.json)')
    .option('--port <n>', 'listen port (0 = any free port)', '0')
    .action(async (o: { scenario: string; port: string }) => {
      try {
        const port = Number.parseInt(o.port, 10);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not "${o.port}"`);
        // Loaded on demand: no other command should pay for the simulator's modules.
        const { loadScenario, startMicrosoftSimulator } = await import('../../sim/microsoft/server.ts');
        const sim = await startMicrosoftSimulator({ scenario: await loadScenario(o.scenario), port });
        process.stdout.write(`Microsoft 365 simulator listening on ${sim.url}\nPoint Operate Hub at it: MICROSOFT_SIMULATOR_URL=${sim.url}\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGTERM', () => resolve());
          process.once('SIGINT', () => resolve());
        });
        await sim.close();
      } catch (error) {
        process.exitCode = reportError(error);
      }
    });
}
