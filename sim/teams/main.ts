/**
 * The Teams side of a demo, without Teams (run with tsx; loopback only):
 *
 *   tsx sim/teams/main.ts serve [--port 4020]
 *     A fake Bot Connector: prints every card the bot posts or updates in place.
 *   tsx sim/teams/main.ts say --bot http://127.0.0.1:3978 --service-url http://127.0.0.1:4020 \
 *       --user <aad-object-id> [--channel 19:...@thread.tacv2 | --personal] verify
 *     Sends one message activity to the bot (unauthenticated local mode) as that member.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { simMessageActivity } from './activities.ts';
import { startTeamsSimulator } from './teams-simulator.ts';
import type { RecordedActivity } from './bot-connector.ts';

/** The visible text of an Adaptive Card: text blocks and facts, depth first. */
export function cardText(node: unknown, lines: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) cardText(item, lines);
  } else if (typeof node === 'object' && node !== null) {
    const element = node as Record<string, unknown>;
    if (element.type === 'TextBlock' && typeof element.text === 'string') lines.push(element.text);
    if (element.type === 'FactSet' && Array.isArray(element.facts)) {
      for (const fact of element.facts as { title?: string; value?: string }[]) lines.push(`  ${fact.title ?? ''}: ${fact.value ?? ''}`);
    }
    if (element.type?.toString().startsWith('Action.') && typeof element.title === 'string') lines.push(`  [${element.title}]`);
    for (const key of ['body', 'items', 'columns', 'actions']) if (key in element) cardText(element[key], lines);
  }
  return lines;
}

function describe(record: RecordedActivity): string {
  const attachments = (record.activity.attachments ?? []) as { content?: unknown }[];
  const what = record.method === 'PUT' ? `updated ${record.targetId}` : `posted ${record.id}`;
  const body = attachments.length > 0 ? cardText(attachments.map((a) => a.content)).join('\n') : String(record.activity.text ?? record.activity.type);
  return `--- ${new Date().toISOString()} ${what} in ${record.conversationId}\n${body}\n`;
}

async function serve(port: number): Promise<void> {
  const sim = await startTeamsSimulator({ port });
  process.stdout.write(`Fake Bot Connector on ${sim.url} (use it as --service-url)\n`);
  let shown = 0;
  const timer = setInterval(() => {
    for (const record of sim.connector.activities.slice(shown)) process.stdout.write(describe(record));
    shown = sim.connector.activities.length;
  }, 200);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  clearInterval(timer);
  await sim.close();
}

async function say(options: { bot: string; serviceUrl: string; user: string; channel?: string; personal: boolean; text: string }): Promise<number> {
  const conversationId = options.personal ? `a:${options.user}` : `${options.channel ?? ''};messageid=${Date.now()}`;
  const activity = simMessageActivity(options.serviceUrl, { aadObjectId: options.user, teamsId: `29:${options.user}`, name: 'Demo user' }, {
    conversationId, ...(options.channel ? { channelId: options.channel } : {}), personal: options.personal,
  }, options.text);
  const response = await fetch(`${options.bot.replace(/\/+$/, '')}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...activity, id: `demo-${randomUUID()}` }) });
  process.stdout.write(`bot answered HTTP ${response.status}; its reply went to ${options.serviceUrl}\n`);
  return response.ok ? 0 : 1;
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { port: { type: 'string', default: '4020' }, bot: { type: 'string', default: 'http://127.0.0.1:3978' }, 'service-url': { type: 'string', default: 'http://127.0.0.1:4020' }, user: { type: 'string' }, channel: { type: 'string' }, personal: { type: 'boolean', default: false } },
  });
  const [command, ...words] = positionals;
  if (command === 'serve') {
    await serve(Number(values.port));
    return 0;
  }
  if (command === 'say' && values.user && (values.channel || values.personal) && words.length > 0) {
    return say({ bot: values.bot, serviceUrl: values['service-url'], user: values.user, ...(values.channel ? { channel: values.channel } : {}), personal: values.personal, text: words.join(' ') });
  }
  process.stderr.write('usage: tsx sim/teams/main.ts serve [--port 4020]\n       tsx sim/teams/main.ts say --user <aad-object-id> (--channel <id> | --personal) [--bot URL] [--service-url URL] <command...>\n');
  return 2;
}

process.exitCode = await main();
