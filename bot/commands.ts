import { z } from 'zod/v4';
import type { Command } from '../services/chat/command.ts';

export { commandHelp, type Command } from '../services/chat/command.ts';

export type ParseResult = { ok: true; command: Command } | { ok: false; problem: string; input: string };

const runIdSchema = z.string().regex(/^[0-9a-f]{6,8}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const slugSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);

const MAX_INPUT = 500;

export function normalizeText(text: string): string {
  return text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\/(opshub\s+)?/i, '')
    .trim();
}

/**
 * The ONE command grammar of Teams and Slack: text in, typed Command out. Accepts a
 * leading slash (and `/opshub`), removes bot mentions (Teams `<at>..</at>`, Slack `<@U..>`),
 * ignores case and extra spaces; `--tenant <slug>` may appear anywhere.
 */
export function parseCommand(raw: string): ParseResult {
  if (raw.length > MAX_INPUT) return { ok: false, problem: `That message is too long (${raw.length} characters).`, input: raw.slice(0, 80) };
  const input = normalizeText(raw);
  const words = input.split(' ').filter(Boolean);
  let tenant: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    if (word.toLowerCase() === '--tenant' || word.toLowerCase().startsWith('--tenant=')) {
      const value = word.includes('=') ? word.slice(word.indexOf('=') + 1) : words[(i += 1)];
      if (!value || !slugSchema.safeParse(value.toLowerCase()).success) {
        return { ok: false, problem: '--tenant needs a tenant slug, e.g. --tenant contoso.', input };
      }
      tenant = value.toLowerCase();
    } else if (word.startsWith('--')) {
      return { ok: false, problem: `Unknown option ${word}. The only option is --tenant <slug>.`, input };
    } else {
      rest.push(word);
    }
  }
  const [verbWord, ...args] = rest;
  const verb = (verbWord ?? '').toLowerCase();
  const t = tenant ? { tenant } : {};
  const noArgs = (command: Command): ParseResult =>
    args.length === 0 ? { ok: true, command } : { ok: false, problem: `\`${verb}\` takes no arguments (got "${args.join(' ')}").`, input };
  const withRunId = (make: (runId: string) => Command): ParseResult => {
    if (args.length !== 1) return { ok: false, problem: `\`${verb}\` needs exactly one run id, e.g. \`${verb} 3f2a9c1b\`.`, input };
    const runId = (args[0] ?? '').toLowerCase();
    return runIdSchema.safeParse(runId).success ? { ok: true, command: make(runId) } : { ok: false, problem: `"${args[0]}" is not a run id (use the 8-character id shown on the card).`, input };
  };
  switch (verb) {
    case '': return { ok: false, problem: 'No command given.', input };
    case 'verify': return noArgs({ verb: 'verify', ...t });
    case 'runs': return noArgs({ verb: 'runs', ...t });
    case 'status': return noArgs({ verb: 'status', ...t });
    case 'whoami': return noArgs({ verb: 'whoami', ...t });
    case 'help': case '?': return { ok: true, command: { verb: 'help', ...t } };
    case 'run': return withRunId((runId) => ({ verb: 'run', runId, ...t }));
    case 'cancel': return withRunId((runId) => ({ verb: 'cancel', runId, ...t }));
    case 'sync': {
      const target = (args[0] ?? '').toLowerCase();
      if (args.length === 1 && (target === 'inventory' || target === 'groups')) return { ok: true, command: { verb: 'sync', target, ...t } };
      return { ok: false, problem: 'Use `sync inventory` or `sync groups`.', input };
    }
    case 'backup': {
      const action = (args[0] ?? '').toLowerCase();
      if (action === 'run' && args.length >= 2) return { ok: true, command: { verb: 'backup_run', schedule: args.slice(1).join(' '), ...t } };
      if (action === 'retry') {
        const [, runRef, ...extra] = args;
        const runId = (runRef ?? '').toLowerCase();
        if (extra.length === 0 && runIdSchema.safeParse(runId).success) return { ok: true, command: { verb: 'backup_retry', runId, ...t } };
        return { ok: false, problem: '`backup retry` needs the id of a failed backup run, e.g. `backup retry 3f2a9c1b`.', input };
      }
      return { ok: false, problem: 'Use `backup run <schedule>` or `backup retry <run>`.', input };
    }
    case 'restore': {
      const [action, backup, ...extra] = args;
      const backupId = (backup ?? '').toLowerCase();
      if ((action ?? '').toLowerCase() === 'preview' && extra.length === 0 && runIdSchema.safeParse(backupId).success) return { ok: true, command: { verb: 'restore_preview', backup: backupId, ...t } };
      return { ok: false, problem: 'Use `restore preview <backup>` with the backup\'s id (the 8 characters shown on its card).', input };
    }
    default: return { ok: false, problem: `Unknown command "${verbWord}".`, input };
  }
}
