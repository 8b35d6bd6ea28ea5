import type { Command } from 'commander';
import type { RunningWorker } from '../../worker/worker.ts';
import { openApp, type AppContext } from '../context.ts';
import { reportError } from '../output.ts';

/**
 * The server stack (Teams and Slack SDKs, express, the worker and its handlers) is loaded
 * only by serve and worker: importing it costs every other CLI command about half its
 * start-up time.
 */
async function loadServerStack() {
  const [http, worker, chat, depth] = await Promise.all([
    import('../../bot/http-server.ts'), import('../../worker/worker.ts'), import('../chat-wiring.ts'), import('../../services/runs/queue-depth.ts'),
  ]);
  return { ...http, ...worker, ...chat, ...depth };
}

/** Runs until SIGTERM/SIGINT, then stops gracefully: HTTP first, then the worker, then the pools. */
async function runUntilSignal(app: AppContext, stop: () => Promise<void>): Promise<void> {
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      app.logger.info({ signal }, 'stopping');
      resolve();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  await stop();
}

export async function serve(env: Record<string, string | undefined>, options: { worker: boolean; port?: number }): Promise<void> {
  const { createHttpApp, listen, startWorker, wireChat, queueDepths } = await loadServerStack();
  const app = await openApp({ env });
  try {
    const boss = await app.boss();
    const chat = await wireChat(app);
    const worker: RunningWorker | undefined = options.worker
      ? await startWorker({ db: app.db, boss, logger: app.logger, config: app.config, keyring: app.keyring, microsoft: app.microsoft, notifier: chat.notifier, metrics: app.metrics })
      : undefined;
    const host = app.config.HOST ?? '127.0.0.1';
    const http = await listen(createHttpApp({
      logger: app.logger,
      readiness: {
        check: async () => ({
          database: await app.db.$queryRaw`SELECT 1`.then(() => true, () => false),
          queue: await boss.getQueues().then(() => true, () => false),
        }),
      },
      metrics: async () => {
        for (const [queue, depth] of Object.entries(await queueDepths(app.db).catch(() => ({})))) app.metrics.queueDepth.set({ queue }, depth);
        return { contentType: app.metrics.registry.contentType, body: await app.metrics.registry.metrics() };
      },
      mounts: chat.adapters.map((adapter) => (express) => adapter.mount(express)),
    }), options.port ?? app.config.PORT, host);
    app.logger.info({ url: http.url, worker: Boolean(worker) }, `Operate Hub listening on ${http.url}${worker ? ' (server + worker)' : ' (server only)'}`);
    process.stdout.write(`Operate Hub listening on ${http.url} (health: ${http.url}/healthz)\n`);
    await runUntilSignal(app, async () => {
      await http.close();
      await worker?.stop();
      await chat.close();
    });
  } catch (error) {
    process.exitCode = reportError(error);
  } finally {
    await app.close();
  }
}

export async function work(env: Record<string, string | undefined>): Promise<void> {
  const { startWorker, wireChat } = await loadServerStack();
  const app = await openApp({ env });
  try {
    const chat = await wireChat(app);
    const worker = await startWorker({ db: app.db, boss: await app.boss(), logger: app.logger, config: app.config, keyring: app.keyring, microsoft: app.microsoft, notifier: chat.notifier, metrics: app.metrics });
    process.stdout.write('Operate Hub worker running; SIGTERM stops it gracefully\n');
    await runUntilSignal(app, async () => {
      await worker.stop();
      await chat.close();
    });
  } catch (error) {
    process.exitCode = reportError(error);
  } finally {
    await app.close();
  }
}

export function registerServeCommands(program: Command, env: Record<string, string | undefined>): void {
  program.command('serve').description('run the HTTP server (chat endpoints, /healthz, /readyz, /metrics) and, unless --no-worker, the worker')
    .option('--no-worker', 'do not run the worker in this process')
    .option('--port <port>', 'listen port (default PORT or 3978)')
    .action((o: { worker: boolean; port?: string }) => serve(env, { worker: o.worker, ...(o.port ? { port: Number(o.port) } : {}) }));
  program.command('worker').description('run only the worker (one pg-boss consumer per operation type, and the reaper)')
    .action(() => work(env));
  program.command('migrate').description('apply pending database migrations and exit')
    .action(async () => {
      try {
        const app = await openApp({ env });
        process.stdout.write('database is up to date\n');
        await app.close();
      } catch (error) {
        process.exitCode = reportError(error);
      }
    });
}
