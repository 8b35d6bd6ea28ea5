import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** Paths never written to a log, whatever the caller passes. */
export const redactPaths = [
  'secret', '*.secret', 'clientSecret', '*.clientSecret', 'password', '*.password',
  'token', '*.token', 'accessToken', '*.accessToken', 'authorization', '*.authorization',
  'headers.authorization', 'req.headers.authorization', 'req.headers["x-slack-signature"]',
  'body', '*.body', 'rawBody', '*.rawBody', 'key', '*.key', 'secretCiphertext', '*.secretCiphertext',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, base: { app: 'operate-hub' }, redact: { paths: redactPaths, censor: '[redacted]' } }, destination);
}
