// Process helpers for the embedded PostgreSQL server: liveness (zombie- and pid-reuse-aware on
// Linux), identifying a postmaster, and stopping a postmaster we have no child handle for.
import { readFileSync, readlinkSync, realpathSync } from 'node:fs';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface ProcStat {
  comm: string;
  state: string;
  startTime: string;
}

/** /proc/<pid>/stat, or undefined where /proc is unavailable (macOS) or the pid is gone. */
function procStat(pid: number): ProcStat | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = raw.indexOf('(');
    const close = raw.lastIndexOf(')');
    const rest = raw.slice(close + 2).split(' ');
    // Fields after "(comm)": state is field 3, starttime is field 22 => rest[0] and rest[19].
    return { comm: raw.slice(open + 1, close), state: rest[0] ?? '', startTime: rest[19] ?? '' };
  } catch {
    return undefined;
  }
}

/** Start time token of a process (Linux), used to tell a live owner from a reused pid. */
export function processStartTime(pid: number): string | undefined {
  return procStat(pid)?.startTime || undefined;
}

/**
 * True when the pid names a running process. A zombie counts as dead: in containers PID 1 often
 * does not reap orphans, so a postmaster that exited can linger as <defunct> forever.
 */
export function isProcessAlive(pid: number | undefined, startTime?: string): boolean {
  if (pid === undefined || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(pid);
  if (stat?.state === 'Z') return false;
  if (startTime && stat && stat.startTime !== startTime) return false; // pid reused
  return true;
}

/**
 * True when pid is alive and looks like the postmaster of dataDir. Where /proc is readable we
 * check the command name and the working directory (the postmaster chdirs into its data dir),
 * so a recycled pid is not mistaken for our server.
 */
export function isPostmasterOf(pid: number | undefined, dataDir: string): boolean {
  if (!isProcessAlive(pid)) return false;
  const stat = procStat(pid as number);
  if (stat && !stat.comm.startsWith('postgres')) return false;
  try {
    return readlinkSync(`/proc/${pid}/cwd`) === realpathSync(dataDir);
  } catch {
    return true; // cannot tell (no /proc, or dataDir gone): trust the name check
  }
}

/** Polls until the pid is gone; resolves true if it went away within timeoutMs. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Stops a postmaster by pid: SIGINT (fast shutdown: aborts sessions, checkpoints, removes
 * postmaster.pid), then SIGQUIT (immediate shutdown, crash recovery on next start) if it hangs.
 */
export async function stopPostmasterByPid(pid: number, fastTimeoutMs = 15_000): Promise<void> {
  signal(pid, 'SIGINT');
  if (await waitForExit(pid, fastTimeoutMs)) return;
  signal(pid, 'SIGQUIT');
  if (await waitForExit(pid, 5_000)) return;
  throw new Error(`PostgreSQL postmaster pid ${pid} did not exit after SIGINT and SIGQUIT`);
}
