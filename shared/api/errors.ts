/**
 * The only error shapes that cross the API boundary. A stack trace never does: internal errors
 * carry a `ref` that matches the line the backend logged with the stack.
 */
export type ApiError =
  | { code: 'invalid_input'; message: string; field: string }
  | { code: 'unknown_call'; message: string }
  | { code: 'not_found'; message: string }
  | { code: 'conflict'; message: string }
  | { code: 'unavailable'; message: string }
  | { code: 'internal'; message: string; ref: string };

export type ApiErrorCode = ApiError['code'];

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** Thrown by services for an expected failure, and by the UI's client when a call fails. */
export class ApiFailure extends Error {
  readonly error: ApiError;
  constructor(error: ApiError) {
    super(error.message);
    this.name = 'ApiFailure';
    this.error = error;
  }
  get code(): ApiErrorCode {
    return this.error.code;
  }
}

export function notFound(message: string): ApiFailure {
  return new ApiFailure({ code: 'not_found', message });
}

export function conflict(message: string): ApiFailure {
  return new ApiFailure({ code: 'conflict', message });
}

export function unavailable(message: string): ApiFailure {
  return new ApiFailure({ code: 'unavailable', message });
}

/** Narrow an unknown value (from a socket or IPC) to an ApiResult, so a transport never trusts its peer blindly. */
export function isApiResult(value: unknown): value is ApiResult<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  if (v.ok === true) return 'value' in v;
  return v.ok === false && typeof v.error?.code === 'string' && typeof v.error.message === 'string';
}
