/** Exit codes of `studio`: 0 ok, 1 something failed while running, 2 the command line was wrong. */
export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: typeof EXIT_RUNTIME | typeof EXIT_USAGE = EXIT_RUNTIME,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, EXIT_USAGE);

/** The one line printed on stderr: the first line of the message, never a stack. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim() || 'failed';
}
