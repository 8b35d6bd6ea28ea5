import { AppError } from '../errors.ts';
import { reasonCodes, type ReasonCode } from '../reason-codes.ts';
import { classifyMicrosoftError } from './classify.ts';
import { checkIds, type CheckId, type VerificationCheck } from './report.ts';

/** Anything thrown while talking to Microsoft, as an AppError with a taxonomy code. */
export function asProviderError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const { code, detail } = classifyMicrosoftError(error);
  return new AppError(code, undefined, { detail, cause: error });
}

/** Collects checks in order; blocking and remediation default to the reason code's. */
export class CheckList {
  readonly checks: VerificationCheck[] = [];

  add(id: CheckId, status: VerificationCheck['status'], code: ReasonCode | null, detail: string, options?: { remediation?: string | null; blocking?: boolean; data?: Record<string, unknown> }): void {
    const info = code ? reasonCodes[code] : undefined;
    this.checks.push({
      id, status, reason_code: code,
      blocking: options?.blocking ?? (status === 'fail' && info !== undefined && info.blocking),
      detail,
      remediation: options?.remediation !== undefined ? options.remediation : status === 'pass' || !info ? null : info.remediation,
      ...(options?.data ? { data: options.data } : {}),
    });
  }

  pass(id: CheckId, detail: string, data?: Record<string, unknown>): void {
    this.add(id, 'pass', null, detail, data ? { data } : undefined);
  }

  /** A failure from an AppError: its user message, its code's flags, its safe detail. */
  failWith(id: CheckId, error: AppError, remediation?: string): void {
    this.add(id, 'fail', error.code, error.userMessage, { ...(remediation ? { remediation } : {}), data: safeDetail(error.detail) });
  }

  /** Marks every check not yet recorded as skipped, naming the one that stopped the run. */
  skipRest(because: CheckId): void {
    for (const id of checkIds) {
      if (!this.checks.some((c) => c.id === id)) this.add(id, 'skipped', null, `Not run: the ${because.replace('_', ' ')} check did not pass.`);
    }
  }

  has(id: CheckId, status: VerificationCheck['status']): boolean {
    return this.checks.some((c) => c.id === id && c.status === status);
  }
}

/** Only known, non-secret keys of an error's detail reach the stored report. */
export function safeDetail(detail: Record<string, unknown>): Record<string, unknown> {
  const keep = ['source', 'aadsts', 'error_code', 'status', 'graph_code', 'request_id', 'retry_after', 'scopes', 'contract', 'errno', 'key_id'];
  return Object.fromEntries(Object.entries(detail).filter(([k]) => keep.includes(k)));
}
