/**
 * A failed API call, carrying the server's coded error (`{ error: { code, title, message, nodeId?, … } }`).
 * Network failures and non-JSON bodies get a client-side code so nothing is ever shown without one.
 */
import type { AneloErrorJson } from '../../../nodes/core/errors.ts';
import type { GraphProblem } from '../../../nodes/core/validate-graph.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly body: AneloErrorJson;

  constructor(status: number, body: AneloErrorJson) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }

  get code(): string {
    return this.body.code;
  }

  /** The graph problems of an E001 reply, or an empty list. */
  get problems(): GraphProblem[] {
    const d = this.body.details as { problems?: GraphProblem[] } | undefined;
    return Array.isArray(d?.problems) ? d.problems : [];
  }
}

/** Reads an error reply into an ApiError, whatever its body holds. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  let parsed: unknown;
  try {
    parsed = await res.json();
  } catch {
    parsed = undefined;
  }
  const err = (parsed as { error?: AneloErrorJson } | undefined)?.error;
  if (err && typeof err.code === 'string') return new ApiError(res.status, err);
  return new ApiError(res.status, {
    code: 'ANELO_E099_INTERNAL',
    title: 'Unexpected server reply',
    message: `${res.status} ${res.statusText || 'error'} from ${new URL(res.url || '/', 'http://x').pathname}`,
  });
}

/** The error shown when the server cannot be reached at all. */
export function networkError(path: string, cause: unknown): ApiError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new ApiError(0, { code: 'ANELO_E099_INTERNAL', title: 'Server unreachable', message: `Cannot reach the server (${path}): ${why}` });
}
