/** Runs the CLI in-process with captured output, the way the real entry point runs it. */
import { run } from '../src/run.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  stdin?: string;
  now?: Date;
}

/** A command still running (`events tail`): its output so far, a wait on it, and Ctrl-C. */
export interface RunningCli {
  output(): { stdout: string; stderr: string };
  /** Resolves once `pred` holds for the output so far; fails after `timeoutMs` naming what was printed. */
  until(pred: (out: { stdout: string; stderr: string }) => boolean, timeoutMs?: number): Promise<void>;
  /** What Ctrl-C does to the real process: aborts the signal the command asked for. */
  interrupt(): void;
  done: Promise<CliResult>;
}

export function startCli(
  args: string[],
  env: Record<string, string | undefined>,
  options: CliOptions = {},
): RunningCli {
  let stdout = '';
  let stderr = '';
  const ctrlC = new AbortController();
  const done = run(args, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    env,
    readStdin: async () => options.stdin ?? '',
    now: () => options.now ?? new Date(),
    interrupted: () => ctrlC.signal,
  }).then((code) => ({ code, stdout, stderr }));
  let finished = false;
  void done.finally(() => (finished = true));
  return {
    output: () => ({ stdout, stderr }),
    async until(pred, timeoutMs = 15_000) {
      const start = Date.now();
      while (!pred({ stdout, stderr })) {
        if (finished || Date.now() - start > timeoutMs) {
          throw new Error(`output condition not met${finished ? ' (the command ended)' : ''}:\n${stdout}\n${stderr}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    interrupt: () => ctrlC.abort(),
    done,
  };
}

export const runCli = (
  args: string[],
  env: Record<string, string | undefined>,
  options: CliOptions = {},
): Promise<CliResult> => startCli(args, env, options).done;

/** The environment a script would set to reach `url` with `key`. */
export const envFor = (url: string, key?: string) => ({
  BALLAST_URL: url,
  ...(key !== undefined && { BALLAST_API_KEY: key }),
});
