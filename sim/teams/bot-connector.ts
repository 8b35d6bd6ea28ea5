import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';

/** One activity the fake Bot Connector accepted (or refused with an injected status). */
export interface RecordedActivity {
  method: 'POST' | 'PUT';
  conversationId: string;
  /** POST: the activity replied to (if any); PUT: the activity updated. */
  targetId: string | null;
  /** The id the connector answered with (the message id). */
  id: string;
  status: number;
  /** Date.now() when the request arrived. */
  at: number;
  authorization: string | null;
  activity: Record<string, unknown>;
}

export interface InjectedFailure {
  status: number;
  times: number;
  retryAfterSeconds?: number;
  method?: 'POST' | 'PUT';
}

export interface FakeBotConnector {
  /** Accepted activities in arrival order. */
  readonly activities: RecordedActivity[];
  /** Every attempt, refused ones included. */
  readonly attempts: RecordedActivity[];
  /** Answer the next `times` matching requests with `status` (e.g. 429 with Retry-After). */
  fail(failure: InjectedFailure): void;
  posts(conversationId?: string): RecordedActivity[];
  puts(conversationId?: string): RecordedActivity[];
  reset(): void;
}

/**
 * The Bot Connector REST subset a bot calls (v3 conversations API): replies, new
 * messages and in-place updates. Records everything; can inject 429/412/5xx.
 */
export function mountFakeBotConnector(app: Express): FakeBotConnector {
  const activities: RecordedActivity[] = [];
  const attempts: RecordedActivity[] = [];
  const failures: InjectedFailure[] = [];
  const handle = (method: 'POST' | 'PUT') => (req: express.Request, res: express.Response) => {
    const params = req.params as Record<string, string | undefined>;
    const targetId = params.activityId ?? null;
    const record: RecordedActivity = {
      method, conversationId: params.conversationId ?? '', targetId,
      id: method === 'PUT' && targetId ? targetId : `msg-${randomUUID()}`, status: 200, at: Date.now(),
      authorization: req.headers.authorization ?? null, activity: (req.body ?? {}) as Record<string, unknown>,
    };
    const failure = failures.find((f) => f.times > 0 && (!f.method || f.method === method));
    if (failure) {
      failure.times -= 1;
      attempts.push({ ...record, status: failure.status });
      if (failure.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(failure.retryAfterSeconds));
      res.status(failure.status).json({ error: { code: failure.status === 429 ? 'TooManyRequests' : 'ServiceError', message: 'injected by sim/teams' } });
      return;
    }
    attempts.push(record);
    activities.push(record);
    res.status(200).json({ id: record.id });
  };
  app.post('/v3/conversations/:conversationId/activities/:activityId', handle('POST'));
  app.post('/v3/conversations/:conversationId/activities', handle('POST'));
  app.put('/v3/conversations/:conversationId/activities/:activityId', handle('PUT'));
  return {
    activities,
    attempts,
    fail: (failure) => failures.push({ ...failure }),
    posts: (conversationId) => activities.filter((a) => a.method === 'POST' && (!conversationId || a.conversationId === conversationId)),
    puts: (conversationId) => activities.filter((a) => a.method === 'PUT' && (!conversationId || a.conversationId === conversationId)),
    reset: () => {
      activities.length = 0;
      attempts.length = 0;
      failures.length = 0;
    },
  };
}
