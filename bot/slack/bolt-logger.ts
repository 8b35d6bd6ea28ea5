import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../services/logger.ts';

const maxMessage = 300;

/** An error as logged: what it is, never the request or response it carries. */
export function safeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error).slice(0, maxMessage) };
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  const data = 'data' in error && typeof error.data === 'object' && error.data !== null ? (error.data as Record<string, unknown>) : undefined;
  return {
    name: error.name,
    message: error.message.slice(0, maxMessage),
    ...(code ? { code } : {}),
    ...(typeof data?.error === 'string' ? { slackError: data.error } : {}),
  };
}

function describe(parts: unknown[]): { message: string; err?: Record<string, unknown> } {
  const text = parts.filter((p): p is string => typeof p === 'string').join(' ').slice(0, maxMessage);
  const error = parts.find((p) => p instanceof Error);
  return { message: text || (error instanceof Error ? error.message.slice(0, maxMessage) : 'bolt'), ...(error ? { err: safeError(error) } : {}) };
}

/**
 * Bolt's and the Web API client's logger, on top of ours. Their debug lines print
 * request and response bodies (ack bodies, API arguments), so debug is dropped; other
 * lines keep only their text and the error's name, code and message.
 */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  let level: LogLevel = LogLevel.INFO;
  const write = (method: 'info' | 'warn' | 'error') => (...parts: unknown[]) => {
    const { message, err } = describe(parts);
    child[method](err ? { err } : {}, message);
  };
  return {
    debug: () => undefined,
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
