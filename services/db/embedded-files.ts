// File helpers for the project-local state folder: atomic 0600 writes, create-if-absent, and an
// inter-process lock (hard-link based, so a lock file is never seen half written).
import { randomUUID } from 'node:crypto';
import { chmod, link, lstat, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isProcessAlive, processStartTime, sleep } from './embedded-process.ts';

const errno = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

export async function pathExists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (error) {
    if (errno(error) === 'ENOENT') return false;
    throw error;
  }
}

/** `<projectDir>/.operate-hub`, created 0700 if missing (an existing folder keeps its mode). */
export async function ensureStateDir(projectDir: string): Promise<string> {
  const dir = path.join(path.resolve(projectDir), '.operate-hub');
  // Missing parents get the default mode: `mkdir -p` with mode 0700 would apply 0700 to every
  // folder it creates and so lock the postgres user out of a nested project folder.
  await mkdir(path.resolve(projectDir), { recursive: true });
  await mkdir(dir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  const ignore = path.join(dir, '.gitignore');
  if (!(await pathExists(ignore))) {
    await writeFile(ignore, '# operate-hub local state (database, secrets): never commit\n*\n', { flag: 'w' });
  }
  return dir;
}

export async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    if (errno(error) === 'ENOENT' || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

const tmpName = (file: string): string => `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;

/** Writes JSON via temp file + rename, mode 0600 (readers never see a partial file). */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const tmp = tmpName(file);
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}

/**
 * Creates `file` with `content` (mode 0600) only if it does not exist. Returns false when another
 * writer got there first. Uses link(): atomic, and the file is complete the moment it appears.
 */
export async function createFileExclusive(file: string, content: string): Promise<boolean> {
  const tmp = tmpName(file);
  await writeFile(tmp, content, { mode: 0o600 });
  await chmod(tmp, 0o600);
  try {
    await link(tmp, file);
    return true;
  } catch (error) {
    if (errno(error) === 'EEXIST') return false;
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(errno(error) ?? '')) throw error;
    // File system without hard links: fall back to O_EXCL (a reader may briefly see it empty).
    try {
      await writeFile(file, content, { mode: 0o600, flag: 'wx' });
      return true;
    } catch (inner) {
      if (errno(inner) === 'EEXIST') return false;
      throw inner;
    }
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

interface LockContent {
  pid: number;
  startTime?: string;
  token: string;
}

export type ReleaseLock = () => Promise<void>;

/**
 * Exclusive lock on `lockFile` between processes (and between calls inside one process: every
 * acquisition has its own token). A lock whose holder pid is dead is broken; breaking happens
 * under a second `.break` lock so that two waiters cannot both delete it and one of them delete
 * the fresh lock of the other.
 */
export async function acquireLock(lockFile: string, timeoutMs: number): Promise<ReleaseLock> {
  const mine: LockContent = { pid: process.pid, startTime: processStartTime(process.pid), token: randomUUID() };
  const serialized = JSON.stringify(mine);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await createFileExclusive(lockFile, serialized)) {
      return async () => {
        const current = await readFile(lockFile, 'utf8').catch(() => '');
        if (current === serialized) await unlink(lockFile).catch(() => undefined);
      };
    }
    const raw = await readFile(lockFile, 'utf8').catch(() => undefined);
    if (raw !== undefined && (await isStale(lockFile, raw))) {
      await breakStaleLock(lockFile, raw);
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${lockFile} (held by ${raw ?? 'unknown'})`);
    }
    await sleep(40 + Math.floor(Math.random() * 60));
  }
}

async function isStale(lockFile: string, raw: string): Promise<boolean> {
  try {
    const holder = JSON.parse(raw) as LockContent;
    return !isProcessAlive(holder.pid, holder.startTime);
  } catch {
    // Unparsable (only possible with the O_EXCL fallback, or corruption): stale once old.
    const info = await stat(lockFile).catch(() => undefined);
    return info !== undefined && Date.now() - info.mtimeMs > 30_000;
  }
}

async function breakStaleLock(lockFile: string, staleContent: string): Promise<void> {
  const breaker = `${lockFile}.break`;
  if (!(await createFileExclusive(breaker, String(process.pid)))) {
    const info = await stat(breaker).catch(() => undefined);
    // A breaker left by a process that died mid-break (a window of microseconds) expires.
    if (info && Date.now() - info.mtimeMs > 10_000) await unlink(breaker).catch(() => undefined);
    await sleep(20);
    return;
  }
  try {
    const current = await readFile(lockFile, 'utf8').catch(() => undefined);
    if (current === staleContent) await unlink(lockFile).catch(() => undefined);
  } finally {
    await unlink(breaker).catch(() => undefined);
  }
}
