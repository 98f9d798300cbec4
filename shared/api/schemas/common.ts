import { z } from 'zod';

/** Calls that take no arguments still take an object, so adding an optional field later breaks no caller. */
export const NoInput = z.object({}).strict();

/** Milliseconds since the Unix epoch. */
export const Timestamp = z.number().int().nonnegative();
