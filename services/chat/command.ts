/** A parsed chat command (bot/commands.ts holds the grammar that produces it). */
export type Command =
  | { verb: 'verify'; tenant?: string }
  | { verb: 'sync'; target: 'inventory' | 'groups'; tenant?: string }
  | { verb: 'runs'; tenant?: string }
  | { verb: 'run'; runId: string; tenant?: string }
  | { verb: 'cancel'; runId: string; tenant?: string }
  | { verb: 'status'; tenant?: string }
  | { verb: 'whoami'; tenant?: string }
  | { verb: 'help'; tenant?: string }
  | { verb: 'backup_run'; schedule: string; tenant?: string }
  | { verb: 'backup_retry'; runId: string; tenant?: string }
  | { verb: 'restore_preview'; backup: string; tenant?: string };

const startVerbs: ReadonlySet<Command['verb']> = new Set(['verify', 'sync', 'backup_run', 'backup_retry', 'restore_preview']);

/**
 * A command that starts a run. startRun recognises a redelivered start by its delivery id;
 * any other command is answered at once, so a redelivery of it must be dropped by the
 * adapter (an answer given twice, a cancel reported twice).
 */
export function startsRun(command: Command): boolean {
  return startVerbs.has(command.verb);
}

export interface CommandHelp {
  usage: string;
  description: string;
}

/** Shown by `help`, the error cards and the manifests' command lists. */
export const commandHelp: CommandHelp[] = [
  { usage: 'verify', description: 'Check the tenant\'s Microsoft connection: credentials, consent, permissions per feature' },
  { usage: 'sync inventory', description: 'Refresh the cached Intune policy inventory' },
  { usage: 'sync groups', description: 'Refresh the cached directory groups' },
  { usage: 'runs', description: 'List recent operation runs' },
  { usage: 'run <id>', description: 'Show one run (its report when finished)' },
  { usage: 'cancel <run>', description: 'Cancel a queued or running run' },
  { usage: 'status', description: 'Tenant, connection and active runs at a glance' },
  { usage: 'backup run <schedule>', description: 'Back up a schedule\'s policy families now' },
  { usage: 'backup retry <run>', description: 'Retry a failed or partially succeeded backup run' },
  { usage: 'restore preview <backup>', description: 'Plan a restore of a backup: what would be created, updated or left alone, and the conflicts (changes nothing)' },
  { usage: 'whoami', description: 'Your member id, role and tenant' },
  { usage: 'help', description: 'This list' },
];
