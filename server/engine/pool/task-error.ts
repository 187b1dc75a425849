/**
 * A coded error across a thread boundary: structured clone keeps an Error's message but not its code or where, so
 * worker tasks return this plain form and the calling thread rebuilds the AneloError from it.
 */
import { AneloError, toAneloError, type ErrorCode, type ErrorWhere } from '../../../nodes/core/errors.ts';

export interface TaskError {
  code: string;
  message: string;
  where: Record<string, unknown>;
}

/** On the worker: any thrown value as a plain coded error (`where` adds what the task knows, e.g. its node). */
export function toTaskError(e: unknown, where: ErrorWhere = {}): TaskError {
  const err = toAneloError(e, where);
  return { code: err.code, message: err.message, where: { ...err.where } };
}

/** On the caller: the AneloError the task threw. */
export function fromTaskError(e: TaskError): AneloError {
  return new AneloError(e.code as ErrorCode, e.message, e.where);
}
