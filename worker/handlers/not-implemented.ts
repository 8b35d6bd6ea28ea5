import { failure } from '../../services/reason-codes.ts';
import type { OperationHandler } from '../handler.ts';

/** For types whose handler belongs to later work: the run fails honestly, never fakes success. */
export const notImplemented: OperationHandler = async ({ run }) => ({
  status: 'failed',
  failures: [failure('operation_not_implemented', `${run.type} is not implemented in this version of Operate Hub.`)],
});
