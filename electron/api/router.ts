import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { calls, isCallName, type CallName, type CallOutput, type ParsedInput } from '../../shared/api/contract';
import { ApiFailure, type ApiError, type ApiResult } from '../../shared/api/errors';
import type { Logger } from '../backend/log';

export type Handler<N extends CallName> = (input: ParsedInput<N>) => Promise<CallOutput<N>> | CallOutput<N>;
export type Handlers = { [N in CallName]: Handler<N> };

export interface Router {
  /** Never throws: every outcome, including a bug in a service, is an ApiResult. */
  call(name: unknown, input: unknown): Promise<ApiResult<unknown>>;
}

/** The dotted path of the first failing field, as the UI shows it next to an input ("ledger.rpcUrl"). */
function fieldOf(issue: z.core.$ZodIssue): string {
  const segments = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') segments.push(...issue.keys);
  return segments.length > 0 ? segments.join('.') : '(input)';
}

function invalidInput(name: string, error: z.ZodError): ApiError {
  const issue = error.issues[0];
  if (!issue) return { code: 'invalid_input', message: `Invalid input for ${name}.`, field: '(input)' };
  const field = fieldOf(issue);
  const what = issue.code === 'unrecognized_keys' ? 'is not a known field' : issue.message;
  return { code: 'invalid_input', message: `${field} ${what}`, field };
}

export function createRouter(handlers: Handlers, log: Logger): Router {
  const internal = (name: string, error: unknown): ApiResult<never> => {
    const ref = randomBytes(4).toString('hex');
    log.error(`Call ${name} failed (ref ${ref})`, error);
    return {
      ok: false,
      error: { code: 'internal', message: `Something went wrong in ${name}; the log has the details (ref ${ref}).`, ref },
    };
  };

  return {
    async call(name, rawInput) {
      if (!isCallName(name)) {
        return { ok: false, error: { code: 'unknown_call', message: `There is no call named ${JSON.stringify(name)}.` } };
      }
      const spec = calls[name];
      const parsed = spec.input.safeParse(rawInput ?? {});
      if (!parsed.success) return { ok: false, error: invalidInput(name, parsed.error) };
      try {
        const handler = handlers[name] as (input: unknown) => unknown;
        const value = await handler(parsed.data);
        // A service returning the wrong shape is a bug here, not something for the UI to guess at.
        const checked = spec.output.safeParse(value);
        if (!checked.success) return internal(name, new Error(`Output of ${name} broke its contract: ${checked.error.message}`));
        return { ok: true, value: checked.data };
      } catch (error) {
        if (error instanceof ApiFailure) return { ok: false, error: error.error };
        return internal(name, error);
      }
    },
  };
}
