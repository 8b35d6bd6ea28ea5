import { openApp, type AppContext } from './context.ts';
import { reportError } from './output.ts';

export type Runner = (action: (app: AppContext) => Promise<void>) => Promise<void>;

/** Opens the app for one command, runs it, reports errors as one line, always closes. */
export function createRunner(env: Record<string, string | undefined>): Runner {
  return async (action) => {
    let app: AppContext | undefined;
    try {
      app = await openApp({ env, quiet: true });
      await action(app);
    } catch (error) {
      process.exitCode = reportError(error);
    } finally {
      await app?.close().catch((error: unknown) => {
        process.exitCode = reportError(error);
      });
    }
  };
}

/** Reads all of standard input (secrets never come from argv). */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Paste the secret value, then press Ctrl-D:\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
