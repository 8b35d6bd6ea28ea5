import { reasonCodes, type ReasonCode } from './reason-codes.ts';

/**
 * The one application error. `code` is a reason code; `message` is for logs,
 * `userMessage` for chat and CLI. Adapters alone map it to replies.
 */
export class AppError extends Error {
  readonly code: ReasonCode;
  readonly userMessage: string;
  readonly retryable: boolean;
  readonly detail: Record<string, unknown>;

  constructor(code: ReasonCode, userMessage?: string, options?: { detail?: Record<string, unknown>; cause?: unknown; message?: string }) {
    const info = reasonCodes[code];
    const text = userMessage ?? info.userMessage;
    super(options?.message ?? `${code}: ${text}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.userMessage = text;
    this.retryable = info.retryable;
    this.detail = options?.detail ?? {};
  }

  get remediation(): string {
    return reasonCodes[this.code].remediation;
  }
}

/** Wraps anything thrown into an AppError exactly once, at a boundary. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError('internal_error', undefined, { cause: error, message: error instanceof Error ? error.message : String(error) });
}
