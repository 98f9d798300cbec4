import type { z } from 'zod';

/** One call the UI can make: its input schema (parsed by the router before any service sees it) and its output schema. */
export interface CallSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly summary: string;
  readonly input: I;
  readonly output: O;
}

/** One event stream the backend pushes to every connected window. */
export interface EventSpec<P extends z.ZodType = z.ZodType> {
  readonly summary: string;
  readonly payload: P;
}

export function call<I extends z.ZodType, O extends z.ZodType>(summary: string, input: I, output: O): CallSpec<I, O> {
  return { summary, input, output };
}

export function event<P extends z.ZodType>(summary: string, payload: P): EventSpec<P> {
  return { summary, payload };
}
