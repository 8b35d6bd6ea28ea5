import { ActivityTypes, type TurnContext } from 'botbuilder';
import { Application, TurnState } from '@microsoft/teams-ai';
import type { ChatReply } from '../../services/chat/replies.ts';
import type { ChatRequest, ChatService } from '../../services/chat/chat-service.ts';
import type { Logger } from '../../services/logger.ts';
import { parseCommand } from '../commands.ts';
import { startsRun } from '../../services/chat/command.ts';
import { renderAlreadyRunningCard, renderErrorCard, renderHelpCard, renderRunsCard, renderStatusCard, renderWhoamiCard } from '../../cards/teams/reply-cards.ts';
import { renderRunCard } from '../../cards/teams/run-card.ts';
import type { AdaptiveCard } from '../../cards/teams/adaptive-card.ts';
import { actionInvokeSchema, chatRequestOf, inboundActivitySchema, type InboundActivity } from './inbound-activity.ts';
import { cardMessage, postRunCard, respondWithCard, respondWithMessage } from './replies.ts';

export interface TeamsAppDeps {
  chat: ChatService;
  logger: Logger;
  appId: string;
}

const noAadId = {
  kind: 'error', reasonCode: 'member_unknown', denied: false,
  message: 'Teams did not send your Entra object id with this message, so Operate Hub cannot tell who you are.',
  remediation: 'Use Operate Hub from a Teams client signed in to your organisation.',
} as const satisfies ChatReply;

/** Non-run replies as cards (run cards are posted and recorded separately). */
function replyCard(reply: Exclude<ChatReply, { kind: 'run' }>, input: string): AdaptiveCard {
  switch (reply.kind) {
    case 'runs': return renderRunsCard(reply);
    case 'status': return renderStatusCard(reply);
    case 'whoami': return renderWhoamiCard(reply);
    case 'help': return renderHelpCard(reply, input);
    case 'error': return renderErrorCard(reply);
  }
}

/** Action.Execute verbs that start a run rather than act on the card's run. */
const startingVerbs: ReadonlySet<string> = new Set(['start_verification', 'restore_execute']);

function inbound(context: TurnContext): InboundActivity {
  return inboundActivitySchema.parse(context.activity);
}

/**
 * teams-ai 1.7.4 reads the startTypingTimer option but run() starts the timer regardless,
 * so a slow turn posts a "typing" activity before its answer. Honour the option.
 */
class QuietApplication extends Application<TurnState> {
  override startTypingTimer(context: TurnContext): void {
    if (this.options.startTypingTimer) super.startTypingTimer(context);
  }
}

/**
 * The teams-ai Application: one catch-all message route using the shared command grammar,
 * and one Action.Execute route that always answers the invoke itself.
 */
export function createTeamsApp(deps: TeamsAppDeps): Application<TurnState> {
  const { chat, logger } = deps;
  const app = new QuietApplication({ startTypingTimer: false, removeRecipientMention: true, longRunningMessages: false, botAppId: deps.appId });

  async function answerMessage(context: TurnContext, request: ChatRequest, reply: ChatReply, input: string): Promise<void> {
    if (reply.kind !== 'run') {
      await context.sendActivity(cardMessage(replyCard(reply, input)));
    } else if (reply.redelivered) {
      // Teams retried an activity we already answered: the first answer stands.
      logger.info({ runId: reply.run.id, deliveryId: request.deliveryId }, 'teams: redelivered activity; not answering twice');
    } else if (reply.deduplicated) {
      await context.sendActivity(cardMessage(renderAlreadyRunningCard(reply.run)));
    } else {
      await postRunCard(context, chat, reply.run, request.place.channelId);
    }
  }

  /** Teams retries an activity it thinks unanswered; a command that starts no run is answered once. */
  async function firstDelivery(request: ChatRequest): Promise<boolean> {
    try {
      return await chat.claimDelivery('teams', request.deliveryId);
    } catch (error) {
      // The database is down: answering (help, or the error card) beats staying silent.
      logger.warn({ err: error }, 'teams: delivery not recorded; a redelivery would be answered again');
      return true;
    }
  }

  app.activity(ActivityTypes.Message, async (context) => {
    const activity = inbound(context);
    const request = chatRequestOf(activity);
    const text = activity.text ?? '';
    if (!request) return void (await context.sendActivity(cardMessage(renderErrorCard(noAadId))));
    const parsed = parseCommand(text);
    if (!(parsed.ok && startsRun(parsed.command)) && !(await firstDelivery(request))) {
      logger.info({ deliveryId: request.deliveryId }, 'teams: redelivered activity; not answering twice');
      return;
    }
    const reply = parsed.ok ? await chat.handleCommand(request, parsed.command) : chat.help(parsed.problem);
    await answerMessage(context, request, reply, parsed.ok ? '' : parsed.input);
  });

  async function answerAction(context: TurnContext): Promise<void> {
    const request = chatRequestOf(inbound(context));
    const value = actionInvokeSchema.safeParse(context.activity.value);
    if (!request) return respondWithMessage(context, noAadId.message);
    if (!value.success) return respondWithMessage(context, 'That button\'s data is not valid; use the buttons of a fresh card (`runs`).');
    const { verb, data } = value.data.action;
    const reply = await chat.handleAction(request, { ...data, verb });
    if (reply.kind === 'error') return respondWithMessage(context, `${reply.denied ? 'Not allowed' : 'Could not do that'}: ${reply.message}`);
    if (reply.kind !== 'run') return respondWithCard(context, replyCard(reply, ''));
    // Buttons that start a new run (verification, restore execute) post that run's own card;
    // the others answer with the clicked run's card, for the clicker only.
    if (!startingVerbs.has(verb)) {
      return respondWithCard(context, renderRunCard(reply.run, { refreshUserIds: await chat.actionUserIds(reply.run.tenant.id) }));
    }
    if (reply.deduplicated) return respondWithMessage(context, `${reply.run.typeLabel} is already ${reply.run.status}: run ${reply.run.shortId}.`);
    await postRunCard(context, chat, reply.run, request.place.channelId);
    return respondWithMessage(context, `Started ${reply.run.typeLabel.toLowerCase()}: run ${reply.run.shortId}. Its card is posted in this conversation.`);
  }

  const isActionExecute = async (context: TurnContext) =>
    context.activity.type === ActivityTypes.Invoke && context.activity.name === 'adaptiveCard/action' && context.activity.value?.action?.type === 'Action.Execute';
  app.adaptiveCards.actionExecute(isActionExecute, async (context) => {
    await answerAction(context);
    // The invoke response is already sent, so teams-ai adds none of its own.
    return '';
  });

  app.conversationUpdate('membersAdded', async (context) => {
    // Greets once, when the bot itself is added (not when people join).
    const added = context.activity.membersAdded ?? [];
    const help = chat.help();
    if (help.kind === 'help' && added.some((member) => member.id === context.activity.recipient.id)) {
      await context.sendActivity(cardMessage(renderHelpCard(help)));
    }
  });

  return app;
}
