/**
 * Teams' per-bot, per-conversation send limits (msteams-docs rate-limit.md): 7 in 1 s,
 * 8 in 2 s, 60 in 30 s, 1800 in an hour.
 */
export const teamsRateLimits: readonly (readonly [count: number, windowMs: number])[] = [[7, 1_000], [8, 2_000], [60, 30_000], [1_800, 3_600_000]];

export interface LaneOptions {
  limits?: readonly (readonly [number, number])[];
  now?: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** How long until one more send fits every window, given past send times (ascending). */
export function waitBeforeSend(sent: readonly number[], now: number, limits: readonly (readonly [number, number])[]): number {
  let wait = 0;
  for (const [count, windowMs] of limits) {
    const inWindow = sent.filter((t) => t > now - windowMs);
    if (inWindow.length >= count) {
      const oldest = inWindow[inWindow.length - count] ?? now;
      wait = Math.max(wait, oldest + windowMs - now);
    }
  }
  return wait;
}

/**
 * One queue per conversation: sends run one at a time and each waits until it fits
 * the rate limits, so a burst of run changes in one channel never exceeds them.
 */
export function createConversationLanes(options: LaneOptions) {
  const limits = options.limits ?? teamsRateLimits;
  const now = options.now ?? Date.now;
  const longest = Math.max(...limits.map(([, w]) => w));
  const lanes = new Map<string, { tail: Promise<void>; sent: number[]; pending: number }>();

  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const lane = lanes.get(key) ?? { tail: Promise.resolve(), sent: [], pending: 0 };
      lanes.set(key, lane);
      lane.pending += 1;
      const result = lane.tail.then(async () => {
        const wait = waitBeforeSend(lane.sent, now(), limits);
        if (wait > 0) await options.sleep(wait);
        try {
          return await task();
        } finally {
          // Counted when the send completes: Teams counts arrivals, which come after our start.
          lane.sent.push(now());
          while ((lane.sent[0] ?? Infinity) <= now() - longest) lane.sent.shift();
        }
      });
      lane.tail = result.then(() => undefined, () => undefined).finally(() => {
        lane.pending -= 1;
        if (lane.pending === 0 && lane.sent.every((t) => t <= now() - longest)) lanes.delete(key);
      });
      return result;
    },
    get size(): number {
      return lanes.size;
    },
  };
}
