/**
 * Errors as OpenAI's API sends them: an HTTP status and `{ error: { message, type, param, code } }`,
 * so OpenAI clients raise their usual exceptions (the official client picks its class by status:
 * 400 BadRequestError, 401 AuthenticationError, 404 NotFoundError, 429 RateLimitError, 500
 * InternalServerError) and show the message.
 *
 * Types and codes follow what api.openai.com answers: a missing or wrong key is
 * `invalid_request_error` with code `invalid_api_key` (401), an unknown model `invalid_request_error`
 * / `model_not_found` (404), a bad parameter `invalid_request_error` naming it in `param` (400),
 * too many requests waiting `requests` / `rate_limit_exceeded` (429), our own failure `server_error` (500).
 */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export class OpenAiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'OpenAiError';
  }

  body(): OpenAiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const invalidRequest = (message: string, param: string | null = null, code: string | null = null) => new OpenAiError(400, message, 'invalid_request_error', param, code);

export const missingKey = () =>
  new OpenAiError(401, "You didn't provide an API key. Send it as 'Authorization: Bearer KEY' (the key `studio serve-models` printed, or the one in Settings).", 'invalid_request_error', null, 'invalid_api_key');

export const wrongKey = () => new OpenAiError(401, 'Incorrect API key provided. Use the key `studio serve-models` printed, or the one in Settings.', 'invalid_request_error', null, 'invalid_api_key');

export const modelNotFound = (model: string) =>
  new OpenAiError(404, `The model \`${model}\` does not exist. GET /v1/models lists the installed base models and their adapters (as base:adapter).`, 'invalid_request_error', 'model', 'model_not_found');

export const routeNotFound = (method: string, url: string) => new OpenAiError(404, `Invalid URL (${method} ${url})`, 'invalid_request_error');

export const queueFull = (message: string) => new OpenAiError(429, message, 'requests', null, 'rate_limit_exceeded');

export const serverError = (message: string) => new OpenAiError(500, message, 'server_error');

/** Any error as an OpenAI error: ours as they are, anything else a 500 with its message. */
export function asOpenAiError(error: unknown): OpenAiError {
  if (error instanceof OpenAiError) return error;
  return serverError(`The server had an error while processing your request: ${error instanceof Error ? error.message : String(error)}`);
}
