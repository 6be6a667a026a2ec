/** What a command may touch of the outside world, so tests can run the CLI in-process. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** All of standard input, for `--file -`. */
  readStdin(): Promise<string>;
  /** The clock behind defaults such as `--occurred-at` and the demo day. */
  now(): Date;
  /**
   * Aborts when the user asks a command that follows something (`events tail`) to stop, i.e. Ctrl-C.
   * Only such commands ask for it, so Ctrl-C anywhere else still ends the process at once.
   */
  interrupted(): AbortSignal;
}

export const EXIT_OK = 0;
/** The server refused, could not be reached, or answered unexpectedly. */
export const EXIT_FAILED = 1;
/** The command line (or a file it names) could not be used; nothing was sent. */
export const EXIT_USAGE = 2;

/** A problem with what the user typed or pointed at; reported without a request being made. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * The command ran, and what it found is a failure (a broken chain, no such incident): exit 1.
 * The message, when there is one, goes to stderr; the command may have printed its answer already.
 */
export class CommandFailed extends Error {
  override name = 'CommandFailed';
}

/** Ends the command with this exit code (the gate's 3 and 4); the message, if any, goes to stderr. */
export class ExitWith extends Error {
  override name = 'ExitWith';
  constructor(
    readonly code: number,
    message = '',
  ) {
    super(message);
  }
}

export const println = (io: Io, line = ''): void => io.stdout(line + '\n');
export const eprintln = (io: Io, line = ''): void => io.stderr(line + '\n');

export const printJson = (io: Io, value: unknown): void => io.stdout(JSON.stringify(value, null, 2) + '\n');
