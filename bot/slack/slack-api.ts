import { webApi } from '@slack/bolt';

export type WebClient = webApi.WebClient;

/** The bot's own workspace and user, from auth.test at startup. */
export interface SlackIdentity {
  teamId: string;
  botUserId: string;
  botId: string;
  /** e.g. https://contoso.slack.com/ (for permalinks without another API call). */
  workspaceUrl: string;
}

/** Slack's `{ok:false, error}` code of a failed Web API call, if it was one. */
export function platformError(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('code' in error) || error.code !== webApi.ErrorCode.PlatformError) return null;
  const data = 'data' in error ? (error.data as { error?: unknown }) : undefined;
  return typeof data?.error === 'string' ? data.error : null;
}

/** Seconds to wait when Slack answered 429 (rejectRateLimitedCalls), else null. */
export function retryAfterSeconds(error: unknown): number | null {
  if (typeof error !== 'object' || error === null || !('code' in error) || error.code !== webApi.ErrorCode.RateLimitedError) return null;
  return 'retryAfter' in error && typeof error.retryAfter === 'number' ? error.retryAfter : 1;
}

/** Network and 5xx failures are retried a little; 429 is handled by each caller. */
export const retryConfig = { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000, randomize: true };

export function createWebClient(token: string, options: { slackApiUrl: string; logger: webApi.WebClientOptions['logger']; rejectRateLimitedCalls: boolean }): WebClient {
  return new webApi.WebClient(token, { slackApiUrl: options.slackApiUrl, logger: options.logger, retryConfig, rejectRateLimitedCalls: options.rejectRateLimitedCalls, timeout: 10_000 });
}

/** auth.test: who the bot is, in which workspace. Fails startup with a line saying what to fix. */
export async function authTest(client: WebClient, apiUrl: string): Promise<SlackIdentity> {
  try {
    const result = await client.auth.test();
    if (!result.team_id || !result.user_id) throw new Error('auth.test returned no team_id/user_id');
    return { teamId: result.team_id, botUserId: result.user_id, botId: result.bot_id ?? '', workspaceUrl: result.url ?? 'https://slack.com/' };
  } catch (error) {
    const code = platformError(error) ?? (error instanceof Error ? error.message : String(error));
    throw new Error(`Slack auth.test against ${apiUrl} failed (${code}): check SLACK_BOT_TOKEN (a bot token, xoxb-...) and SLACK_API_URL`, { cause: error });
  }
}
